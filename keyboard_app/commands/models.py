"""`keyboard-app models ...`: list, download, convert, quantize, import, remove, use."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyboard_app.commands import for_people, given, output_file, thread_count
from keyboard_app.files import human_size

if TYPE_CHECKING:
    from keyboard_app.models.progress import Progress

# Checked by the model manager; named here so `--help` needs no imports.
QUANT_HELP = "q8_0 (default), q6_k, q5_k_m, q4_k_m, q4_0 or f16"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("models", help="download, convert and manage GPT-2 models")
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    sub.add_parser("list", help="the catalog and the installed models").set_defaults(func=_list)

    p = sub.add_parser("download", help="download, convert, quantize and install a GPT-2")
    p.add_argument("name", help="gpt2, gpt2-medium, gpt2-large or gpt2-xl")
    p.add_argument("--quant", default="q8_0", help=QUANT_HELP)
    p.add_argument("--keep-download", action="store_true", help="keep the Hugging Face files")
    p.add_argument("--use", action="store_true", help="make it the app's model when installed")
    p.set_defaults(func=_download)

    p = sub.add_parser("convert", help="convert a Hugging Face GPT-2 folder to GGUF")
    p.add_argument("src", type=Path, help="folder with config.json and model.safetensors")
    p.add_argument("--out", type=output_file, required=True, help="the GGUF file to write")
    p.add_argument(
        "--type",
        dest="out_type",
        default="f32",
        choices=("f32", "f16"),
        help="the weights' type (default: f32)",
    )
    p.set_defaults(func=_convert)

    p = sub.add_parser("quantize", help="quantize a GGUF with llama.cpp")
    p.add_argument("src", type=Path, help="the GGUF file to quantize")
    p.add_argument("dst", type=output_file, help="the GGUF file to write")
    p.add_argument("--type", dest="kind", default="q8_0", help=QUANT_HELP)
    p.add_argument("--threads", type=thread_count, default=None, help="CPU threads")
    p.set_defaults(func=_quantize)

    p = sub.add_parser("import", help="check a GGUF file and add it to the installed models")
    p.add_argument("file", type=Path, help="the GGUF file")
    p.add_argument(
        "--name", type=given, help="the name to install it under (default: the file name)"
    )
    p.set_defaults(func=_import)

    p = sub.add_parser("remove", help="delete an installed model")
    p.add_argument("name", help="an installed model's name")
    p.set_defaults(func=_remove)

    p = sub.add_parser("use", help="the model the app uses ('builtin' for the built-in one)")
    p.add_argument("name", help="an installed model's name, or builtin")
    p.set_defaults(func=_use)

    # Hidden (no help): the child process of `models import`, reachable in a frozen app.
    p = sub.add_parser("trial-load")
    p.add_argument("file", type=Path)
    p.set_defaults(func=_trial_load)


def _ms(milliseconds: float) -> str:
    return f"{milliseconds:.1f} ms" if milliseconds < 10 else f"{milliseconds:,.0f} ms"


def _installed_keystroke(path: Path) -> str:
    from keyboard_app.engine.errors import ModelError
    from keyboard_app.engine.gguf_validate import validate_gguf
    from keyboard_app.models.speed import file_keystroke_ms

    if not path.is_file():
        return "missing"
    try:
        return f"~{_ms(file_keystroke_ms(validate_gguf(path)))}"
    except ModelError:
        return "unusable"


def _app_model_text() -> str:
    """Which model the app loads when started, and why, if that is not the one chosen."""
    from keyboard_app.models import store

    chosen = store.chosen_model(validate=True)
    if chosen.path is not None:
        return chosen.label or str(chosen.path)
    loaded = (
        "the built-in model" if chosen.loaded_path() else "no model (the built-in one is missing)"
    )
    if chosen.problem is None:
        return loaded
    return f"{loaded}\n  ({chosen.label} is chosen, but cannot be used: {chosen.problem})"


@for_people
def _list(args: argparse.Namespace) -> int:
    from keyboard_app.models import store
    from keyboard_app.models.catalog import catalog

    print(
        "Catalog: download size; for each quantization, size on disk and the typical time of "
        "one keystroke's suggestions (on 2 CPU cores):"
    )
    for entry in catalog():
        print(f"  {entry.name:<12} {entry.title:<22} download {human_size(entry.download_bytes)}")
        quants = ", ".join(
            f"{q.kind} {human_size(q.size_bytes)} ~{_ms(q.keystroke_ms)}" for q in entry.estimates()
        )
        print(f"      {quants}")
    default = store.default_model_name()
    print("\nInstalled (size, time per keystroke):")
    models = store.installed_models()
    for model in models:
        mark = "*" if model.name == default else " "
        print(
            f" {mark}{model.name:<24} {model.quantization:<8} {human_size(model.size_bytes):>9} "
            f"{_installed_keystroke(model.path):>9}  {model.source}  {model.installed[:10]}"
        )
    if not models:
        print("  (none)")
    print(f"\nThe app uses: {_app_model_text()}")
    return 0


class _ProgressBar:
    """A one-line terminal progress bar for download and conversion reports; where stderr is no
    terminal (a log file, a pipe), one line per stage instead of a bar redrawn with `\r`."""

    def __init__(self) -> None:
        self.stage = ""

    def __call__(self, p: Progress) -> None:
        if not sys.stderr.isatty():
            if p.stage != self.stage:
                sys.stderr.write(f"{p.stage}\n")
            self.stage = p.stage
            return
        if p.stage != self.stage and self.stage:
            sys.stderr.write("\n")
        self.stage = p.stage
        bar = "#" * int((p.fraction or 0.0) * 30)
        sys.stderr.write(f"\r[{bar:<30}] {p.describe()}   ")
        sys.stderr.flush()


@for_people
def _download(args: argparse.Namespace) -> int:
    from keyboard_app.models.manager import download_model, set_default_model

    try:
        model = download_model(
            args.name, args.quant, progress=_ProgressBar(), keep_download=args.keep_download
        )
    finally:
        sys.stderr.write("\n")
    mix = ", ".join(f"{count} {kind}" for kind, count in sorted(model.type_mix.items()))
    print(f"Installed {model.name}: {human_size(model.size_bytes)} (tensors: {mix})")
    if args.use:
        set_default_model(model.name)
        print(f"The app now uses {model.name}.")
    return 0


@for_people
def _convert(args: argparse.Namespace) -> int:
    from keyboard_app.models.convert import convert_checkpoint

    try:
        out = convert_checkpoint(
            args.src, args.out, out_type=args.out_type, progress=_ProgressBar()
        )
    finally:
        sys.stderr.write("\n")
    print(f"Wrote {out} ({human_size(out.stat().st_size)})")
    return 0


@for_people
def _quantize(args: argparse.Namespace) -> int:
    from keyboard_app.engine.gguf_validate import validate_gguf
    from keyboard_app.models.quantize import quantize_gguf

    out = quantize_gguf(args.src, args.dst, args.kind, n_threads=args.threads)
    mix = ", ".join(f"{n} {k}" for k, n in sorted(validate_gguf(out).type_mix().items()))
    print(f"Wrote {out} ({human_size(out.stat().st_size)}; tensors: {mix})")
    return 0


@for_people
def _import(args: argparse.Namespace) -> int:
    from keyboard_app.models.manager import import_model

    model = import_model(args.file, args.name)
    print(f"Installed {model.name} ({model.quantization}, {human_size(model.size_bytes)})")
    return 0


@for_people
def _remove(args: argparse.Namespace) -> int:
    from keyboard_app.models.manager import remove_model

    print(f"Removed {remove_model(args.name)}.")
    return 0


@for_people
def _use(args: argparse.Namespace) -> int:
    from keyboard_app.models.manager import set_default_model
    from keyboard_app.models.store import BUILTIN_NAMES

    name = None if args.name.lower() in BUILTIN_NAMES else args.name
    used = set_default_model(name, validate=True)
    print(f"The app now uses {used or 'the built-in model'}.")
    return 0


def _trial_load(args: argparse.Namespace) -> int:
    from keyboard_app.models.trial_load import run_in_this_process

    return run_in_this_process(args.file)
