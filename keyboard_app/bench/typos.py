"""`keyboard-app bench typos`: a seeded noisy typist, with the corrector and without it.

The typist types held-out text as in `bench ksr` (taking the intended word when the strip offers
it, one keystroke). A share of the words (`rate`, of those of at least three letters) it misspells
with one realistic slip (`SLIPS`: a neighbouring key, two letters swapped, a letter doubled or a
double typed once, a letter dropped, an extra neighbouring key), never at the last letter alone
(there a completion would hide it), and types the misspelling out. Then:

- recall@1 / recall@3: the intended word first / among the strip's words for the misspelling;
- autocorrect precision: of the misspellings that a space would correct, the share corrected to
  the intended word; the false-correction rate: the share of the correctly typed words (of
  letters) that a space would replace, were each typed out in full;
- in the typing, a space after a misspelling puts its autocorrection in: the intended word costs
  that one keystroke, as taking it from the strip does (the strip shows it); a wrong one costs a
  Backspace to undo it, and a misspelling neither offered nor corrected is mended as on a desktop
  keyboard: Backspace back to its first wrong letter (one a letter), then the word typed on from
  there (taking it from the strip when it shows). A correct word typed out and wrongly corrected
  costs a Backspace too.

KSR = 1 - keystrokes / characters of the intended text; the clean typist (no slips, with the
corrector) types the same words.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from keyboard_app.corrector.slips import are_neighbours
from keyboard_app.engine.context import common_prefix_length
from keyboard_app.engine.words import WORDS

Suggest = Callable[[str], list[str]]
Autocorrect = Callable[[str], "str | None"]
SLIPS = ("neighbour", "swap", "double", "undouble", "drop", "extra")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def misspell(word: str, rng: random.Random) -> str | None:
    """`word` with one slip, not at its last letter alone; None when no slip fits it."""
    for _ in range(8):
        kind = rng.choice(SLIPS)
        at = rng.randrange(len(word) - 1)  # the slip starts before the last letter
        typo = _slip(word, kind, at, rng)
        if typo is not None and typo.lower() != word.lower() and typo.isalpha():
            return typo
    return None


def _slip(word: str, kind: str, at: int, rng: random.Random) -> str | None:
    letter = word[at].lower()
    if kind == "neighbour" or kind == "extra":
        near = [key for key in _LETTERS if are_neighbours(letter, key)]
        if not near:
            return None
        key = rng.choice(near)
        return word[:at] + key + word[at + (kind == "neighbour") :]
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "double":
        return word[: at + 1] + word[at] + word[at + 1 :]
    if kind == "undouble":
        doubles = [i for i in range(len(word) - 1) if word[i] == word[i + 1]]
        return None if not doubles else word[: doubles[0]] + word[doubles[0] + 1 :]
    return word[:at] + word[at + 1 :] if at > 0 else None  # drop (never the first letter)


@dataclass
class TypoScore:
    characters: int = 0
    keystrokes: int = 0
    misspelt: int = 0
    recall1: int = 0
    recall3: int = 0
    autocorrected: int = 0
    autocorrected_right: int = 0
    clean_words: int = 0
    false_corrections: int = 0

    def as_dict(self) -> dict[str, float]:
        return {
            "ksr": round(1 - self.keystrokes / max(self.characters, 1), 4),
            "misspelt_words": self.misspelt,
            "recall_at_1": round(self.recall1 / max(self.misspelt, 1), 4),
            "recall_at_3": round(self.recall3 / max(self.misspelt, 1), 4),
            "autocorrections": self.autocorrected,
            "autocorrect_precision": round(
                self.autocorrected_right / max(self.autocorrected, 1), 4
            ),
            "correct_words": self.clean_words,
            "false_corrections": self.false_corrections,
            "false_correction_rate": round(self.false_corrections / max(self.clean_words, 1), 4),
            "keystrokes": self.keystrokes,
            "characters": self.characters,
        }


class NoisyTypist:
    def __init__(self, suggest: Suggest, autocorrect: Autocorrect, rate: float, seed: int):
        self.suggest = suggest
        self.autocorrect = autocorrect
        self.rate = rate
        self.rng = random.Random(seed)
        self.score = TypoScore()

    def type_texts(self, texts: Iterable[list[str]], max_words: int) -> TypoScore:
        words = 0
        for paragraphs in texts:
            above = ""
            for line in paragraphs:
                if words >= max_words:
                    return self.score
                words += self._type_line(above, line, max_words - words)
                above += line + "\n"
        return self.score

    def _type_line(self, above: str, line: str, budget: int) -> int:
        position = words = 0
        for match in WORDS.finditer(line):
            if words >= budget:
                line = line[:position]
                break
            words += 1
            self.score.keystrokes += max(match.start() - position, 0)
            position = self._type_word(above + line[: match.start()], match.group(), line, match)
        self.score.keystrokes += max(len(line) - position, 0)
        self.score.characters += len(line)
        return words

    def _type_word(self, before: str, word: str, line: str, match: re.Match[str]) -> int:
        typo = misspell(word, self.rng) if len(word) >= 3 and word.isalpha() else None
        typo = typo if typo is not None and self.rng.random() < self.rate else None
        corrected = self._recall(before, word, typo) if typo is not None else None
        if typo is None and word.isalpha():
            corrected = self._false_correction(before, word)
        taken = self._type_letters(before, word, typo or word)
        end = match.end()
        after_taken = end + 1 if line[end : end + 1] == " " else end
        if taken:
            return after_taken
        if typo is None:
            self.score.keystrokes += corrected is not None  # Backspace undoes it
            return end
        return self._after_typo(before, word, typo, corrected, (end, after_taken))

    def _recall(self, before: str, word: str, typo: str) -> str | None:
        """Whether the strip offers `word` once `typo` is typed out, and whether a space then
        corrects it (the autocorrection, or None)."""
        self.score.misspelt += 1
        strip = self.suggest(before + typo)[:3]
        self.score.recall1 += strip[:1] == [word]
        self.score.recall3 += word in strip
        corrected = self.autocorrect(before + typo)
        self.score.autocorrected += corrected is not None
        self.score.autocorrected_right += corrected == word
        return corrected

    def _false_correction(self, before: str, word: str) -> str | None:
        """The autocorrection a space would make of the correctly typed `word`, typed out."""
        self.score.clean_words += 1
        corrected = self.autocorrect(before + word)
        corrected = corrected if corrected != word else None
        self.score.false_corrections += corrected is not None
        return corrected

    def _type_letters(self, before: str, word: str, letters: str, start: int = 0) -> bool:
        """Type `letters` meaning `word` (the first `start` already typed), taking `word` from the
        strip when it shows; True then."""
        for typed in range(start, len(letters)):
            if word in self.suggest(before + letters[:typed])[:3]:
                self.score.keystrokes += 1
                return True
            self.score.keystrokes += 1
        return False

    def _after_typo(
        self, before: str, word: str, typo: str, corrected: str | None, ends: tuple[int, int]
    ) -> int:
        """Where the typist is after typing `typo` out (`corrected`: what a space makes of it):
        `ends` are the word's end, and where the typist is when a strip word (and its space) is
        taken."""
        end, after_taken = ends
        if word in self.suggest(before + typo)[:3]:
            self.score.keystrokes += 1  # taken, or the space that autocorrects it
            return after_taken
        if corrected is not None:
            self.score.keystrokes += 1  # Backspace undoes the wrong one
        right = common_prefix_length(typo, word)
        self.score.keystrokes += len(typo) - right  # Backspace to the first wrong letter
        self._type_letters(before, word, word, right)  # and on from there
        return end


def run_typos(
    suggest: Suggest,
    autocorrect: Autocorrect,
    texts: list[list[str]],
    max_words: int,
    rate: float,
    seed: int,
) -> TypoScore:
    return NoisyTypist(suggest, autocorrect, rate, seed).type_texts(texts, max_words)
