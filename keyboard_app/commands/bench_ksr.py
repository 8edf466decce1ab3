"""`keyboard-app bench ksr`: keystroke savings of the model against two classic keyboards."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from keyboard_app.paths import resource


def register_bench(bench_subparsers: Any) -> None:
    parser = bench_subparsers.add_parser("ksr", help="keystroke savings rate on a held-out text")
    parser.add_argument("file", type=Path, help="held-out texts, separated by blank lines")
    parser.add_argument("--model", type=Path, help="GGUF to measure (default: the built-in model)")
    parser.add_argument(
        "--words",
        type=_word_count,
        default=2000,
        help="words to type, or `all` for the whole file (default 2000)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--train-text", type=Path, help="training text for the baselines")
    source.add_argument(
        "--corpus", type=Path, help="corpus folder; its training split builds the baselines"
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="print JSON (the only output format)")
    parser.set_defaults(func=_run)


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
        lines: list[str] = Path(args.train_text).read_text("utf-8").splitlines()
        return lines
    from keyboard_app.training.corpus import load_split

    return load_split(args.corpus or resource("corpora")).train_lines()


def _run(args: argparse.Namespace) -> int:
    from keyboard_app.bench.baselines import FrequencyKeyboard, TrigramKeyboard
    from keyboard_app.bench.ksr import read_texts, simulate
    from keyboard_app.engine import Predictor

    texts = read_texts(args.file.read_text("utf-8"))
    training = _training_lines(args)
    frequency, trigram = FrequencyKeyboard(training), TrigramKeyboard(training)
    with Predictor.load(args.model, n_threads=args.threads) as predictor:
        model = simulate(lambda t: [s.word for s in predictor.suggest(t, k=3)], texts, args.words)
        info = predictor.info
    # The same model without the dictionary: what the network alone contributes.
    with Predictor.load(args.model, n_threads=args.threads, use_dictionary=False) as predictor:
        alone = simulate(lambda t: [s.word for s in predictor.suggest(t, k=3)], texts, args.words)
    report = {
        "model": {
            "name": info.name,
            "file": str(args.model) if args.model else f"built-in: {info.path.name}",
            "quantization": info.quantization,
            "device": info.device,
        },
        "text": str(args.file),
        "keyboards": {
            "model": model.as_dict(),
            "model_without_dictionary": alone.as_dict(),
            "word_frequency": simulate(frequency.suggest, texts, args.words).as_dict(),
            "word_trigram": simulate(trigram.suggest, texts, args.words).as_dict(),
        },
    }
    print(json.dumps(report, indent=2))
    return 0
