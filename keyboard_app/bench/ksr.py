"""`keyboard-app bench ksr`: keystroke savings of a simulated typist with three suggestions.

The typist types each word letter by letter. Before each letter, if the intended word is among the
suggestions, it takes it with one keystroke; that also inserts the following space when the text has
one there. Spaces, punctuation and letters typed by hand cost one keystroke each.
KSR = 1 - keystrokes / characters.

With inline predictions (`simulate(..., inline=...)`), before each letter and once more when a word
is typed out, the typist first looks at the inline prediction: when it is exactly what they were
about to type, up to a word boundary, they take it with one keystroke (Tab, which like a strip word
also inserts the following space); else the strip as above.

The file holds texts separated by blank lines, one paragraph a line within each (what
`keyboard-app train --write-heldout` writes). The typist writes each text as in the editor: the
keyboard is asked with everything typed so far in that text, earlier paragraphs included, joined by
newlines. The newlines themselves are given, not typed: they count as neither characters nor
keystrokes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from keyboard_app.engine.words import WORDS, is_word_char

Keyboard = Callable[[str], list[str]]
Inline = Callable[[str], str]


@dataclass
class InlineScore:
    shown: int = 0  # keystrokes at which a prediction showed
    taken: int = 0  # ... and was exactly what the typist was about to type
    characters_taken: int = 0
    seconds: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, float]:
        from keyboard_app.bench.stats import percentile

        ms = [1000 * s for s in self.seconds] or [0.0]
        return {
            "shown": self.shown,
            "taken": self.taken,
            "precision": round(self.taken / max(self.shown, 1), 4),
            "mean_characters_saved": round(
                (self.characters_taken - self.taken) / max(self.taken, 1), 3
            ),
            "mean_latency_ms": round(sum(ms) / len(ms), 3),
            "p95_latency_ms": round(percentile(ms, 0.95), 3),
        }


@dataclass
class Score:
    characters: int = 0
    keystrokes: int = 0
    words: int = 0
    top1: int = 0
    top3: int = 0
    calls: int = 0
    seconds: float = field(default=0.0)

    @property
    def ksr(self) -> float:
        return round(1 - self.keystrokes / max(self.characters, 1), 4)

    def as_dict(self) -> dict[str, float]:
        return {
            "ksr": self.ksr,
            "top1_next_word": round(self.top1 / max(self.words, 1), 4),
            "top3_next_word": round(self.top3 / max(self.words, 1), 4),
            "mean_latency_ms": round(1000 * self.seconds / max(self.calls, 1), 3),
            "keystrokes": self.keystrokes,
            "characters": self.characters,
            "words": self.words,
        }


class Typist:
    """`asks_at_word_end`: the keyboard is also asked once a word is typed out, as the app does on
    every keystroke (with inline predictions it always is: they are read from that answer)."""

    def __init__(
        self, keyboard: Keyboard, inline: Inline | None = None, asks_at_word_end: bool = False
    ) -> None:
        self.keyboard = keyboard
        self.inline = inline
        self.asks_at_word_end = asks_at_word_end or inline is not None
        self.score = Score()
        self.inline_score = InlineScore()
        self.spent: list[tuple[str, int]] = []  # each word in turn, and the keystrokes it cost

    def _suggest(self, text: str) -> list[str]:
        began = time.perf_counter()
        words = self.keyboard(text)
        self.score.seconds += time.perf_counter() - began
        self.score.calls += 1
        return words

    def type_word(self, above: str, line: str, start: int, end: int) -> int:
        """Type line[start:end] below the paragraphs `above`; return where the typist is afterwards."""
        word = line[start:end]
        self.score.words += 1
        for typed in range(len(word)):
            suggestions = self._suggest(above + line[: start + typed])
            if typed == 0:
                self.score.top1 += suggestions[:1] == [word]
                self.score.top3 += word in suggestions[:3]
            if (jump := self._take_inline(above, line, start + typed)) is not None:
                return jump
            if word in suggestions[:3]:
                self.score.keystrokes += 1
                return end + 1 if line[end : end + 1] == " " else end
            self.score.keystrokes += 1
        if self.asks_at_word_end:
            self._suggest(above + line[:end])
        jump = self._take_inline(above, line, end)  # the word typed out: the next words
        return end if jump is None else jump

    def _take_inline(self, above: str, line: str, at: int) -> int | None:
        """Take the inline prediction at `line[at]` if it is what comes next up to a word boundary
        (one keystroke); return where the typist is then, or None."""
        if self.inline is None:
            return None
        began = time.perf_counter()
        span = self.inline(above + line[:at])
        self.inline_score.seconds.append(time.perf_counter() - began)
        if not span:
            return None
        self.inline_score.shown += 1
        after = at + len(span)
        if not line.startswith(span, at) or (after < len(line) and is_word_char(line[after])):
            return None
        self.inline_score.taken += 1
        self.inline_score.characters_taken += len(span)
        self.score.keystrokes += 1
        return after + 1 if line[after : after + 1] == " " else after

    def type_line(self, above: str, line: str, word_budget: int) -> None:
        """Type one paragraph; `above` is the text's earlier paragraphs, each ending in a newline."""
        position = 0
        for match in WORDS.finditer(line):
            if self.score.words >= word_budget:
                line = line[:position]
                break
            if match.end() <= position:  # taken with an inline prediction
                self.score.words += 1
                self.spent.append((match.group(), 0))
                continue
            self.score.keystrokes += max(match.start() - position, 0)
            before = self.score.keystrokes
            position = self.type_word(above, line, match.start(), match.end())
            self.spent.append((match.group(), self.score.keystrokes - before))
        self.score.keystrokes += max(len(line) - position, 0)
        self.score.characters += len(line)


