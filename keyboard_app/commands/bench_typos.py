"""`keyboard-app bench typos`: a noisy typist's recall, autocorrections and keystroke savings,
with the corrector and without it (`keyboard_app.bench.typos`)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from keyboard_app.commands import (
    CommandError,
    builtin_corpus,
    file_or_dash,
    for_people,
    read_input,
    real_number,
    whole_number,
)


def register_bench(bench_subparsers: Any) -> None:
    parser = bench_subparsers.add_parser("typos", help="corrections of a noisy typist's slips")
    parser.add_argument(
        "file",
        type=file_or_dash,
        nargs="?",
        help="held-out texts separated by blank lines, - for standard input (default: the built-in "
        "corpus's held-out split)",
    )
    parser.add_argument(
        "--words", type=whole_number(1), default=1000, help="words to type (default 1000)"
    )
    parser.add_argument(
        "--skip-words",
        type=whole_number(0),
        default=0,
        help="start after the texts holding this many words",
    )
    parser.add_argument(
        "--rate",
        type=real_number(0, above=True, high=1),
        default=0.1,
        help="share of the words misspelt (default 0.1)",
    )
    parser.add_argument(
        "--seed", type=whole_number(0), default=0, help="the slips' random seed (default 0)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.set_defaults(func=for_people(_bench_typos))


def _bench_typos(args: argparse.Namespace) -> int:
    from keyboard_app.bench.ksr import NothingToType, read_texts, skip_words, typeable
    from keyboard_app.bench.typos import run_typos
    from keyboard_app.engine.predictor import Predictor
    from keyboard_app.engine.sources.corrections import CorrectionSource

    try:
        texts = typeable(skip_words(read_texts(_heldout_text(args.file)), args.skip_words))
    except NothingToType as error:
        raise CommandError(f"{args.file or 'the held-out text'}: {error}") from None
    predictor = Predictor.load()
    corrections = [s for s in predictor.sources if isinstance(s, CorrectionSource)]
    if not corrections:
        raise CommandError("the corrector needs the dictionary, which was not loaded")
    began = time.perf_counter()
    predictor.wait_for_corrections()
    waited = time.perf_counter() - began

    def suggest(text: str) -> list[str]:
        return [s.word for s in predictor.suggest(text)]

    def run(rate: float) -> dict[str, float]:
        return run_typos(
            suggest, predictor.autocorrection, texts, args.words, rate, args.seed
        ).as_dict()

    result: dict[str, Any] = {"words": args.words, "rate": args.rate, "seed": args.seed}
    result["with_corrector"] = run(args.rate)
    result["clean_typist"] = run(0.0)
    predictor.sources.remove(corrections[0])
    result["without_corrector"] = run(args.rate)
    clean = result["clean_typist"]["ksr"]
    result["ksr_points_below_clean"] = {
        "with_corrector": round(100 * (clean - result["with_corrector"]["ksr"]), 2),
        "without_corrector": round(100 * (clean - result["without_corrector"]["ksr"]), 2),
    }
    result["index_build_s"] = round(corrections[0].corrector.build_seconds, 3)
    result["index_wait_after_load_s"] = round(waited, 3)
    predictor.close()
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


def _heldout_text(path: Path | None) -> str:
    if path is not None:
        return read_input(path)
    from keyboard_app.training.corpus import load_split

    return "\n\n".join(load_split(builtin_corpus("FILE (held-out texts)")).heldout_texts())
