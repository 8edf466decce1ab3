"""The trainer end to end on a tiny corpus: loss goes down, it resumes, and the export runs in
llama.cpp with the same logits as PyTorch."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

import torch

from keyboard_app.bench.ksr import read_texts
from keyboard_app.engine import Predictor
from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, encode_user_text
from keyboard_app.training.config import TrainConfig
from keyboard_app.training.corpus import detokenize_brown, load_split, write_texts
from keyboard_app.training.dataset import tokenize_texts
from keyboard_app.training.export import export_gguf, export_quantized, load_best
from keyboard_app.training.model import (
    RESERVED_OUTPUT,
    UNSEEN_OFFSET,
    Gpt2,
)
from keyboard_app.training.precision import Float32Muon, bfloat16_is_fast
from keyboard_app.training.trainer import Trainer, cpp_compiler_available, evaluate
from keyboard_app.training.vocab import RestrictedVocab
from tests.models.llama_helpers import llama_logits

SENTENCES = [
    "the cat sat on the mat .",
    "the dog sat on the log .",
    "a cat and a dog played in the garden .",
    "she said that the weather was fine today .",
    "we walked to the river and back again .",
]
Trained = tuple[Trainer, dict[str, float], dict[str, float]]
TINY = TrainConfig(
    n_layer=2,
    n_embd=32,
    n_head=2,
    n_ctx=32,
    vocab_size=96,
    batch_size=8,
    learning_rate=3e-3,
    warmup_steps=5,
    minutes=0.06,
    eval_every_s=1.0,
    eval_windows=8,
    threads=1,
    dropout=0.1,
    bf16=False,
    compile=False,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    (root / "brown").mkdir()
    (root / "nlp-corpus").mkdir()
    for i in range(20):
        lines = [" ".join(f"{w}/nn" for w in SENTENCES[(i + j) % 5].split()) for j in range(6)]
        (root / "brown" / f"ca{i:02d}").write_text("\n".join(lines) + "\n\n" + "\n".join(lines))
        (root / "nlp-corpus" / f"doc-{i}.json").write_text(
            json.dumps([s.replace(" .", ".") for s in SENTENCES] * 3)
        )
    return root


@pytest.fixture(scope="module")
def trained(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Trained:
    trainer = Trainer(corpus, tmp_path_factory.mktemp("work"), TINY)
    before = evaluate(
        trainer.model, trainer.val_windows, trainer.vocab.rare_row, trainer.vocab.n_rare
    )
    after = trainer.run()
    return trainer, before, after


def test_loss_goes_down(trained: Trained) -> None:
    _, before, after = trained
    assert after["val_loss"] < before["val_loss"] - 0.5


def test_evaluation_measures_training_text_too(trained: Trained) -> None:
    """The loss on training windows, without dropout, beside the validation loss: their gap is
    what the model has memorised."""
    trainer, _, after = trained
    assert trainer.train_windows.max() < trainer.vocab.size
    assert not np.array_equal(trainer.train_windows, trainer.val_windows)
    again = evaluate(
        trainer.model, trainer.train_windows, trainer.vocab.rare_row, trainer.vocab.n_rare
    )
    assert after["train_loss"] == pytest.approx(again["val_loss"], abs=1e-6)
    assert after["train_loss"] != pytest.approx(after["val_loss"], abs=1e-6)
    assert trainer.state.history is not None
    assert trainer.state.history[-1]["train_loss"] == after["train_loss"]


@pytest.mark.skipif(not cpp_compiler_available(), reason="torch.compile needs a C++ compiler")
def test_fast_path_computes_the_same_loss_and_trains(corpus: Path, tmp_path: Path) -> None:
    """The shipped model's speed settings: compiled, with bfloat16 products. Capped by steps, since
    compiling takes tens of seconds of the time budget; no dropout, so that the compiled loss can
    be compared with the plain one (and the comparison compiles the very graph the steps use)."""
    config = replace(TINY, bf16=True, compile=True, dropout=0.0, minutes=10, max_steps=60)
    trainer = Trainer(corpus, tmp_path, config)
    batch = torch.from_numpy(trainer.val_windows[:4])
    compiled = float(trainer.training_loss(batch).detach())
    assert compiled == pytest.approx(float(trainer.model.loss(batch).detach()), abs=0.02)
    before = evaluate(
        trainer.model, trainer.val_windows, trainer.vocab.rare_row, trainer.vocab.n_rare
    )
    after = trainer.run()
    assert trainer.state.step == 60
    assert after["val_loss"] < before["val_loss"] - 0.5


def test_training_resumes_from_its_checkpoint(trained: Trained, corpus: Path) -> None:
    trainer, _, _ = trained
    steps = trainer.state.step
    resumed = Trainer(corpus, trainer.work_dir, replace(TINY))
    assert resumed.state.step == steps
    assert torch.equal(resumed.model.wte, trainer.model.wte)


@pytest.mark.parametrize("optimizer", ["adamw", "muon"])
def test_each_optimizer_trains_and_resumes_with_its_state(
    corpus: Path, tmp_path: Path, optimizer: str
) -> None:
    config = replace(TINY, optimizer=optimizer, minutes=10, max_steps=40)
    trainer = Trainer(corpus, tmp_path, config)
    before = evaluate(
        trainer.model, trainer.val_windows, trainer.vocab.rare_row, trainer.vocab.n_rare
    )
    after = trainer.run()
    assert after["val_loss"] < before["val_loss"] - 0.5
    resumed = Trainer(corpus, tmp_path, config)
    for saved, loaded in zip(trainer.optimizers, resumed.optimizers, strict=True):
        saved_state, loaded_state = saved.state_dict()["state"], loaded.state_dict()["state"]
        assert saved_state and saved_state.keys() == loaded_state.keys()
        for index, state in saved_state.items():
            assert state.keys() == loaded_state[index].keys()
            for key, value in state.items():
                assert torch.equal(
                    torch.as_tensor(value), torch.as_tensor(loaded_state[index][key])
                )


def test_muon_trains_the_block_matrices_and_adamw_everything_else(
    corpus: Path, tmp_path: Path
) -> None:
    trainer = Trainer(corpus, tmp_path, replace(TINY, optimizer="muon"))
    muon, adamw = trainer.optimizers
    assert isinstance(muon, torch.optim.Muon)
    assert isinstance(adamw, torch.optim.AdamW)
    by_muon = {id(p) for group in muon.param_groups for p in group["params"]}
    by_adamw = {id(p) for group in adamw.param_groups for p in group["params"]}
    assert by_muon == {id(p) for p in trainer.model.hidden_matrices()}
    assert by_muon.isdisjoint(by_adamw)
    assert by_muon | by_adamw == {id(p) for p in trainer.model.parameters()}


@pytest.mark.parametrize("bf16", [True, False])
def test_muon_iterates_in_bfloat16_only_with_bfloat16_products(
    corpus: Path, tmp_path: Path, bf16: bool
) -> None:
    """PyTorch's Muon iterates in bfloat16, which CPUs without bfloat16 products emulate slowly."""
    trainer = Trainer(corpus, tmp_path, replace(TINY, optimizer="muon", bf16=bf16))
    expected = torch.optim.Muon if bf16 else Float32Muon
    assert type(trainer.optimizers[0]) is expected
    assert trainer.bf16 is bf16


