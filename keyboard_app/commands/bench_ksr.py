"""`keyboard-app bench ksr`: keystroke savings of the model against two classic keyboards."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyboard_app.commands import (
    CommandError,
    builtin_corpus,
    file_or_dash,
    for_people,
    read_input,
    real_number,
    thread_count,
    whole_number,
)
from keyboard_app.paths import lexicon_path

if TYPE_CHECKING:
    from keyboard_app.bench.baselines import FrequencyKeyboard, TrigramKeyboard
    from keyboard_app.bench.ksr import Score, Typist
    from keyboard_app.bench.personal_ksr import Groups
    from keyboard_app.engine import Predictor
    from keyboard_app.engine.predictor import ModelInfo


def register_bench(bench_subparsers: Any) -> None:
    parser = bench_subparsers.add_parser("ksr", help="keystroke savings rate on a held-out text")
    parser.add_argument(
        "file",
        type=file_or_dash,
        help="held-out texts, separated by blank lines (- for standard input)",
    )
    parser.add_argument("--model", type=Path, help="GGUF to measure (default: the built-in model)")
    parser.add_argument(
        "--words",
        type=_word_count,
        default=2000,
        help="words to type, or `all` for the whole file (default 2000)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--train-text",
        type=file_or_dash,
        help="training text for the baselines (default: the training split of resources/corpora)",
    )
    source.add_argument(
        "--corpus", type=Path, help="corpus folder; its training split builds the baselines"
    )
    parser.add_argument(
        "--skip-words",
        type=whole_number(0),
        default=0,
        help="start after the first texts that hold this many words (to measure on the rest; "
        "default 0)",
    )
    parser.add_argument(
        "--inline",
        action="store_true",
        help="also type with inline predictions (the model keyboard plus Tab on a right one)",
    )
    parser.add_argument(
        "--inline-threshold",
        type=real_number(0, above=True, high=1),
        default=None,
        help="how sure the model must be of an inline prediction (default: the engine's)",
    )
    parser.add_argument(
        "--min-paragraphs",
        type=whole_number(1),
        default=1,
        help="type only the texts of at least this many paragraphs (e.g. 2: the Brown files)",
    )
    parser.add_argument(
        "--personal-split",
        type=real_number(0, above=True, high=1),
        default=None,
        help="learn this share of each text into a personal store, type the rest with and without it",
    )
    parser.add_argument(
        "--learn-online",
        action="store_true",
        help="with --personal-split: also a store that learns each paragraph once typed",
    )
    parser.add_argument(
        "--chars-per-second",
        type=real_number(0, above=True),
        default=None,
        help="also type in real time at this pace, the engine working as in the app",
    )
    parser.add_argument(
        "--decode-delay-ms",
        type=real_number(0),
        default=190.0,
        help="with --chars-per-second: also with this delay added to every decode, as a slow "
        "model's (default 190: GPT-2 XL on two cores)",
    )
    parser.add_argument("--threads", type=thread_count, default=None, help="CPU threads")
    parser.add_argument("--json", action="store_true", help="print JSON (the only output format)")
    parser.set_defaults(func=for_people(partial(_run, parser)))


def _word_count(value: str) -> int:
    """A positive number of words, or `all` (every word of the file)."""
    if value == "all":
        return sys.maxsize
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(
            f"expected a positive number of words or `all`, not {value!r}"
        )
    return int(value)


def _training_lines(args: argparse.Namespace) -> list[str]:
    if args.train_text:
        return read_input(args.train_text).splitlines()
    from keyboard_app.training.corpus import load_split

    corpus = args.corpus or builtin_corpus("--train-text FILE or --corpus FOLDER")
    return load_split(corpus).train_lines()


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from keyboard_app.bench.ksr import simulate

    if args.learn_online and args.personal_split is None:
        parser.error("--learn-online needs --personal-split (the share of each text to learn)")
    texts, groups = _texts_to_type(args)
    frequency, trigram = _baseline_keyboards(args)
    model = _type_with_the_model(args, texts)
    alone = _type_without_the_dictionary(args, texts)
    report: dict[str, Any] = {
        "model": _model_description(args, model.info),
        "text": str(args.file),
        "keyboards": {
            "model": model.typist.score.as_dict(),
            "model_without_dictionary": alone.as_dict(),
            "word_frequency": simulate(frequency.suggest, texts, args.words).as_dict(),
            "word_trigram": simulate(trigram.suggest, texts, args.words).as_dict(),
            **model.inline,
        },
    }
    if args.chars_per_second:
        report["real_time"] = model.real_time
    if args.personal_split is not None:
        report["personal"] = _with_personal_store(args, groups, model.typist)
    if args.skip_words:
        report["skipped_words"] = args.skip_words
    print(json.dumps(report, indent=2))
    return 0


def _texts_to_type(args: argparse.Namespace) -> tuple[list[list[str]], Groups]:
    """The texts the keyboards type and, with --personal-split, who learns what before typing
    (then the texts are the parts typed after learning)."""
    from keyboard_app.bench.ksr import (
        NothingToType,
        learning_groups,
        read_texts,
        skip_words,
        typeable,
    )

    texts = skip_words(read_texts(read_input(args.file)), args.skip_words)
    try:
        texts = typeable([ps for ps in texts if len(ps) >= args.min_paragraphs])
    except NothingToType as error:
        raise CommandError(f"{args.file}: {error}") from None
    if args.personal_split is None:
        return texts, []
    from keyboard_app.bench.personal_ksr import typed_texts

    groups = learning_groups(texts, args.personal_split)
    return typed_texts(groups), groups


def _baseline_keyboards(args: argparse.Namespace) -> tuple[FrequencyKeyboard, TrigramKeyboard]:
    """The two classic keyboards, built from the training text."""
    from keyboard_app.bench.baselines import FrequencyKeyboard, TrigramKeyboard

    training = _training_lines(args)
    return FrequencyKeyboard(training), TrigramKeyboard(training)


@dataclass
class _ModelRun:
    """The model keyboard's typing, and what was measured with the model while it was loaded."""

    typist: Typist
    info: ModelInfo
    inline: dict[str, Any]  # the keyboards with and without inline predictions (--inline)
    real_time: dict[str, Any]  # typing in real time (--chars-per-second)


