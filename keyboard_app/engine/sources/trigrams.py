"""Word trigrams of the built-in model's training text as a source of next words (`trigrams.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.trigrams import WordTrigrams, load_trigrams
from keyboard_app.paths import trigrams_path


@dataclass
class TrigramSource:
    """The likeliest next words after the current paragraph's last two tokens, and the network's
    candidates scored too (not `mixed`: only when the network has no candidates). Once a letter
    is typed, only when the network has no candidates (an instant answer before the model has
    decoded this context): the completions of the letters seen in this context, and the
    probability of all that spells them (`mass`), so that the mixer can put them in the
    network's place."""

    trigrams: WordTrigrams
    # Mixed with the network's next words (the built-in model's, whose training text they
    # count); False: they only stand in for a network that has no words yet (any other model).
    mixed: bool = True
    kind: str = "trigrams"
    next_word: bool = field(init=False)

    def __post_init__(self) -> None:
        self.next_word = self.mixed  # the mixer asks the network for more next words then

    @classmethod
    def shipped(cls, mixed: bool = True) -> TrigramSource:
        return cls(load_trigrams(trigrams_path()), mixed)

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal | None:
        paragraph = query.typed.boundary.rsplit("\n", 1)[-1]
        if query.next_word and (self.mixed or not candidates):
            return Proposal(self.trigrams.next_words(paragraph, candidates))
        if query.next_word or candidates:
            return None
        words, mass = self.trigrams.completions(paragraph, query.typed.typed)
        return Proposal(words, mass=mass)
