"""`keyboard-app train`: train the built-in model from the corpora (needs the `train` extra)."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from keyboard_app.training.config import OPTIMIZERS, TrainConfig


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("train", help="train the built-in model (PyTorch, CPU)")
    parser.add_argument(
        "--corpus", type=Path, required=True, help="folder with brown/ and nlp-corpus/"
    )
    parser.add_argument("--out", type=Path, help="the q8_0 GGUF to write")
    parser.add_argument(
        "--work-dir", type=Path, default=Path("checkpoints"), help="checkpoints (resumable)"
    )
    defaults = TrainConfig()
    parser.add_argument(
        "--minutes", type=float, default=defaults.minutes, help="training time budget"
    )
    parser.add_argument(
        "--steps", type=int, help="stop after this many steps (the shipped model: by time only)"
    )
    parser.add_argument("--layers", type=int, default=defaults.n_layer)
    parser.add_argument("--width", type=int, default=defaults.n_embd)
    parser.add_argument("--heads", type=int, default=defaults.n_head)
    parser.add_argument("--context", type=int, default=defaults.n_ctx)
    parser.add_argument(
        "--vocab", type=int, default=defaults.vocab_size, help="rows trained (frequent tokens + 1)"
    )
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument(
        "--learning-rate", type=float, default=defaults.learning_rate, help="peak learning rate"
    )
    parser.add_argument("--dropout", type=float, default=defaults.dropout)
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
        type=float,
        default=defaults.eval_every_s,
        help="seconds between evaluations",
    )
    parser.add_argument(
        "--write-heldout",
        type=Path,
        help="write the held-out split (texts separated by blank lines) and stop",
    )
    parser.add_argument(
        "--write-train", type=Path, help="write the training split as text and stop"
    )
    parser.add_argument(
        "--write-lexicon",
        type=Path,
        help="write the dictionary (words of the training split seen twice or more) and stop",
    )
    parser.add_argument(
        "--write-trigrams",
        type=Path,
        help="write the word trigram model of the training split (a .npz file) and stop",
    )
    parser.set_defaults(func=_train)


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


def _train(args: argparse.Namespace) -> int:
    if args.write_heldout or args.write_train or args.write_lexicon or args.write_trigrams:
        return _write_splits(args)
    if args.out is None:
        raise SystemExit("keyboard-app train: --out FILE.gguf is required")
    from keyboard_app.training.export import export_quantized, load_best
    from keyboard_app.training.trainer import Trainer

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
