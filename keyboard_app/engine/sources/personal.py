"""The user's own words and phrases as a source (`keyboard_app.personal`, kept on this machine).

For the next word: what followed the last two tokens and the last one in what the user wrote,
interpolated (Witten-Bell: each level keeps, for what it has not seen, the share of its distinct
followers), with what neither level saw left to the other sources; `evidence` is how often the last
token was seen, and the mixer's weight for the source grows with it. For typed letters: the user's
words that start with them, each with how much more often the user writes it than English does
(its frequency among the user's words less its frequency in the dictionary: the model already
predicts what everybody writes), which the mixer adds as a cache model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from keyboard_app.engine.lexicon import Lexicon
from keyboard_app.engine.sources import Habit, Proposal, Query
from keyboard_app.engine.trigrams import BOUNDARY, history
from keyboard_app.engine.words import is_lone_letter, is_word
from keyboard_app.personal import Followers, PersonalStore, learnable
from keyboard_app.personal.learning import Learned, learnable_after, paragraph_start

FOLLOWERS = 20  # next tokens read per history level
COMPLETIONS = 12  # words read per typed prefix


class PersonalSource:
    kind = "personal"
    next_word = True

    def __init__(self, store: PersonalStore, reference: Lexicon | None = None) -> None:
        self.store = store
        self.reference = reference  # general English's frequencies, when the dictionary is on

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal:
        if query.next_word:
            words, evidence, habit = self._next_words(personal_history(query.typed.boundary))
        else:
            (words, evidence), habit = self._completions(query.typed.typed), None
        # The typed word too: one the user has written is never autocorrected.
        spellings = _Spellings(self.store, [*candidates, *words, query.typed.typed])
        return Proposal(
            words,
            knows=spellings.knows,
            spells=spellings.spells,
            looks_up=spellings.read,
            evidence=evidence,
            habit=habit,
        )

    def _next_words(self, history: list[str]) -> tuple[dict[str, float], float, Habit | None]:
        found = self.store.next_counts(history, FOLLOWERS)
        bigram = _level(found.bigram, {})
        words = _level(found.trigram, bigram) if found.trigram.total else bigram
        offerable = {w: p for w, p in words.items() if _offerable(w)}
        return offerable, float(found.evidence), _habit(found.trigram, offerable)

    def _completions(self, typed: str) -> tuple[dict[str, float], float]:
        """The user's words that start with the typed letters (as typed, the rest in small
        letters: the mixer spells them, `gi` GitHub but `rea` not ReAlly), each with its
        frequency among all the words the user wrote (a cache model, like the document's)."""
        total = self.store.word_total()
        words = {}
        for word, count in self.store.completions(typed, COMPLETIONS):
            if len(word) > len(typed) and _offerable(word):
                excess = count / total - self._general(word)
                if excess > 0:
                    words[typed + word[len(typed) :].lower()] = excess
        return words, float(total)

    def _general(self, word: str) -> float:
        return self.reference.frequency(word) if self.reference is not None else 0.0


def _habit(followers: Followers, offerable: Mapping[str, float]) -> Habit | None:
    """The exact context's most frequent follower's count, when it is a word that may be offered."""
    top = next(iter(followers.counts.items()), None)
    if top is None or top[0] not in offerable:
        return None
    return Habit(count=top[1], total=followers.total)


class _Spellings:
    """The user's spellings (`PersonalStore.spellings`), each word's read once: those known ahead
    together, those the mixer is about to spell together (`read`: the dictionary's completions,
    corrections: githb, GitHub), any other when it is asked about (autocorrect's checks)."""

    def __init__(self, store: PersonalStore, words: list[str]) -> None:
        self._store = store
        self._spellings: dict[str, str | None] = {}
        self._read: set[str] = set()
        self.read(words)

    def read(self, words: Iterable[str]) -> None:
        keys = {word.lower() for word in words} - self._read
        if keys:
            self._read |= keys
            self._spellings.update(self._store.spellings(keys))

    def knows(self, word: str) -> bool:
        self.read([word])
        return word.lower() in self._spellings

    def spells(self, word: str) -> str | None:
        self.read([word])
        return self._spellings.get(word.lower())


def _level(followers: Followers, lower: Mapping[str, float]) -> dict[str, float]:
    """Witten-Bell at one level: (count + distinct * lower) / (total + distinct)."""
    if not followers.total:
        return dict(lower)
    denominator = followers.total + followers.distinct
    words = {
        t: (c + followers.distinct * lower.get(t, 0.0)) / denominator
        for t, c in followers.counts.items()
    }
    for token, p in lower.items():
        words.setdefault(token, followers.distinct * p / denominator)
    return words


def personal_history(boundary: str) -> list[str]:
    """The last two tokens of the paragraph before the word being typed, as the store keys them
    (the trigram model's `history`, one `BOUNDARY` at the paragraph's start, none unknown). A line
    after one ending in a comma goes on with its paragraph, as it is learned
    (`learning.paragraph_start`): after "Kind regards,\n" the history is `regards ,`."""
    paragraph = boundary[paragraph_start(boundary) :]
    known = [token for token in history(paragraph) if token is not None]
    return known[1:] if known == [BOUNDARY, BOUNDARY] else known


def _offerable(word: str) -> bool:
    return is_word(word) and not is_lone_letter(word)


def learn_into(store: PersonalStore, text: str, context: str = "") -> int:
    """Learn `text`'s words and phrases. Without `context`, `text` is a whole text, starting a
    paragraph. With one, `text` is what was just written after `context` (learned already): its
    phrases reach back into the context, and what the context makes a secret (a label before
    it, a number's first groups) is not learned; a number at its end is held back until the
    next text shows that it does not go on (`learning.learnable_after`, which says too how the
    context tells where its paragraph starts)."""
    return store.learn_each_after(_learned(text, context))


def unlearn_from(store: PersonalStore, text: str, context: str = "") -> None:
    """Take back what `learn_into(store, text, context)` learned: the words were deleted straight
    after they were finished (a typo put right, a word given an ending)."""
    store.unlearn_each_after(_learned(text, context))


def _learned(text: str, context: str) -> list[Learned]:
    """What `text` after `context` gives to learn: each run with the history it goes on from
    (none without a context: `text` is a whole text)."""
    if not context:
        return [([], run) for run in learnable(text)]
    return learnable_after(context, text, goes_on=True)
