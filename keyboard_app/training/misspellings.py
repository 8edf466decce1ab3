"""The shipped list of common misspellings (`resources/lexicon/misspellings.tsv`): codespell's
list of misspelled words and their corrections, derived from Wikipedia's "Lists of common
misspellings" (CC BY-SA 3.0), kept to the pairs the keyboard can use.

People misspell some words the same way again and again (definetly, seperate, buisness,
enviroment): habits, not slips of the finger, often two slips from the word (definetly) or a
dictionary word with an ending (buis and ness), which the slip model alone never puts right.
The word list leaves out the listed misspellings that web text spells often enough to be in
wordfreq's list (`wordlist.build_wordlist`), and the corrector offers and puts in the listed
correction (`keyboard_app/corrector/misspellings.py`).

A listed misspelling that is a common word of a language English writers often mix in (German
"vor", French "persistant", Dutch "stil", Polish "nowe", Indonesian "sistem") is left out: a space
would put the English word in its place. codespell and wordfreq are needed only to build the lists (the `wordlist` extra); the app
reads the file.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from importlib.resources import files

# The languages whose common words are no misspelling, and how common (a word in a million: the
# reviews' German, Polish, Turkish, Indonesian, Tagalog and Swedish chat had "vor" made "for",
# "nowe" now, "grup" group, "sistem" system, "puting" putting, "vill" will; at three in ten
# million the list would lose "collegue", which French text writes often enough).
OTHER_LANGUAGES = (
    "da",
    "de",
    "es",
    "fil",
    "fr",
    "id",
    "it",
    "ms",
    "nb",
    "nl",
    "pl",
    "pt",
    "sv",
    "tr",
)
FOREIGN_FREQUENCY = 1e-6
# A misspelling the list maps to one word: `typo->fix`, the typo in small ASCII letters (the
# list's entries with several corrections end in a comma, and are left out: which was meant
# is for the model to say, as for any slip).
_PAIR = re.compile(r"^([a-z]+)->([a-z][a-z']*)$")


def codespell_pairs() -> dict[str, str]:
    """codespell's main list (its rarer and British lists left out: their entries are real
    words, calender, colour): each misspelling with its one correction."""
    try:
        data = files("codespell_lib") / "data" / "dictionary.txt"
    except ModuleNotFoundError as error:
        raise SystemExit(
            "Building the word list needs codespell: pip install 'keyboard-app[wordlist]'"
        ) from error
    return parse_pairs(data.read_text("utf-8").splitlines())


def parse_pairs(lines: Collection[str]) -> dict[str, str]:
    """The `typo->fix` lines of one correction each, as a mapping; not a word with its final g
    dropped (chasin, servin, usin: written so on purpose, as speech is, far more often than
    mistyped)."""
    pairs = {}
    for line in lines:
        match = _PAIR.match(line.strip())
        if match and match[1] != match[2] and match[2] != match[1] + "g":
            pairs[match[1]] = match[2]
    return pairs


def foreign_words(candidates: Collection[str]) -> frozenset[str]:
    """Those of `candidates` that are common words of `OTHER_LANGUAGES` (wordfreq's lists)."""
    from wordfreq import get_frequency_dict

    common = set()
    for language in OTHER_LANGUAGES:
        frequencies = get_frequency_dict(language, wordlist="best")  # "large" where there is one
        common |= {word for word in candidates if frequencies.get(word, 0.0) >= FOREIGN_FREQUENCY}
    return frozenset(common)


def misspelling_lines(
    pairs: Mapping[str, str], words: Collection[str], foreign: Collection[str] = frozenset()
) -> list[str]:
    """The shipped table's `typo<TAB>fix` lines, sorted: the pairs whose correction is one of
    `words` (the word list's, lower case) and whose misspelling is neither (one the list keeps
    is a real word: a space never corrects it) nor `foreign`."""
    return [
        f"{typo}\t{fix}"
        for typo, fix in sorted(pairs.items())
        if fix in words and typo not in words and typo not in foreign
    ]
