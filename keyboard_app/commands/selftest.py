"""`keyboard-app self-test` (also `--self-test`): load the built-in model, suggest, continue, check,
and print a one-line report. Needs no display; used to check an installed or frozen app."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keyboard_app.engine import Predictor

TEXT = "Thank you very much for your "
TYPO = "I hope to recieve"  # the corrector (symspellpy, its C distance) must offer "receive"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("self-test", help="check that the app and its model work")
    parser.add_argument("--model", help="a GGUF file instead of the built-in model")
    parser.set_defaults(func=run)


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def run(args: argparse.Namespace) -> int:
    from keyboard_app.engine import ModelError, Predictor
    from keyboard_app.engine.sampling import SamplingParams
    from keyboard_app.files import human_size

    greedy_params = SamplingParams(max_tokens=8, top_k=1)

    try:
        began = time.perf_counter()
        with Predictor.load(args.model) as predictor:
            load_ms = (time.perf_counter() - began) * 1000
            started = time.perf_counter()
            words = [s.word for s in predictor.suggest(TEXT, k=3)]
            suggest_ms = (time.perf_counter() - started) * 1000
            partial = [s.word for s in predictor.suggest(TEXT + "he", k=3)]
            greedy = "".join(predictor.continue_text(TEXT, greedy_params))
            again = "".join(predictor.continue_text(TEXT, greedy_params))
            corrections = _corrections(predictor)
            info = predictor.info
        _check(
            len(words) == 3 and all(w.isprintable() and w.strip() for w in words),
            f"suggestions {words}",
        )
        completes = all(w.lower().startswith("he") for w in partial)  # a name keeps its capital
        _check(bool(partial) and completes, f"completions {partial}")
        _check(bool(greedy.strip()) and greedy == again, f"continuation {greedy!r}")
        _check("receive" in corrections, f"corrections {corrections}")
    except (ModelError, AssertionError) as error:
        print(f"self-test FAILED: {error}", file=sys.stderr)
        return 1
    print(
        f"self-test ok: {info.name} ({info.quantization}, {human_size(info.size_bytes)}) on {info.device};"
        f" load {load_ms:.0f} ms, suggest {suggest_ms:.1f} ms; suggestions {words};"
        f" continuation {greedy!r}; corrected {corrections}"
    )
    return 0


def _corrections(predictor: Predictor) -> list[str]:
    """The strip's corrections for TYPO, once the correction index is built."""
    predictor.wait_for_corrections()
    return [s.word for s in predictor.suggest(TYPO, k=3) if s.correction]