def test_bfloat16_is_chosen_by_the_cpu_unless_set(corpus: Path, tmp_path: Path) -> None:
    trainer = Trainer(corpus, tmp_path, replace(TINY, bf16=None))
    assert trainer.bf16 is bfloat16_is_fast()


def test_an_unknown_optimizer_is_refused(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown optimizer 'sgd'"):
        Trainer(corpus, tmp_path, replace(TINY, optimizer="sgd"))


def _torch_full_log_probs(model: Gpt2, vocab: RestrictedVocab, rows: list[int]) -> np.ndarray:
    """Expand the restricted logits to all 50,257 tokens, as the export does."""
    with torch.no_grad():
        logits = model(torch.tensor([rows]))[0, -1].double().numpy()
    rare = logits[-1] - math.log(vocab.n_rare)
    full = np.full(50257, rare + UNSEEN_OFFSET * RESERVED_OUTPUT)
    full[vocab.seen] = rare
    full[vocab.frequent] = logits[:-1]
    return np.asarray(full - np.logaddexp.reduce(full))


def test_export_matches_pytorch_in_llama_cpp(trained: Trained, tmp_path: Path) -> None:
    trainer, _, _ = trained
    model, vocab, _ = load_best(trainer.best_path)
    path = export_gguf(model, vocab, tmp_path / "tiny-f32.gguf")
    ids = [END_OF_TEXT_ID, *encode_user_text("the cat sat on the")]
    expected = _torch_full_log_probs(model, vocab, vocab.to_rows(np.array(ids)).tolist())
    got = llama_logits(path, ids)[-1]  # llama.cpp, with an f32 cache: this checks the weights
    got -= np.logaddexp.reduce(got)
    # Probabilities within 1e-3; log-probabilities within 5e-3, since llama.cpp's GELU goes through an
    # f16 lookup table (about 1e-3 of each activation).
    frequent = vocab.frequent
    assert np.max(np.abs(np.exp(got[frequent]) - np.exp(expected[frequent]))) < 1e-3
    assert np.max(np.abs(got[frequent] - expected[frequent])) < 5e-3
    unseen = np.setdiff1d(np.arange(50257), vocab.seen)
    assert np.exp(got[unseen]).sum() < 1e-4  # never-seen tokens: negligible probability


def test_quantized_export_loads_and_predicts(trained: Trained, tmp_path: Path) -> None:
    trainer, _, _ = trained
    model, vocab, _ = load_best(trainer.best_path)
    path = export_quantized(model, vocab, tmp_path / "tiny-q8_0.gguf")
    with Predictor.load(path) as predictor:
        assert predictor.info.quantization == "Q8_0"
        assert predictor.suggest("the cat sat on the ", k=3)


def test_brown_tags_are_stripped_and_spacing_fixed() -> None:
    line = "``/`` The/at jury/nn said/vbd ,/, ``/`` it's/pps+bez fine/jj ''/'' ./."
    assert detokenize_brown(line) == '"The jury said, "it\'s fine".'


def test_split_is_by_document_fixed_and_drops_offensive_sentences(corpus: Path) -> None:
    (corpus / "nlp-corpus" / "doc-rude.json").write_text(
        json.dumps(["what the fuck is this", "a kind word"])
    )
    first, again = load_split(corpus), load_split(corpus)
    assert [d.doc_id for d in first.heldout] == [d.doc_id for d in again.heldout]
    train_ids = {d.doc_id for d in first.train}
    assert train_ids.isdisjoint(d.doc_id for d in first.heldout)
    assert 1 <= len([d for d in first.heldout if d.doc_id.startswith("brown")]) <= 2
    lines = first.train_texts() + first.heldout_texts()
    assert "a kind word" in lines and not any("fuck" in line for line in lines)
    (corpus / "nlp-corpus" / "doc-rude.json").unlink()


def test_a_brown_file_is_one_text_of_paragraphs_and_sentences_stand_alone(
    corpus: Path, tmp_path: Path
) -> None:
    split = load_split(corpus)
    brown = next(d for d in split.train if d.doc_id.startswith("brown"))
    assert len(brown.units) == 2 and brown.texts() == ["\n".join(brown.units)]
    sentences = next(d for d in split.train if d.doc_id.startswith("nlp-corpus"))
    assert sentences.texts() == sentences.units
    texts = split.train_texts()
    tokens = tokenize_texts(texts)
    assert np.count_nonzero(tokens == END_OF_TEXT_ID) == len(texts)  # one start per text
    brown_texts = [d for d in split.train if d.doc_id.startswith("brown")]
    assert np.count_nonzero(tokens == encode_user_text("\n")[0]) == len(brown_texts)
    heldout = write_texts(tmp_path / "heldout.txt", split.heldout_texts())
    assert read_texts(heldout.read_text("utf-8")) == [t.split("\n") for t in split.heldout_texts()]
