"""`keyboard-app bench ksr`: keystroke savings of a simulated typist with three suggestions.

The typist types each word letter by letter. Before each letter, if the intended word is among the
suggestions, it takes it with one keystroke; that also inserts the following space when the text has
one there. Spaces, punctuation and letters typed by hand cost one keystroke each.
KSR = 1 - keystrokes / characters.

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

from keyboard_app.engine.words import WORDS

Keyboard = Callable[[str], list[str]]


@dataclass
class Score:
    characters: int = 0
    keystrokes: int = 0
    words: int = 0
    top1: int = 0
    top3: int = 0
    calls: int = 0
    seconds: float = field(default=0.0)

    def as_dict(self) -> dict[str, float]:
        return {
            "ksr": round(1 - self.keystrokes / max(self.characters, 1), 4),
            "top1_next_word": round(self.top1 / max(self.words, 1), 4),
            "top3_next_word": round(self.top3 / max(self.words, 1), 4),
            "mean_latency_ms": round(1000 * self.seconds / max(self.calls, 1), 3),
            "keystrokes": self.keystrokes,
            "characters": self.characters,
            "words": self.words,
        }


class Typist:
    def __init__(self, keyboard: Keyboard) -> None:
        self.keyboard = keyboard
        self.score = Score()

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
            if word in suggestions[:3]:
                self.score.keystrokes += 1
                return end + 1 if line[end : end + 1] == " " else end
            self.score.keystrokes += 1
        return end

    def type_line(self, above: str, line: str, word_budget: int) -> None:
        """Type one paragraph; `above` is the text's earlier paragraphs, each ending in a newline."""
        position = 0
        for match in WORDS.finditer(line):
            if self.score.words >= word_budget:
                line = line[:position]
                break
            self.score.keystrokes += max(match.start() - position, 0)
            position = self.type_word(above, line, match.start(), match.end())
        self.score.keystrokes += max(len(line) - position, 0)
        self.score.characters += len(line)


def read_texts(content: str) -> list[list[str]]:
    """The texts of a benchmark file: blocks separated by blank lines, as lists of paragraphs."""
    blocks = (block.strip("\n") for block in content.replace("\r\n", "\n").split("\n\n"))
    return [block.split("\n") for block in blocks if block.strip()]


def simulate(keyboard: Keyboard, texts: Iterable[list[str]], max_words: int) -> Score:
    """Type the texts (each a list of paragraphs) until `max_words` words are typed."""
    typist = Typist(keyboard)
    for paragraphs in texts:
        above = ""
        for line in paragraphs:
            if typist.score.words >= max_words:
                return typist.score
            typist.type_line(above, line, max_words)
            above += line + "\n"
    return typist.score
