"""The shipped English word list (`resources/lexicon/english-words.tsv`): wordfreq's English
frequencies (Wikipedia, subtitles, news, books, web text and social media; CC BY-SA 4.0), filtered,
extended with the words of the built-in model's training text.

wordfreq and codespell are needed only to build the list (the `wordlist` extra); the app reads
the file. Built by `python -m keyboard_app.training.wordlist OUT TRAINING_LEXICON MISSPELLINGS`,
the second file written by `keyboard-app train --corpus resources/corpora --write-lexicon`; the
third, written with it, is the table of common misspellings the corrector reads
(`misspellings.py`). Filters:

- words only (letters with inner apostrophes or hyphens), at least `MIN_FREQUENCY` (per word of
  text: below it the list is mostly names and junk), no offensive word, no lone letter but a and i,
  no letter three times in a row (social media's "alllll", "soooo"), no contraction's end split
  off by wordfreq's tokenizer ("ll", "ve", "nt");
- no common misspelling: web text spells "teh" and "recieve" often enough to be listed, so a word
  one edit away from a word `MISSPELLING_RATIO` times more frequent is dropped, unless it is a
  real word: a spell checker's (`spell_checker_words`: symspellpy's English dictionary, SCOWL's
  words that Google Books has, so no misspelling: "charmed" stays, though "charged" is 20 times
  more frequent) or one the training text has at least `PROTECTED_COUNT` times;
  a word that only lacks the apostrophe of a far more frequent one is dropped all the same ("dont",
  "im", as phone keyboards do), so that it can be corrected;
- a word one or two double letters from a spell checker's word `MISSPELLING_RATIO` times more
  frequent is dropped too ("tommorow", "reccomend"), unless it is protected;
- so is a word that a list of common misspellings (`misspellings.codespell_pairs`) gives as a
  misspelling of a word `MISSPELLING_RATIO` times more frequent ("definetly", "greatful",
  "accidently": two slips or more from the word, which the rules above miss), unless protected
  or a name (one the training text writes with a capital: "Leibnitz"); one of the training
  text's words too (Brown's "shuld", "becomin");
- the spelling is the training text's most frequent one when it has the word ("I", "John"), but
  a spelling with capitals only when it is `CAPITAL_SHARE` of the word's uses (the corrector
  keeps such a spelling: "londn" is London, "conventiion" convention); else `NAME_SPELLINGS`' or
  wordfreq's (lower case); a possessive's is its name's (sarah's: Sarah's).

Counts are per billion words. The training text's words that wordfreq's selection lacks are added
with their frequency there, so that every word the previous dictionary knew is still known; but
not an archaic 't other than n't ("was't", "o't": the training text's old verse, which wordfreq's
list has too rarely to keep), which was offered after "it was".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from keyboard_app.corrector.slips import undoubled
from keyboard_app.engine.wordfilter import is_offensive
from keyboard_app.files import write_atomic
from keyboard_app.training.misspellings import codespell_pairs, foreign_words, misspelling_lines

MIN_FREQUENCY = 8e-8
MISSPELLING_RATIO = 20.0
PROTECTED_COUNT = 5
# Words shorter than this are never taken for a misspelling of another's double letters.
MIN_UNCHECKED = 5
# The training text's capitalised spelling of a word is the list's only when it is this share of
# the word's uses at least (London, Monday, I'm); else lower case ("Convention", 78%: a capital
# at a sentence's or a title's start).
CAPITAL_SHARE = 0.9
PER = 1e9  # counts are per this many words
_LOWER_WORD = re.compile(r"^[a-z](?:[a-z]|['\-](?=[a-z]))*$")
_ONE_LETTER = frozenset({"a", "i"})
_TRIPLED = re.compile(r"([a-z])\1\1")  # "alllll", "soooo": social media's stretched words
_POSSESSIVES = ("'s", "’s")
_ARCHAIC_IT = re.compile(r"[^n]['’]t$")  # was't, o't (of it); can't and don't end in n't
# Contractions' ends that wordfreq's tokenizer split off (we'll, I've, don't without its apostrophe:
# "ll", "ve", "nt"), no words; "re" and "em" are words too (re: the subject; 'em).
_CONTRACTION_ENDS = frozenset({"ll", "ve", "nt"})
# The names among the offensive list's everyday words (`wordfilter.EVERYDAY_WORDS`): the training
# text drops every sentence holding a word of the list, so it cannot spell them.
NAME_SPELLINGS = {
    "god": "God", "hitler": "Hitler", "nazi": "Nazi", "nazism": "Nazism", "reich": "Reich",
    "pollock": "Pollock", "guido": "Guido",
}  # fmt: skip


def wordfreq_frequencies(min_frequency: float = MIN_FREQUENCY) -> dict[str, float]:
    """wordfreq's large English list: each word at least `min_frequency`, with its frequency."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError as error:
        raise SystemExit(
            "Building the word list needs wordfreq: pip install 'keyboard-app[wordlist]'"
        ) from error
    frequencies: dict[str, float] = get_frequency_dict("en", wordlist="large")
    return {word: f for word, f in frequencies.items() if f >= min_frequency}


