"""Sub-commands of `keyboard-app`, one module per area.

Each module defines `register(subparsers)` and may define `register_bench(bench_subparsers)` for its
`keyboard-app bench ...` entries; parsers set `func`, a handler taking the parsed arguments and
returning the exit status. Modules are imported lazily by the CLI, so `keyboard-app suggest` never
imports Qt.
"""
