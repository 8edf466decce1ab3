"""`keyboard-app train`: train the built-in model from the corpora (needs the `train` extra)."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from dataclasses import fields
from functools import partial
from pathlib import Path
from typing import Any

from keyboard_app.commands import (
    CommandError,
    for_people,
    output_file,
    real_number,
    whole_number,
)
from keyboard_app.engine.shapes import MAX_CONTEXT, MAX_HEADS, MAX_LAYERS, MAX_WIDTH, MIN_CONTEXT
from keyboard_app.training.config import OPTIMIZERS, TrainConfig

# The shape options' ranges: what a GGUF may hold to load in the app (`engine.shapes`), and for
# --vocab one frequent token and the RARE row; the other options: 1 or more.
SHAPE_LIMITS: dict[str, tuple[int, int | None]] = {
    "--layers": (1, MAX_LAYERS),
    "--width": (1, MAX_WIDTH),
    "--heads": (1, MAX_HEADS),
    "--context": (MIN_CONTEXT, MAX_CONTEXT),
    "--vocab": (2, None),
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("train", help="train the built-in model (PyTorch, CPU)")
    parser.add_argument(
        "--corpus", type=Path, required=True, help="folder with brown/ and nlp-corpus/"
    )
    parser.add_argument(
        "--out",
        type=output_file,
        help="the q8_0 GGUF to write (needed unless a --write-* option is given)",
    )
    parser.add_argument(
        "--work-dir", type=Path, default=Path("checkpoints"), help="checkpoints (resumable)"
    )
    defaults = TrainConfig()
    parser.add_argument(
        "--minutes",
        type=real_number(0, above=True),
        default=defaults.minutes,
        help=f"training time budget (default {defaults.minutes:g})",
    )
    parser.add_argument(
        "--steps",
        type=whole_number(1),
        help="stop after this many steps (the shipped model: by time only)",
    )
    for option, default, about in (
        ("--layers", defaults.n_layer, "transformer blocks"),
        ("--width", defaults.n_embd, "embedding width, a multiple of --heads"),
        ("--heads", defaults.n_head, "attention heads"),
        ("--context", defaults.n_ctx, "tokens of context"),
        ("--vocab", defaults.vocab_size, "rows trained: frequent tokens + 1"),
        ("--batch-size", defaults.batch_size, "windows a step"),
    ):
        parser.add_argument(
            option, type=_shape(option), default=default, help=f"{about} (default {default})"
        )
    parser.add_argument(
        "--learning-rate",
        type=real_number(0, above=True),
        default=defaults.learning_rate,
        help=f"peak learning rate (default {defaults.learning_rate:g})",
    )
    parser.add_argument(
        "--dropout",
        type=real_number(0, high=1),
        default=defaults.dropout,
        help=f"dropout rate (default {defaults.dropout:g})",
    )
    parser.add_argument(
        "--optimizer",
        choices=OPTIMIZERS,
        default=defaults.optimizer,
        help="muon: Muon for the blocks' matrices, AdamW for the rest",
    )
    parser.add_argument(
        "--bf16",
        action=argparse.BooleanOptionalAction,
        default=defaults.bf16,
        help="bfloat16 matrix products (about 1.6x faster on CPUs with AVX-512 BF16, 150x slower "
        "on CPUs without; by default, used where the CPU multiplies bfloat16 fast)",
    )
    parser.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=defaults.compile,
        help="torch.compile the model (needs a C++ compiler; with --bf16 about 3x faster)",
    )
    parser.add_argument(
        "--eval-every",
        type=real_number(0, above=True),
        default=defaults.eval_every_s,
        help="seconds between evaluations",
    )
    parser.add_argument(
        "--write-heldout",
        type=output_file,
        help="write the held-out split (texts separated by blank lines) and stop",
    )
    parser.add_argument(
        "--write-train", type=output_file, help="write the training split as text and stop"
    )
    parser.add_argument(
        "--write-lexicon",
        type=output_file,
        help="write the words of the training split seen twice or more and stop: the input of "
        "`python -m keyboard_app.training.wordlist`, which builds the shipped dictionary "
        "and the table of common misspellings",
    )
    parser.add_argument(
        "--write-trigrams",
        type=output_file,
        help="write the word trigram model of the training split (a .npz file) and stop",
    )
    parser.set_defaults(func=for_people(partial(_train, parser)))


def _shape(option: str) -> Callable[[str], int]:
    """An argparse type for one of the model's shape options: a whole number in the range that
    the app loads a GGUF with (engine/gguf_validate.py)."""
    low, high = SHAPE_LIMITS.get(option, (1, None))
    return whole_number(low, high)


def _write_splits(args: argparse.Namespace) -> int:
    from keyboard_app.training.corpus import lexicon_lines, load_split, write_lines, write_texts
    from keyboard_app.training.trigrams import build_trigrams, save_trigrams

    split = load_split(args.corpus)
    if args.write_heldout:
        write_texts(args.write_heldout, split.heldout_texts())
    if args.write_train:
        write_lines(args.write_train, split.train_lines())
    if args.write_lexicon:
        write_lines(args.write_lexicon, lexicon_lines(split.train_lines()))
    if args.write_trigrams:
        save_trigrams(build_trigrams(split.train_lines()), args.write_trigrams)
    return 0


def _train(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Write the splits (`--write-*`), or train and export; usage errors that no single option
    shows are `parser.error`s (exit 2), before the corpus is read."""
    outputs = [args.write_heldout, args.write_train, args.write_lexicon, args.write_trigrams]
    written = [os.path.realpath(path) for path in outputs if path]
    if len(set(written)) < len(written):
        parser.error("two --write-* options name the same file: each would replace the other")
    if written:
        return _write_splits(args)
    if args.out is None:
        parser.error("--out FILE.gguf is required (unless a --write-* option is given)")
    if args.width % args.heads:
        parser.error(f"--width {args.width} is not a multiple of --heads {args.heads}")
    try:
        from keyboard_app.training.export import export_quantized, load_best
        from keyboard_app.training.trainer import Trainer
    except ImportError as error:  # no PyTorch: a source install without the extra, the bundle
        raise CommandError(
            f'training needs PyTorch ({error.name or error}): pip install -e ".[train]"'
        ) from None

    config = TrainConfig(
        n_layer=args.layers,
        n_embd=args.width,
        n_head=args.heads,
        n_ctx=args.context,
        vocab_size=args.vocab,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        dropout=args.dropout,
        optimizer=args.optimizer,
        bf16=args.bf16,
        compile=args.compile,
        minutes=args.minutes,
        max_steps=args.steps,
        eval_every_s=args.eval_every,
    )
    trainer = Trainer(args.corpus, args.work_dir, config)
    final = trainer.run()
    model, vocab, saved = load_best(trainer.best_path)
    export_quantized(model, vocab, args.out)
    print(
        json.dumps(
            {
                "final": final,
                "best": saved["metrics"],
                "out": str(args.out),
                "config": {f.name: getattr(config, f.name) for f in fields(config)},
            },
            indent=2,
        )
    )
    return 0
