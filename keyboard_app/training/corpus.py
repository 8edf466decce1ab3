"""The training corpora as plain English: reading, cleaning, offensive-sentence filtering, splitting.

Two corpora are understood:

- `brown/`: the Brown Corpus (files `ca01` ... `cr09`), one sentence a line of `word/tag` tokens,
  paragraphs separated by blank lines. Tags are stripped and punctuation re-spaced so it reads like
  ordinary text (``` ``quoted'' ``` becomes `"quoted"`, `word ,` becomes `word,`).
- `nlp-corpus/`: JSON files, each a list of independent sentences.

A *document* is one file; the validation split is a fixed, seeded 5% of the documents of each
corpus, so no sentence of a held-out document is ever trained on. A *unit* is what a person would
type in one go: a Brown paragraph or one nlp-corpus sentence. Each unit becomes one line of text.

A *text* is what a person writes in one editor: a Brown file's paragraphs joined by newlines (so the
model learns to start a paragraph after one, and to use the paragraphs above), or one nlp-corpus
sentence on its own (those are unrelated to each other).
"""

from __future__ import annotations

import logging
import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.wordfilter import contains_listed_word, is_offensive
from keyboard_app.engine.words import find_words
from keyboard_app.files import UnusableFile, read_json, write_atomic

log = logging.getLogger(__name__)
# The largest sentence file read (nlp-corpus's are at most 146 KB).
MAX_JSON_BYTES = 64 * 2**20

HELDOUT_FRACTION = 0.05
SPLIT_SEED = 1234
_BROWN_NAME = re.compile(r"^c[a-r]\d\d$")

# Tokens that attach to the word before them, and those that attach to the word after them.
_CLOSERS = {",", ".", ";", ":", "?", "!", ")", "]", "}", "''", "'", "%", "...", "n't"}
_OPENERS = {"``", "`", "(", "[", "{", "$"}
_SINGLE_MARKS = {",", ".", ";", ":"}
_BROWN_REPLACE = {"``": '"', "''": '"', "`": "'"}


@dataclass(frozen=True)
class Document:
    """One source file: `doc_id` is `corpus/filename`; `units` its lines of plain text."""

    doc_id: str
    units: list[str]
    continuous: bool = False  # the units are paragraphs of one text, not independent sentences

    def texts(self) -> list[str]:
        return ["\n".join(self.units)] if self.continuous and self.units else list(self.units)


@dataclass(frozen=True)
class Split:
    train: list[Document]
    heldout: list[Document]

    def train_lines(self) -> list[str]:
        return [unit for doc in self.train for unit in doc.units]

    def train_texts(self) -> list[str]:
        return [text for doc in self.train for text in doc.texts()]

    def heldout_texts(self) -> list[str]:
        return [text for doc in self.heldout for text in doc.texts()]


def detokenize_brown(line: str) -> str:
    """One Brown sentence (`word/tag` tokens) as normally spaced plain text."""
    words = [token.rsplit("/", 1)[0] for token in line.split()]
    out: list[str] = []
    attach_next = False
    for word in words:
        text = _BROWN_REPLACE.get(word, word)
        if word in _SINGLE_MARKS and out and out[-1].endswith(word):
            continue  # "Jr. ." and the doubled ";" the corpus has in places
        if out and not attach_next and word not in _CLOSERS:
            out.append(" ")
        out.append(text)
        attach_next = word in _OPENERS
    return "".join(out).strip()