def read_texts(content: str) -> list[list[str]]:
    """The texts of a benchmark file: blocks separated by blank lines, as lists of paragraphs."""
    blocks = (block.strip("\n") for block in content.replace("\r\n", "\n").split("\n\n"))
    return [block.split("\n") for block in blocks if block.strip()]


def simulate(
    keyboard: Keyboard, texts: Iterable[list[str]], max_words: int, inline: Inline | None = None
) -> Score:
    """Type the texts (each a list of paragraphs) until `max_words` words are typed."""
    return run_typist(Typist(keyboard, inline), texts, max_words).score


def run_typist(
    typist: Typist,
    texts: Iterable[list[str]],
    max_words: int,
    after_line: Callable[[str, str], None] | None = None,
) -> Typist:
    """Type the texts; `after_line(above, line)` is told each paragraph once it is typed."""
    for paragraphs in texts:
        above = ""
        for line in paragraphs:
            if typist.score.words >= max_words:
                return typist
            typist.type_line(above, line, max_words)
            if after_line is not None:
                after_line(above, line)
            above += line + "\n"
    return typist


def learning_groups(
    texts: list[list[str]], fraction: float
) -> list[tuple[list[str], list[list[str]]]]:
    """Who learns what and types what after, for a personal store: each text of several
    paragraphs (one author's) learns its first `fraction` of paragraphs and types the rest (as a
    new text); the texts of one paragraph (unrelated people's sentences) are one group, the first
    `fraction` of them learned and the others typed."""
    groups: list[tuple[list[str], list[list[str]]]] = []
    for paragraphs in texts:
        if len(paragraphs) > 1:
            split = min(max(round(fraction * len(paragraphs)), 1), len(paragraphs) - 1)
            groups.append((paragraphs[:split], [paragraphs[split:]]))
    single = [paragraphs for paragraphs in texts if len(paragraphs) == 1]
    if single:
        cut = round(fraction * len(single))
        groups.append(([paragraphs[0] for paragraphs in single[:cut]], single[cut:]))
    return groups


class NothingToType(ValueError):
    """The texts to type hold no word: a keystroke saving would be meaningless."""


def typeable(texts: list[list[str]]) -> list[list[str]]:
    """`texts`, if they hold a word; else NothingToType (an empty file, or every text skipped)."""
    if not any(WORDS.search(line) for paragraphs in texts for line in paragraphs):
        raise NothingToType("there is no word to type (an empty text, or all of it skipped)")
    return texts


def skip_words(texts: list[list[str]], count: int) -> list[list[str]]:
    """The texts after the first ones that hold `count` words (whole texts are skipped)."""
    skipped = 0
    for index, paragraphs in enumerate(texts):
        if skipped >= count:
            return texts[index:]
        skipped += sum(len(WORDS.findall(line)) for line in paragraphs)
    return []
