"""`keyboard-app bench latency`: per-keystroke suggestion latency (see keyboard_app.bench.latency)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from keyboard_app.commands import for_people, real_number, thread_count


def register_bench(bench_subparsers: Any) -> None:
    parser = bench_subparsers.add_parser(
        "latency", help="suggestion latency per keystroke vs llama.cpp's decode floor"
    )
    parser.add_argument(
        "--model", type=Path, help="GGUF to measure (default: random GPT-2 small q8_0)"
    )
    parser.add_argument("--threads", type=thread_count, default=None, help="CPU threads")
    parser.add_argument(
        "--personal",
        type=Path,
        help="a personal store: the typing is measured with it too, side by side (it is not changed)",
    )
    parser.add_argument(
        "--chars-per-second",
        type=real_number(0, above=True),
        default=15.0,
        help="pace of the paused typing, which works ahead between keystrokes (default 15)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (the only output format)")
    parser.set_defaults(func=for_people(_run))


def _run(args: argparse.Namespace) -> int:
    from keyboard_app.bench.latency import run

    print(json.dumps(run(args.model, args.threads, args.personal, args.chars_per_second), indent=2))
    return 0
