"""The stock phrases of letters and e-mails as a source of next words
(`resources/lexicon/formulas.txt`).

The built-in model's training text has few letters: after "Kind" at a line's start it offers "of",
after "I look forward to" "seeing", and "regards" or "hearing" come only after their letters. A
phrase is offered a word at a time once the sentence so far is exactly its words up to there,
from the sentence's start (`Kind ` on its own line: regards; `Please let me know if you have any `:
questions), never in the middle of a sentence (`a kind ` offers nothing of it). A line's first word
in a letter (below a greeting's line, `in_a_letter`) is offered from the phrases opened by
`LINE_START` (`Hi Ann,\n...\n`: Thanks, Best; the model offered The, I, He).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.words import LINE_BREAKS, find_words, last_line, starts_sentence
from keyboard_app.paths import formulas_path

Phrases = Mapping[tuple[str, ...], Counter[str]]
# The opening of a phrase that starts a line of a letter (`¶ | Thanks`: a line's first word after
# a greeting's line, `Hi Ann,`; `in_a_letter`).
LINE_START = "¶"
# A greeting's line: the text's first, of this many words at most, that starts with a greeting's
# word (`Hi all`, `Dear Sir or Madam,`) or is names with a comma (`Ann,`, `Mr. Petrov,`, `Team,`).
GREETING_WORDS = 4
# The longest text whose first line is taken for a greeting's: the text is the end of the document
# the editor sends (`text_start`: some 12,000 positions and more), so a longer one may start on any
# line of a novel (`Petrov, Anna, Tom,`); a letter is shorter.
LETTER_CHARS = 5000
_GREETING = re.compile(
    r"(?:hi|hello|hey|dear|hiya|greetings|good (?:morning|afternoon|evening))\b", re.IGNORECASE
)
_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
_LONGEST = 200  # characters: the longest phrase is some 50
# Where a sentence starts on a line: after . ! ? or … and a space.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def read_formulas(text: str) -> dict[tuple[str, ...], Counter[str]]:
    """The phrases of a formulas file: for each start of a sentence (its words in small letters),
    the words that go on from it, as spelled, with how many phrases do so."""
    phrases: dict[tuple[str, ...], Counter[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        start, bar, rest = line.partition("|")
        opening, offered = start.split(), rest.split()
        if not bar or not opening or not offered:
            raise ValueError(f"line {number} is no phrase ('words | words offered')")
        if opening == [LINE_START]:  # a line's first word in a letter, one word alone
            if len(offered) > 1:
                raise ValueError(f"line {number} offers more than a line's first word")
            phrases.setdefault((LINE_START,), Counter())[offered[0]] += 1
            continue
        for i, word in enumerate(offered):
            key = tuple(w.lower() for w in opening + offered[:i])
            phrases.setdefault(key, Counter())[word] += 1
    return phrases


def sentence_so_far(boundary: str) -> tuple[str, ...] | None:
    """The words of the sentence the text `boundary` ends in, in small letters, from its start
    on its line; None when the text does not end with a word (`Thanks,`: no phrase goes on)."""
    whole = last_line(boundary).rstrip()
    line = whole[-_LONGEST:]  # a sentence started further back is longer than any phrase
    if not line or not (line[-1].isalnum() or line[-1] in "'’"):
        return None
    ends = [match.end() for match in _SENTENCE_END.finditer(line)]
    # The last that ends a sentence (`starts_sentence`: not a title's, `Dear Mr. Kind`)
    start = next((end for end in reversed(ends) if starts_sentence(line[:end])), None)
    if start is None and len(whole) > len(line):
        return None
    sentence = line[start or 0 :]
    # (a typographic apostrophe read as the file's straight one: you\u2019re)
    return tuple(word.lower().replace("\u2019", "'") for word in find_words(sentence))


def in_a_letter(boundary: str) -> bool:
    """Whether the text `boundary` ends at a line's start (a line break) in a letter: below a
    first line that greets (`Hi Ann,`, `Dear Mr. Petrov,`, `All,`, `Hi all`; of `GREETING_WORDS`
    at most; not a poem's `When I woke up,`)."""
    if not boundary or boundary[-1] not in LINE_BREAKS or len(boundary) > LETTER_CHARS:
        return False
    first = _LINE_BREAK.split(boundary.lstrip()[:_LONGEST], maxsplit=1)[0].strip()
    words = find_words(first)
    if not words or len(words) > GREETING_WORDS or len(first) >= _LONGEST:
        return False
    if _GREETING.match(first) is not None:
        return True
    return first.endswith(",") and all(word[:1].isupper() for word in words)


@dataclass
class FormulaSource:
    """The words that go on from the sentence so far in a stock phrase, each with its share of
    the phrases that do (of those spelling the typed letters, once letters are typed)."""

    phrases: Phrases
    kind: str = "formulas"
    # Its next words are added to the network's, not scored among them: the network is asked for
    # no more candidates for it (with a large model, a slower search at every space).
    next_word: bool = False

    @classmethod
    def shipped(cls) -> FormulaSource:
        return cls.read(formulas_path())

    @classmethod
    def read(cls, path: Path) -> FormulaSource:
        try:
            return cls(read_formulas(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise ModelError(f"The phrases of letters {path} cannot be read: {error}") from error

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal | None:
        boundary = query.typed.boundary
        words = (LINE_START,) if in_a_letter(boundary) else sentence_so_far(boundary)
        following = self.phrases.get(words) if words else None
        if not following:
            return None
        typed = query.typed.typed
        found = {
            typed + w[len(typed) :]: n  # in the case typed (`Kind R`: Regards)
            for w, n in following.items()
            if w.lower().startswith(typed.lower())
        }
        total = sum(found.values())
        return Proposal({w: n / total for w, n in found.items()}) if found else None
