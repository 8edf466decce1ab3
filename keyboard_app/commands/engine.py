"""`keyboard-app suggest | explore | continue`: the engine from the command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from keyboard_app.commands import (
    Action,
    for_people,
    given,
    real_number,
    thread_count,
    whole_number,
)

if TYPE_CHECKING:
    from keyboard_app.engine import Predictor, Suggestion


def register(subparsers: Any) -> None:
    suggest = subparsers.add_parser("suggest", help="the likeliest words to type next")
    suggest.add_argument("text", help="the text before the cursor")
    suggest.add_argument("--k", type=whole_number(1), default=3, help="how many words (default 3)")
    suggest.add_argument("--json", action="store_true", help="print JSON")

    explore = subparsers.add_parser("explore", help="the likeliest next tokens and probabilities")
    explore.add_argument("text", help="the text before the cursor")
    explore.add_argument(
        "--k", type=whole_number(1), default=10, help="how many tokens (default 10)"
    )
    explore.add_argument("--json", action="store_true", help="print JSON")

    cont = subparsers.add_parser("continue", help="continue TEXT with top-k sampling")
    cont.add_argument("text", help="the text to continue")
    cont.add_argument(
        "--tokens", type=_token_count, default=60, help="how many tokens to write (default 60)"
    )
    cont.add_argument(
        "--top-k",
        type=whole_number(0),
        default=40,
        help="draw from the K likeliest tokens (default 40; 0: no limit; 1: greedy)",
    )
    cont.add_argument(
        "--top-p",
        type=real_number(0, above=True, high=1),
        default=1.0,
        help="draw from the likeliest tokens that hold this much probability (default 1: all)",
    )
    cont.add_argument(
        "--temperature",
        type=real_number(0),
        default=1.0,
        help="below 1 more predictable, above 1 more varied (default 1; 0: greedy)",
    )
    cont.add_argument(
        "--seed",
        type=whole_number(0, 2**64 - 1),
        default=None,
        help="the same seed gives the same text (default: a new one each time)",
    )
    for parser, action in ((suggest, _suggest), (explore, _explore), (cont, _continue)):
        add_model_options(parser)
        parser.set_defaults(func=for_people(partial(_with_model_options_checked, parser, action)))


def _token_count(value: str) -> int:
    """An argparse type: how many tokens `continue` may write (1 to the sampler's limit)."""
    from keyboard_app.engine.sampling import MAX_TOKENS_LIMIT

    return whole_number(1, MAX_TOKENS_LIMIT)(value)


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        type=given,
        help="a GPT-2 GGUF file or an installed model's name (default: the model chosen with "
        "`models use`, else the built-in model)",
    )
    parser.add_argument("--threads", type=thread_count, default=None, help="CPU threads")
    parser.add_argument("--no-filter", action="store_true", help="allow offensive words")
    parser.add_argument(
        "--server",
        type=given,
        metavar="URL",
        help="use the model of a llama-server (the text is sent to it)",
    )
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        help=f"the server's API key (default: ${API_KEY_VARIABLE}, which keeps it out of the "
        "process list and the shell's history)",
    )


# The variable `keyboard-app serve` and llama-server take the server's key from: set once, it
# serves both sides.
API_KEY_VARIABLE = "LLAMA_API_KEY"
LOCAL_MODEL_OPTIONS = ("model", "threads")  # they choose and run a model here


def server_api_key(given: str | None) -> str | None:
    """The server's key: the one given (`--api-key`), else `$LLAMA_API_KEY`, else none."""
    return given or os.environ.get(API_KEY_VARIABLE) or None


def model_option_conflict(args: argparse.Namespace) -> str | None:
    """Why the options that choose the model contradict each other (a usage error), if they do:
    a local model's options with `--server` would be ignored, and so would a key without it."""
    if args.server:
        given = [f"--{name}" for name in LOCAL_MODEL_OPTIONS if getattr(args, name) is not None]
        if given:
            return f"{' and '.join(given)} cannot be used with --server (the server runs its model)"
    elif args.api_key is not None:
        return "--api-key needs --server (it is the server's key)"
    return None


def _with_model_options_checked(
    parser: argparse.ArgumentParser, action: Action, args: argparse.Namespace
) -> int:
    """`action`, once the model options agree; `parser.error` (exit 2) otherwise."""
    conflict = model_option_conflict(args)
    if conflict is not None:
        parser.error(conflict)
    return action(args)


def load_predictor(args: argparse.Namespace) -> Predictor:
    from keyboard_app.engine import Predictor

    if args.server:
        predictor = Predictor.connect(args.server, server_api_key(args.api_key))
        predictor.filter_offensive = not args.no_filter
        return predictor
    from keyboard_app.models.store import model_to_load

    return Predictor.load(
        model_to_load(args.model), n_threads=args.threads, filter_offensive=not args.no_filter
    )


def _ask(
    args: argparse.Namespace,
    query: Callable[[Predictor], list[Any]],
    keys: tuple[str, ...],
    line: Callable[[Any], str],
) -> int:
    """Run `query` on the chosen model; print JSON (`keys` and probability per result) or lines."""
    with load_predictor(args) as predictor:
        found = query(predictor)
    if args.json:
        fields = (*keys, "probability")
        print(json.dumps([{key: getattr(r, key) for key in fields} for r in found]))
    else:
        for result in found:
            print(line(result))
    return 0


def _suggest(args: argparse.Namespace) -> int:
    def suggest(predictor: Predictor) -> list[Suggestion]:
        predictor.wait_for_corrections()  # a second or so, once: the strip's corrections too
        return predictor.suggest(args.text, k=args.k, exact=True)

    return _ask(
        args,
        suggest,
        ("word", "correction", "autocorrect"),
        lambda s: f"{s.word}\t{s.probability:.4g}" + ("\tcorrection" if s.correction else ""),
    )


def _explore(args: argparse.Namespace) -> int:
    from keyboard_app.engine.window import heals_trailing_space

    if heals_trailing_space(args.text) and not args.json:
        print("# after the trailing space: tokens that start with one, renormalised over them")
    return _ask(
        args,
        lambda p: p.explore(args.text, k=args.k),
        ("token", "token_id"),  # the id tells apart tokens that read the same (a byte's piece)
        lambda c: f"{c.token!r:>20} {c.probability:7.2%} {'#' * round(c.probability * 40)}",
    )


def _continue(args: argparse.Namespace) -> int:
    from keyboard_app.engine.sampling import SamplingParams

    params = SamplingParams(args.tokens, args.top_k, args.temperature, args.top_p, args.seed)
    with load_predictor(args) as predictor:
        sys.stdout.write(args.text)
        try:
            for piece in predictor.continue_text(args.text, params):
                sys.stdout.write(piece)
                sys.stdout.flush()
        except Exception:
            print(flush=True)  # the `error:` line that follows goes on a line of its own
            raise
        sys.stdout.write("\n")
    return 0
