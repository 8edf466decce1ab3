"""`keyboard-app bench server`: typists on a llama-server vs the local engine (keyboard_app.bench.server)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from keyboard_app.commands import for_people, real_number, whole_number
from keyboard_app.commands.engine import API_KEY_VARIABLE, server_api_key


def register_bench(bench_subparsers: Any) -> None:
    parser = bench_subparsers.add_parser(
        "server", help="keystroke latency of typists on a llama-server vs the local engine"
    )
    parser.add_argument("--url", help="a running server (default: start one on 127.0.0.1)")
    parser.add_argument(
        "--api-key", metavar="KEY", help=f"the server's API key (default: ${API_KEY_VARIABLE})"
    )
    parser.add_argument(
        "--typists", type=whole_number(1), default=1, help="simulated typists (default 1)"
    )
    parser.add_argument(
        "--seconds", type=real_number(0, above=True), default=30.0, help="typing time (default 30)"
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="GGUF to serve and compare with (default: the built-in model; with --url, the "
        "server's own model file, and no local comparison unless given)",
    )
    parser.add_argument(
        "--lockstep",
        action="store_true",
        help="every typist presses a key at the same instants (the worst case; default: "
        "independent typists, each with its own rhythm)",
    )
    parser.add_argument(
        "--agreement-keystrokes",
        type=whole_number(0),
        default=None,
        metavar="N",
        help="keystrokes whose exact words are compared between the server and the local engine "
        "(default 40; 0: none; each costs the server whole distributions)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (the only output format)")
    parser.set_defaults(func=for_people(_run))


def _run(args: argparse.Namespace) -> int:
    from keyboard_app.bench.server import AGREEMENT_KEYS, run

    agreement = AGREEMENT_KEYS if args.agreement_keystrokes is None else args.agreement_keystrokes
    report = run(
        args.url,
        server_api_key(args.api_key),
        args.typists,
        args.seconds,
        args.model,
        args.lockstep,
        agreement,
    )
    print(json.dumps(report, indent=2))
    return 0
