"""`keyboard-app train`: train the built-in model from the corpora (needs the `train` extra)."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("train", help="train the built-in model (PyTorch, CPU)")
    parser.add_argument(
        "--corpus", type=Path, required=True, help="folder with brown/ and nlp-corpus/"
    )
    parser.add_argument("--out", type=Path, help="the q8_0 GGUF to write")
    parser.add_argument(
        "--work-dir", type=Path, default=Path("checkpoints"), help="checkpoints (resumable)"
    )
    parser.add_argument("--minutes", type=float, default=60.0, help="training time budget")
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--width", type=int, default=192)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--context", type=int, default=256)
    parser.add_argument(
        "--vocab", type=int, default=12288, help="rows trained (frequent tokens + 1)"
    )
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument(
        "--eval-every", type=float, default=240.0, help="seconds between evaluations"
    )
    parser.add_argument(
        "--write-heldout", type=Path, help="write the held-out split as text and stop"
    )
    parser.add_argument(
        "--write-train", type=Path, help="write the training split as text and stop"
    )
    parser.add_argument(
        "--write-lexicon",
        type=Path,
        help="write the dictionary (words of the training split seen twice or more) and stop",
    )
    parser.set_defaults(func=_train)


def _write_splits(args: argparse.Namespace) -> int:
    from keyboard_app.training.corpus import lexicon_lines, load_split, write_lines

    split = load_split(args.corpus)
    if args.write_heldout:
        write_lines(args.write_heldout, split.heldout_lines())
    if args.write_train:
        write_lines(args.write_train, split.train_lines())
    if args.write_lexicon:
        write_lines(args.write_lexicon, lexicon_lines(split.train_lines()))
    return 0


def _train(args: argparse.Namespace) -> int:
    if args.write_heldout or args.write_train or args.write_lexicon:
        return _write_splits(args)
    if args.out is None:
        raise SystemExit("keyboard-app train: --out FILE.gguf is required")
    from keyboard_app.training.export import export_quantized, load_best
    from keyboard_app.training.trainer import TrainConfig, Trainer

    config = TrainConfig(
        n_layer=args.layers,
        n_embd=args.width,
        n_head=args.heads,
        n_ctx=args.context,
        vocab_size=args.vocab,
        batch_size=args.batch_size,
        minutes=args.minutes,
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