def read_brown_file(path: Path) -> list[list[str]]:
    """The paragraphs of one Brown file, each a list of detokenized sentences."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in path.read_text("utf-8", errors="replace").splitlines():
        if not raw.strip():
            if current:
                paragraphs.append(current)
                current = []
            continue
        sentence = detokenize_brown(raw)
        if sentence:
            current.append(sentence)
    if current:
        paragraphs.append(current)
    return paragraphs


def _clean_sentence(sentence: str) -> str:
    return " ".join(sentence.split())


def load_brown(directory: Path) -> list[Document]:
    docs = []
    for path in sorted(p for p in directory.iterdir() if _BROWN_NAME.match(p.name)):
        units = []
        for paragraph in read_brown_file(path):
            kept = [s for s in paragraph if not contains_listed_word(s)]
            if kept:
                units.append(" ".join(kept))
        docs.append(Document(f"brown/{path.name}", units, continuous=True))
    return docs


class CorpusError(ModelError):
    """A corpus file that cannot be used (the message says which and why)."""


def load_sentence_json(directory: Path) -> list[Document]:
    """Each JSON file of `directory`, a list of sentences, as a document."""
    docs = []
    for path in sorted(directory.glob("*.json")):
        try:
            sentences = read_json(path, MAX_JSON_BYTES)
        except (OSError, UnusableFile) as error:
            raise CorpusError(f"{path} cannot be read as a corpus file: {error}") from None
        if not isinstance(sentences, list):
            raise CorpusError(f"{path} is not a corpus file (a JSON list of sentences).")
        units = [_clean_sentence(s) for s in sentences if isinstance(s, str)]
        units = [s for s in units if s and not contains_listed_word(s)]
        docs.append(Document(f"{directory.name}/{path.name}", units))
    return docs


def load_corpus(corpus_dir: Path) -> dict[str, list[Document]]:
    """Every corpus found under `corpus_dir`: a `brown/` folder and any folder of JSON files.
    Sentences with a word of the offensive list are dropped, everyday ones such as "kill" too
    (`contains_listed_word`: the splits stay those the built-in model was made from)."""
    corpora: dict[str, list[Document]] = {}
    for sub in sorted(p for p in Path(corpus_dir).iterdir() if p.is_dir()):
        if any(_BROWN_NAME.match(p.name) for p in sub.iterdir()):
            corpora[sub.name] = load_brown(sub)
        elif any(sub.glob("*.json")):
            corpora[sub.name] = load_sentence_json(sub)
    if not corpora:
        raise FileNotFoundError(f"no Brown or JSON corpus found under {corpus_dir}")
    for name, docs in corpora.items():
        log.info("%s: %d documents, %d lines", name, len(docs), sum(len(d.units) for d in docs))
    return corpora


def split_documents(
    corpora: dict[str, list[Document]],
    fraction: float = HELDOUT_FRACTION,
    seed: int = SPLIT_SEED,
) -> Split:
    """Hold out a fixed `fraction` of the documents of each corpus (at least one where possible)."""
    train: list[Document] = []
    heldout: list[Document] = []
    for name in sorted(corpora):
        docs = sorted(corpora[name], key=lambda d: d.doc_id)
        n_heldout = max(1, round(fraction * len(docs))) if len(docs) > 1 else 0
        chosen = set(random.Random(f"{seed}:{name}").sample(range(len(docs)), n_heldout))
        for i, doc in enumerate(docs):
            (heldout if i in chosen else train).append(doc)
    return Split(train, heldout)


def load_split(corpus_dir: Path) -> Split:
    return split_documents(load_corpus(corpus_dir))


def lexicon_lines(lines: Iterable[str], min_count: int = 2) -> list[str]:
    """The dictionary's `word<TAB>count` lines: the words of `lines` seen at least `min_count`
    times (fewer are mostly typos and one-off names), most frequent first."""
    counts = Counter(word for line in lines for word in find_words(line))
    kept = [(word, n) for word, n in counts.items() if n >= min_count and not is_offensive(word)]
    kept.sort(key=lambda item: (-item[1], item[0]))
    return [f"{word}\t{n}" for word, n in kept]


def write_lines(path: Path, lines: Iterable[str]) -> Path:
    """One unit a line, UTF-8; the format the baselines read."""
    write_atomic(path, "".join(line + "\n" for line in lines))
    return Path(path)


def write_texts(path: Path, texts: Iterable[str]) -> Path:
    """Texts separated by a blank line (a paragraph a line within each), UTF-8; what `bench ksr`
    reads. A blank line never occurs inside a text: paragraphs are joined by a single newline."""
    return write_lines(path, (text + "\n" for text in texts))