def spell_checker_words() -> frozenset[str]:
    """The words of symspellpy's English dictionary: SCOWL (Spell Checker Oriented Word Lists)
    intersected with Google Books Ngrams, so real words only, lower case (MIT; used to build the
    list, not shipped)."""
    text = (files("symspellpy") / "frequency_dictionary_en_82_765.txt").read_text("utf-8")
    return frozenset(line.split(" ", 1)[0] for line in text.splitlines() if line)


def build_wordlist(
    frequencies: Mapping[str, float],
    training: Mapping[str, int],
    real_words: Collection[str] = frozenset(),
    listed: Mapping[str, str] | None = None,
) -> list[str]:
    """The list's `word<TAB>count` lines, most frequent first: `frequencies` (wordfreq's, lower
    case) filtered as the module says (`real_words`: a spell checker's, never taken for
    misspellings; `listed`: common misspellings and their corrections), spelled and extended
    from `training` (the training text's word counts, as spelled)."""
    forms = _training_forms(training)
    kept = {w: f for w, f in frequencies.items() if _is_listable(w)}
    protected = {key for key, (_, count) in forms.items() if count >= PROTECTED_COUNT}
    protected |= {word for word in kept if word in real_words}
    dropped = _misspellings(kept, protected)
    checked = {word for word in kept if word in real_words}
    dropped |= _unchecked_misspellings(kept, protected, checked)
    names = {key for key, (form, _) in forms.items() if form != key}  # Bothe, Leibnitz
    dropped |= _listed_misspellings(kept, protected | names, listed or {})
    counts = {_spelling(w, forms): round(f * PER) for w, f in kept.items() if w not in dropped}
    total = sum(training.values()) or 1
    for key, (form, count) in forms.items():
        if key not in kept and key not in dropped and _is_addable(key):
            counts.setdefault(form, max(1, round(count / total * PER)))
    ordered = sorted(_possessives_as_names(counts).items(), key=lambda item: (-item[1], item[0]))
    return [f"{word}\t{count}" for word, count in ordered if count > 0]


def _possessives_as_names(counts: Mapping[str, int]) -> dict[str, int]:
    """`counts` with each possessive in small letters of a word the list spells with a capital
    spelled so (sarah's: Sarah's, friday's: Friday's), its count added to the spelling's."""
    spellings = {word.lower(): word for word in counts}
    spelled: dict[str, int] = {}
    for word, count in counts.items():
        name = spellings.get(word[:-2].lower(), "") if word.endswith(_POSSESSIVES) else ""
        if name[:1].isupper() and word[:1].islower():
            word = name + word[-2:]
        spelled[word] = spelled.get(word, 0) + count
    return spelled


def _spelling(word: str, forms: Mapping[str, tuple[str, int]]) -> str:
    form = forms.get(word)
    return form[0] if form else NAME_SPELLINGS.get(word, word)


def _is_listable(word: str) -> bool:
    if not _LOWER_WORD.match(word) or _TRIPLED.search(word) or is_offensive(word):
        return False
    if word in _CONTRACTION_ENDS:
        return False
    return len(word) > 1 or word in _ONE_LETTER


def _is_addable(key: str) -> bool:
    """Whether a training-text word that wordfreq's selection lacks is added to the list."""
    return not is_offensive(key) and not _ARCHAIC_IT.search(key) and key not in _CONTRACTION_ENDS