def _type_with_the_model(args: argparse.Namespace, texts: list[list[str]]) -> _ModelRun:
    from keyboard_app.bench.ksr import Typist, run_typist
    from keyboard_app.engine import Predictor

    with Predictor.load(args.model, n_threads=args.threads) as predictor:
        predictor.wait_for_corrections()  # the same keyboard however fast the index builds
        typist = run_typist(Typist(_strip(predictor)), texts, args.words)
        info = predictor.info
        inline = _with_inline(predictor, texts, args) if args.inline else {}
        real_time = (
            _in_real_time(predictor, texts, args, typist.score.ksr) if args.chars_per_second else {}
        )
        return _ModelRun(typist, info, inline, real_time)


def _type_without_the_dictionary(args: argparse.Namespace, texts: list[list[str]]) -> Score:
    """The same model without the dictionary: what the network alone contributes."""
    from keyboard_app.bench.ksr import simulate
    from keyboard_app.engine import Predictor

    with Predictor.load(args.model, n_threads=args.threads, use_dictionary=False) as predictor:
        return simulate(_strip(predictor), texts, args.words)


def _strip(predictor: Predictor) -> Callable[[str], list[str]]:
    """The model keyboard: the suggestion strip's three words for a text."""

    def strip(text: str) -> list[str]:
        return [s.word for s in predictor.suggest(text, k=3)]

    return strip


def _model_description(args: argparse.Namespace, info: ModelInfo) -> dict[str, Any]:
    """The model as given (the file, or the built-in model's name: not a path of the install)."""
    return {
        "name": info.name,
        "file": str(args.model) if args.model else f"built-in: {info.path.name}",
        "quantization": info.quantization,
        "device": info.device,
    }


def _with_personal_store(
    args: argparse.Namespace, groups: Groups, typist: Typist
) -> dict[str, Any]:
    """The model keyboard with a personal store per group, its gain over `typist` (the model
    keyboard without one), and the gains that recurring words could give at most."""
    from keyboard_app.bench.personal_ksr import recurring_words_ceiling, with_personal
    from keyboard_app.engine.lexicon import load_lexicon

    personal = with_personal(args.model, args.threads, groups, args.words, args.learn_online)
    personal["ksr_gain"] = round(personal["model_with_personal"]["ksr"] - typist.score.ksr, 4)
    english = load_lexicon(lexicon_path())
    personal["recurring_words_ceiling"] = recurring_words_ceiling(groups, typist, english)
    personal["recurring_words_after_one_letter"] = recurring_words_ceiling(
        groups, typist, english, letters=1
    )
    return personal


def _in_real_time(
    predictor: Any, texts: list[list[str]], args: argparse.Namespace, offline_ksr: float
) -> dict[str, Any]:
    """KSR typed in real time, before (the newest text's answer only) and after (instant answers
    and work ahead), without and with the decode delay, beside the offline KSR."""
    from keyboard_app.bench.realtime_ksr import type_in_real_time

    report: dict[str, Any] = {
        "chars_per_second": args.chars_per_second,
        "decode_delay_ms": args.decode_delay_ms,
        "offline_ksr": offline_ksr,
    }
    for name, delay in (("no_delay", 0.0), ("with_decode_delay", args.decode_delay_ms / 1000)):
        runs = {
            stage: type_in_real_time(
                predictor, texts, args.words, args.chars_per_second, delay, instant
            )
            for stage, instant in (("before", False), ("after", True))
        }
        runs["after_minus_offline_ksr"] = round(runs["after"]["ksr"] - offline_ksr, 4)
        report[name] = runs
    return report


def _with_inline(
    predictor: Any, texts: list[list[str]], args: argparse.Namespace
) -> dict[str, Any]:
    """The model keyboard with inline predictions taken when right, and without them but asked
    as often (once more when a word is typed out, as the app is), side by side."""
    from keyboard_app.bench.ksr import Typist, run_typist

    if args.inline_threshold is not None:
        predictor.inline_threshold = args.inline_threshold
    strip = _strip(predictor)
    predictor.drop_cache()
    without = run_typist(Typist(strip, asks_at_word_end=True), texts, args.words).score.as_dict()
    predictor.drop_cache()
    typist = run_typist(Typist(strip, predictor.inline_prediction), texts, args.words)
    with_inline = typist.score.as_dict()
    return {
        "model_asked_at_word_ends": without,
        "model_with_inline": {
            **with_inline,
            "ksr_gain": round(with_inline["ksr"] - without["ksr"], 4),
            "inline_threshold": predictor.inline_threshold,
            "inline": typist.inline_score.as_dict(),
        },
    }
