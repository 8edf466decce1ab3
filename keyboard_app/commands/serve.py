"""`keyboard-app serve MODEL`: llama.cpp's llama-server on a model, for the keyboard's clients."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

from keyboard_app.commands import for_people, thread_count, whole_number
from keyboard_app.engine.remote import LOCAL_HOSTS


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run llama-server on a model for the keyboard's clients (docs/server.md)",
        description="Start llama.cpp's llama-server on MODEL (a name from `models list` or a GGUF "
        "file), checked first. Clients connect with `--server URL` or Model > Connect to Server. "
        "The server sees the text before the cursor of everyone using it.",
    )
    serve.add_argument("model", metavar="MODEL", help="an installed model's name or a GGUF file")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=whole_number(1, 65535), default=8080, help="port (8080)")
    serve.add_argument(
        "--parallel",
        type=whole_number(1, 256),
        default=8,
        help="slots (8: each typing client uses 2)",
    )
    serve.add_argument(
        "--api-key",
        metavar="KEY",
        default=os.environ.get("LLAMA_API_KEY") or None,
        help="the key clients must give (default: $LLAMA_API_KEY)",
    )
    serve.add_argument(
        "--gpu-layers", type=whole_number(0), default=None, help="layers offloaded to the GPU"
    )
    serve.add_argument("--threads", type=thread_count, default=None, help="CPU threads")
    serve.add_argument("--llama-server", metavar="PATH", help="the llama-server binary to run")
    serve.set_defaults(func=for_people(_serve))


def _serve(args: argparse.Namespace) -> int:
    from keyboard_app.models.serve import ServeOptions, ServerProcess

    options = ServeOptions(
        args.host, args.port, args.parallel, args.api_key, args.gpu_layers, args.threads
    )
    server = ServerProcess.start(args.model, options, llama_server=args.llama_server, output=None)
    # A service manager's SIGTERM leaves through the `with` too, so no server is left running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    with server:  # leaving it (Ctrl+C included) stops the server
        server.wait_ready()
        print(f"keyboard-app: serving {server.model_path.name} at {server.url}", file=sys.stderr)
        if args.host not in LOCAL_HOSTS and not args.api_key:
            print(
                "keyboard-app: warning: no --api-key, and other machines can reach this server",
                file=sys.stderr,
            )
        try:
            return server.process.wait()
        except KeyboardInterrupt:  # how a person stops it: not "cancelled" (`for_people`)
            return 128 + signal.SIGINT
