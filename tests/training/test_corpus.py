"""The corpora as plain text: Brown's tokens re-spaced, sentence files read leniently, and the
held-out documents chosen per corpus."""

from __future__ import annotations

import json
from pathlib import Path

from keyboard_app.training.corpus import (
    Document,
    detokenize_brown,
    load_corpus,
    split_documents,
)


def test_brown_brackets_and_currency_attach_to_the_word_after_them() -> None:
    line = "The/at cost/nn (/( see/vb page/nn 5/cd )/) was/bedz $/$ 12/cd ./."
    assert detokenize_brown(line) == "The cost (see page 5) was $12."


def test_a_sentence_file_keeps_its_sentences_and_skips_what_is_not_one(tmp_path: Path) -> None:
    folder = tmp_path / "sentences"
    folder.mkdir()
    entries = ["  A good   sentence. ", 7, None, "   ", "", ["nested"], "Another one."]
    (folder / "a.json").write_text(json.dumps(entries), "utf-8")
    (document,) = load_corpus(tmp_path)["sentences"]
    assert document.units == ["A good sentence.", "Another one."]
    assert document.texts() == document.units  # unrelated sentences: a text each


def _documents(corpus: str, count: int) -> list[Document]:
    return [Document(f"{corpus}/{i:03d}", [f"Sentence {i}."]) for i in range(count)]


def test_one_document_in_twenty_is_held_out_of_each_corpus_and_never_a_lone_one() -> None:
    corpora = {name: _documents(name, count) for name, count in (("big", 40), ("pair", 2))}
    split = split_documents({**corpora, "lone": _documents("lone", 1)})
    held = [doc.doc_id for doc in split.heldout]
    # 5% of 40, and at least one of two; a corpus of one document is all trained on.
    assert len(held) == 2 + 1
    assert len(split.train) == 38 + 1 + 1
    assert {doc.doc_id for doc in split.train}.isdisjoint(held)
    assert split_documents({**corpora, "lone": []}).heldout == split.heldout  # fixed, seeded