def _training_forms(training: Mapping[str, int]) -> dict[str, tuple[str, int]]:
    """Each lower-cased training word: its spelling (the most frequent one, if it has capitals
    only when that is `CAPITAL_SHARE` of the word's uses), and its count in all cases."""
    spellings: dict[str, dict[str, int]] = {}
    for word, count in training.items():
        spellings.setdefault(word.lower(), {})[word] = count
    forms: dict[str, tuple[str, int]] = {}
    for key, counts in spellings.items():
        form, total = max(counts, key=counts.__getitem__), sum(counts.values())
        named = form == key or counts[form] >= CAPITAL_SHARE * total
        forms[key] = (form if named else key, total)
    return forms


def _misspellings(frequencies: Mapping[str, float], protected: set[str]) -> set[str]:
    """The words one edit (Damerau's four kinds) from a word `MISSPELLING_RATIO` times more
    frequent, found with SymSpell; the `protected` ones never."""
    from symspellpy import SymSpell, Verbosity

    index: Any = SymSpell(max_dictionary_edit_distance=1, prefix_length=7)
    for word, frequency in frequencies.items():
        index.create_dictionary_entry(word, max(1, round(frequency * PER)))
    dropped: set[str] = set()
    for word, frequency in frequencies.items():
        if len(word) < 2:
            continue
        near = index.lookup(word, Verbosity.ALL, max_edit_distance=1, include_unknown=False)
        likelier = [
            item.term
            for item in near
            if item.term != word
            and frequencies.get(item.term, 0.0) >= MISSPELLING_RATIO * frequency
        ]
        if likelier and (
            word not in protected or any(_lacks_apostrophe(word, t) for t in likelier)
        ):
            dropped.add(word)
    return dropped


def _unchecked_misspellings(
    frequencies: Mapping[str, float], protected: set[str], checked: Collection[str]
) -> set[str]:
    """The unprotected words (no spell checker's, rare in the training text) of `MIN_UNCHECKED`
    letters or more that differ from a spell checker's word (`checked`) `MISSPELLING_RATIO`
    times more frequent in their double letters alone (tommorow, reccomend, beggining: the
    misspelling people make most, often two edits away)."""
    likeliest: dict[str, float] = {}
    for word in checked:
        key = undoubled(word)
        likeliest[key] = max(likeliest.get(key, 0.0), frequencies[word])
    return {
        word
        for word, frequency in frequencies.items()
        if word not in protected
        and len(word) >= MIN_UNCHECKED
        and likeliest.get(undoubled(word), 0.0) >= MISSPELLING_RATIO * frequency
    }


def _listed_misspellings(
    frequencies: Mapping[str, float], protected: set[str], listed: Mapping[str, str]
) -> set[str]:
    """The unprotected words that `listed` gives as a misspelling of a word `MISSPELLING_RATIO`
    times more frequent (those the training text alone has, too: they are not in
    `frequencies`)."""
    return {
        word
        for word, fix in listed.items()
        if word not in protected
        and frequencies.get(fix, 0.0) > 0.0
        and frequencies[fix] >= MISSPELLING_RATIO * frequencies.get(word, 0.0)
    }


def _lacks_apostrophe(word: str, other: str) -> bool:
    return other.replace("'", "") == word and len(other) == len(word) + 1


def read_counts(lines: Iterable[str]) -> dict[str, int]:
    """`word<TAB>count` lines (the training text's dictionary) as a mapping."""
    counts: dict[str, int] = {}
    for line in lines:
        word, _, count = line.partition("\t")
        if word and count.isdigit():
            counts[word] = int(count)
    return counts


def write_wordlist(out: Path, training_lexicon: Path, misspellings_out: Path) -> int:
    """Build the list into `out` from wordfreq and the training text's dictionary (the
    `word<TAB>count` lines of `keyboard-app train --write-lexicon`), and the table of common
    misspellings of its words into `misspellings_out`; the number of words."""
    training = read_counts(training_lexicon.read_text(encoding="utf-8").splitlines())
    listed = codespell_pairs()
    lines = build_wordlist(wordfreq_frequencies(), training, spell_checker_words(), listed)
    words = {line.partition("\t")[0].lower() for line in lines}
    table = misspelling_lines(listed, words, foreign_words(listed))
    write_atomic(out, "\n".join(lines) + "\n")
    write_atomic(misspellings_out, "\n".join(table) + "\n")
    return len(lines)


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO)
    if len(sys.argv) != 4:
        raise SystemExit(
            "usage: python -m keyboard_app.training.wordlist OUT TRAINING_LEXICON MISSPELLINGS"
        )
    count = write_wordlist(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    logging.getLogger(__name__).info("%d words written to %s", count, sys.argv[1])
