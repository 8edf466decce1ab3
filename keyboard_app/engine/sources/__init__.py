"""Suggestion sources: each knows one kind of evidence about the word being typed or the next word,
and nothing of the others; `keyboard_app.engine.mixer` combines what they propose.

A source proposes scored words for a `Query` (the text split at the word being typed). Adding one
is a new module here, a line in `standard_sources`, and its rule (and weight) in the mixer.
"""

from __future__ import annotations

import filecmp
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from keyboard_app.engine.words import TypedWord

if TYPE_CHECKING:
    from keyboard_app.personal import PersonalStore


@dataclass(frozen=True)
class Query:
    """What the strip is asked for: `k` words completing `typed`, or the next word."""

    typed: TypedWord
    k: int
    exact: bool = False  # decode all that the ranking depends on (no per-keystroke budget)
    filter_offensive: bool = True
    # Answer at once from what is known, without a decode (`engine.instant`); the network reads
    # only its last frozen knowledge then, so this may run in another thread than the decodes.
    instant: bool = False
    # Says whether a newer request waits: the network then decodes no more for this one (what it
    # decoded so far is kept and published), so a slow model turns to the newest text at once.
    superseded: Callable[[], bool] | None = field(default=None, compare=False)

    @property
    def next_word(self) -> bool:
        return not self.typed.typed


@dataclass(frozen=True)
class Habit:
    """How often the exact context (the last two tokens) was seen, and how often its most frequent
    follower came after it: a phrase the user always writes shows as `count` close to `total`."""

    count: int
    total: int


@dataclass(frozen=True)
class Proposal:
    """A source's words for a query, each with its probability under that source.

    `knows` says whether a word is in the source's vocabulary (a word no source knows is demoted);
    `mass` is the probability the source gives to everything that spells the typed letters (the
    network's first pieces; what its words leave of it goes to the dictionary's completions);
    `evidence` is how much the source has seen of this context (a weight may grow with it), and
    `habit` how set the next word is in it; `spells` how the source spells a word (a name's
    capital: London, whatever the case typed; None when it has no spelling of its own), and
    `common` whether it is among the source's n commonest words (will, rose: everyday words); `looks_up`, when
    given, is told the words `knows` and `spells` are about to be asked about, so that a source
    reading them from a database reads them at once."""

    words: Mapping[str, float]
    knows: Callable[[str], bool] | None = None
    spells: Callable[[str], str | None] | None = None
    common: Callable[[str, int], bool] | None = None
    looks_up: Callable[[Iterable[str]], None] | None = None
    mass: float = 0.0
    evidence: float = 0.0
    habit: Habit | None = None


class Source(Protocol):
    """One kind of evidence. `kind` names it for the mixer; `next_word` says whether the mixer
    re-ranks the network's next words (no letters typed) with it, and so asks the network for more
    candidates (`NEXT_WORD_CANDIDATES`). A source whose next words are only added (the phrases of
    letters) says False."""

    kind: str
    next_word: bool

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal | None:
        """Words for `query`, or None when the source has nothing to say about it. `candidates`
        are the network's words, which a source may score too."""
        ...


def standard_sources(
    model_path: Path,
    use_dictionary: bool = True,
    personal: PersonalStore | None = None,
    *,
    builtin: bool | None = None,
) -> list[Source]:
    """The sources mixed with the network's words: the dictionary, the document's words, the
    corrections and the phrases of letters with `use_dictionary`, the word trigrams of the
    built-in model's training text (mixed in with the built-in model alone, as they count that
    text; with another model they only stand in for the network while it knows nothing of the
    context yet, as in an instant answer before the model has caught up), and the user's
    `personal` store with every model (measured against the dictionary's frequencies when it is
    on). Whether the model is the built-in one: `builtin` (a server's, told by what the server
    says of its model), else whether the file at `model_path` is (`is_builtin_model`). The
    shipped files are read here, before llama.cpp loads, so that a damaged one fails early and
    leaks nothing."""
    from keyboard_app.engine.sources.corrections import CorrectionSource
    from keyboard_app.engine.sources.dictionary import DictionarySource
    from keyboard_app.engine.sources.document import DocumentSource
    from keyboard_app.engine.sources.formulas import FormulaSource
    from keyboard_app.engine.sources.personal import PersonalSource
    from keyboard_app.engine.sources.trigrams import TrigramSource

    sources: list[Source] = []
    dictionary = DictionarySource.shipped() if use_dictionary else None
    if dictionary is not None:
        corrections = CorrectionSource.of(dictionary.lexicon, personal)
        sources += [dictionary, DocumentSource(), corrections, FormulaSource.shipped()]
        mixed = is_builtin_model(model_path) if builtin is None else builtin
        sources.append(TrigramSource.shipped(mixed=mixed))
    if personal is not None:
        reference = dictionary.lexicon if dictionary is not None else None
        sources.append(PersonalSource(personal, reference))
    return sources


def is_builtin_model(model_path: Path) -> bool:
    """Whether the file at `model_path` is the built-in model: that file, or a copy of it (the
    same bytes) wherever it lies."""
    from keyboard_app.paths import builtin_model_path

    builtin = builtin_model_path()
    try:
        if model_path.resolve() == builtin.resolve():
            return True
        return model_path.stat().st_size == builtin.stat().st_size and filecmp.cmp(
            model_path, builtin, shallow=False
        )
    except OSError:  # either is missing or unreadable: not a copy this can tell
        return False
