"""Autocorrect on space or punctuation: when the typed word is replaced by a correction without
asking.

Never for a word the user or the document has already used or the dictionary knows (`known`; also a
chat, programming, food or gaming word of `vocabulary`, and the -ise spelling of a known -ize word),
a word the user restored after an autocorrection, a capitalised word mid-sentence (a name; not a
word of five capitals or more, nor one in a text typed in capitals), two to four capitals anywhere
(an acronym: USD, KPI, GDPR), a word with a capital inside ("iPhon", "McDonals": a name's own
spelling, begun or slipped), a word with a letter outside the QWERTY keys the slip model knows
("piñata", "Kraków": typed on purpose), a word with digits, or a piece of a URL or an e-mail
address, or a word on a line in another language (`in_other_language`: German habe was made have,
Dutch staan satan, French Je He); those may still get a correction offered in the strip.

Only a whole word one common slip from the typed one is put in (`_one_slip`: not a far key, matcha:
match; a vowel for another, or c for s or k, is a mistake of spelling, kitchin, polise; two slips
when they differ in their double letters alone: tommorow, reccomend), and not: a completion of the
typed word ("accomodation": accomodations), the typed word less one or two letters at either end
(async: sync, cmake: make, mewhen: when; a prefixed word or two run together more often than a slip,
but for a doubled letter, "andd"), another stem than the typed word's when the typed word is a known
word with an English ending ("firehouses"; but "occured": occurred, the same stem respelled), nor a
word when the typed one is likelier a slip for a word of the offensive-word list (dman: damn, not
man), nor a name for a word typed in small letters, nor anything for a word typed with a capital at
a sentence's start (which may be a name the dictionary lacks: Naledi, not Naked), unless one common
slip away (`NAME_SLIP`: londn, London; Becuase, Because; not luego, Lego), and mid-sentence only a
day's or a month's name so near (Febuary: February, Firday: Friday; names the dictionary lacks are
often a slip from one it has: Jaxon, Jason). A common misspelling's listed correction
(`misspellings.py`: definetly, buisness, alway) is a habit, not a slip: it is put in whatever these
rules say of its slips, and the misspelling is no rival of it (the model spells recieved as readily
as received). The likeliest such correction replaces the word when it is `AUTOCORRECT_RATIO` times
likelier than anything else the strip has for it (the typed word's completions included; not the
correction spelled with the other apostrophe, nor the typed word when it is the correction without
its apostrophe: dont, don't). The pronoun i is always I (i'm: I'm) where the strip shows it
(`predictor._with_autocorrection`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from keyboard_app.corrector import HABIT, without_apostrophes
from keyboard_app.corrector.misspellings import is_listed, listed_correction
from keyboard_app.corrector.slips import slip_probability, undoubled
from keyboard_app.corrector.vocabulary import in_vocabularies, ize_spelling
from keyboard_app.engine.wordfilter import is_offensive, offensive_words
from keyboard_app.engine.words import (
    WORDS,
    capital_pronoun,
    in_capitals,
    in_code_block,
    in_inline_code,
    last_line,
    starts_sentence,
    text_in_capitals,
)

if TYPE_CHECKING:
    from keyboard_app.engine.mixer import Mixed

Known = Callable[[str], bool]

# How much likelier than any other word the best correction must be. Chosen on the tuning part of
# `keyboard-app bench typos` for a false-correction rate under 0.5% of correctly typed words;
# docs/engine.md has the table.
AUTOCORRECT_RATIO = 4.0
# Endings that make another form of a word (plural, tenses, comparison, adverb, noun).
_ENDINGS = ("s", "es", "ed", "d", "ing", "ings", "er", "ers", "est", "ly", "ness", "ment", "ments")
_MIN_STEM = 4  # "the" and s is more likely a slip (they, these) than a word
_ADDRESS = re.compile(r"(?:[@/\\:#]|www\.|\.\w)")
# The most capitals of an acronym that autocorrect leaves alone outside a text typed in capitals:
# one more than the strip's (`words.ACRONYM_LETTERS`, after which it completes a word in capitals,
# PEOP: PEOPLE), as four capitals are often an acronym the dictionary lacks (GDPR, CCPA, JIRA were
# made GDP, FCPA, KIRA); from five on, a word typed in capitals (I think RECIEVE: RECEIVE).
ACRONYM_MOST_LETTERS = 4
# The slip a lower-case word must be from a name's spelling (a capital the dictionary nearly
# always writes) to be put right to it, and a word typed with a capital at a sentence's start
# (itself perhaps a name) from any correction: one of the common slips (a neighbouring key, a
# swap, a letter doubled, undoubled or dropped: londn, London), not a far key, an extra letter
# away from its neighbours or two slips (luego: Lego, abrazo: Brazos, saludos: Saudis; foreign
# words; Naledi: Naked, Grzegorz: Gregory, Kaveh: Have, names at a sentence's start).
NAME_SLIP = 0.002
# A line in another language: of its last `OTHER_LANGUAGE_WORDS` words (without digits), at least
# `OTHER_LANGUAGE_LEAST`, fewer than `ENGLISH_SHARE` are among English's most frequent words
# (`Lexicon.is_common`). The current line only: English typed right after a paragraph in another
# language is corrected. Chosen on texts in 11 languages and in English with slips, and checked
# on others written for it; docs/engine.md has both tables.
OTHER_LANGUAGE_WORDS = 12
OTHER_LANGUAGE_LEAST = 3
ENGLISH_SHARE = 0.6
_LINE_TAIL = 400  # characters of the line read for its last words: 12 words fit many times


def never_autocorrected(typed: str, before: str, known: Known) -> bool:
    """Whether `typed`, after the text `before` (up to the word, its space included), is never
    autocorrected."""
    if not typed.isalpha() or is_known(typed, known):
        return True
    if not typed.isascii():
        return True  # é, ñ, ß: keys the slip model's layout lacks, typed on purpose (Kraków)
    if typed[1:] != typed[1:].lower() and not typed.isupper():
        return True  # a capital inside: written so on purpose (iPhone, McDonald)
    if in_capitals(typed) and not _in_capitals(typed, before):
        return True  # an acronym (EUR, KPI, GDPR), even at a sentence's start
    # Code (`` `vpn ``, `` `zsh ``, a line in a fenced block) is a command or an identifier, not
    # a slip.
    return _in_address(before) or in_inline_code(before) or in_code_block(before)


def is_known(word: str, known: Known) -> bool:
    """A word `known` knows, a word of `vocabulary` (chat, programming, food, gaming, a service's
    name, a unit), or the -ise spelling of a known word."""
    if known(word) or in_vocabularies(word):
        return True
    lower = word.lower()
    spelled = ize_spelling(lower)
    return spelled != lower and known(spelled)


def puts_in(typed: str, correction: str) -> bool:
    """Whether `correction` is a whole word a space may put in for `typed` (the likeliest such
    one is put in only one common slip away, or a mistake of spelling: `_one_slip`): a slip or
    two from it,
    and neither a completion of it nor it less one or two letters at the start (a prefixed word,
    async: sync, unmarshal: marshal; two words run together, mewhen: when) or two at the end.
    One extra key at the end is the commonest slip of all (thenb, havev), and a letter doubled
    at the start one too (tthe)."""
    word, meant = typed.lower(), correction.lower()
    if is_listed(word, meant):
        return True  # a common misspelling, of a longer word too (alway: always)
    if meant.startswith(word) or slip_probability(word, meant) == 0.0:
        return False
    if meant == word[1:] and word[0] == word[1]:
        return True
    return meant not in (word[1:], word[2:], word[:-2])


def other_stem(typed: str, correction: str, known: Known) -> bool:
    """Whether `typed` (lower case) is a known word with an English ending (`_ENDINGS`:
    "firehouse" and s, "ventilate" and s: a real word the dictionary lacks, not a slip) and
    `correction` is not that stem respelled with the same ending (its last letter doubled or a
    double one undoubled, its final e dropped or one added: "occured" occurred, "comming"
    coming, "makeing" making, "sincerly" sincerely: the misspellings people make of inflected
    words)."""
    if _bare(correction) == typed or is_listed(typed, correction):
        return False  # its contraction (thats: that's), or a common misspelling of it (buisness)
    stems = list(_inflections(typed, known))
    return bool(stems) and not any(
        correction.lower() in _respellings(stem, ending) for stem, ending in stems
    )


def _inflections(word: str, known: Known) -> Iterator[tuple[str, str]]:
    """Each (stem, ending) that makes `word` from a known word and an English ending."""
    for ending in _ENDINGS:
        stem = word[: -len(ending)]
        if not word.endswith(ending) or len(stem) < _MIN_STEM:
            continue
        if known(stem) or known(stem + "e") or (stem.endswith("i") and known(stem[:-1] + "y")):
            yield stem, ending


def _respellings(stem: str, ending: str) -> set[str]:
    shorter = stem[:-1] if stem.endswith("e") or stem[-1] == stem[-2] else stem
    variants = {stem + stem[-1], stem + "e", shorter}
    return {variant + ending for variant in variants}


def near_offensive(typed: str) -> float:
    """The likeliest slip from a word of the offensive-word list (kept out of the dictionary,
    so never a candidate) to `typed` (lower case): 0 when none is one edit away."""
    by_delete = _offensive_by_delete()
    near = {w for key in {typed, *_deletes(typed)} for w in by_delete.get(key, ())}
    return max((slip_probability(typed, word) for word in near), default=0.0)


@lru_cache(maxsize=1)
def _offensive_by_delete() -> dict[str, frozenset[str]]:
    """The offensive words by themselves and each of their one-letter deletes (symmetric
    delete: a word one edit from another shares one of these keys with it)."""
    keys: dict[str, set[str]] = {}
    for word in offensive_words():
        for key in {word, *_deletes(word)}:
            keys.setdefault(key, set()).add(word)
    return {key: frozenset(words) for key, words in keys.items()}


def _deletes(word: str) -> list[str]:
    return [word[:at] + word[at + 1 :] for at in range(len(word))]


def autocorrection(
    typed: str, corrections: Iterable[tuple[str, float]], others: Iterable[tuple[str, float]]
) -> str | None:
    """The correction that replaces `typed`, given the scored `corrections` and the strip's other
    scored words; None when none is likely enough. The best's rivals leave out its spellings
    with either apostrophe or none (don't, dont and the curly one: one word)."""
    ranked = sorted(corrections, key=lambda item: -item[1])
    if not ranked:
        return None
    best, score = ranked[0]
    same = _bare(best)
    rival = max((s for w, s in [*ranked[1:], *others] if _bare(w) != same), default=0.0)
    return best if best != typed and score > AUTOCORRECT_RATIO * rival else None


def _contraction(typed: str, corrections: Iterable[tuple[str, float]]) -> str | None:
    """The contraction `typed` is without its apostrophe (dont, Im, wasnt: no word the dictionary
    knows), put in whatever its rivals: a habit, as on phone keyboards, where the model may
    rank a slip's word (Im: In) or a completion (dont: dontcha) above it."""
    bare = typed.lower()
    spelled = [(w, s) for w, s in corrections if w != typed and _bare(w) == bare and _contracted(w)]
    return max(spelled, key=lambda item: item[1])[0] if spelled else None


# The endings of a contraction (don't, you're, I've, we'll, he'd, I'm); one in 's is a contraction
# after a pronoun or a question word alone (he's, that's, let's), elsewhere a possessive, whose
# letters without it are as often a plural or a verb (year olds, heroes, grays: old's, hero's).
# and y'all and ma'am, whose letters are no other word.
_CONTRACTED = ("n't", "'re", "'ve", "'ll", "'d", "'m", "y'all", "ma'am")
# (everything's too: its letters are no plural, everythings.)
_CONTRACTED_S = frozenset(
    "he she it that what who there here where when why how let everything".split()  # noqa: SIM905
)


def _contracted(word: str) -> bool:
    spelled = word.lower().replace("\u2019", "'")
    if spelled.endswith("'s"):
        return spelled[:-2] in _CONTRACTED_S
    return spelled.endswith(_CONTRACTED)


def _bare(word: str) -> str:
    return without_apostrophes(word.lower())


# The names mid-sentence that are corrected (Febuary, Wendesday, Firday: among English's commonest
# misspellings, typed with their capital); a person's or a place's may be one the dictionary lacks
# one slip from one it has (Jaxon: Jason, Kayden: Jayden).
CALENDAR_NAMES = frozenset(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December""".split()  # noqa: SIM905
)


def _named_mid_sentence(typed: str, before: str) -> bool:
    """`typed` has a capital where no sentence starts, in a text in small letters: a name."""
    return typed[:1].isupper() and not starts_sentence(before) and not _in_capitals(typed, before)


def _in_capitals(typed: str, before: str) -> bool:
    """`typed` is a word in capitals, not an acronym: long, or in a text typed in capitals."""
    return typed.isupper() and (len(typed) > ACRONYM_MOST_LETTERS or text_in_capitals(before))


def _in_address(before: str) -> bool:
    """The word continues a URL, an e-mail address, a mention or a hashtag (#tbt: no space
    between them)."""
    tail = before.rsplit(None, 1)[-1] if before.strip() and not before[-1:].isspace() else ""
    return bool(tail) and bool(_ADDRESS.search(tail + "x"))


def in_other_language(before: str, common: Known) -> bool:
    """Whether the line that the text `before` ends is in another language than English (see
    `ENGLISH_SHARE`), by its `common` words."""
    line = last_line(before[-_LINE_TAIL:])
    words = [w for w in WORDS.findall(line) if not any(c.isdigit() for c in w)]
    last = words[-OTHER_LANGUAGE_WORDS:]
    if len(last) < OTHER_LANGUAGE_LEAST:
        return False
    return sum(common(word) for word in last) < ENGLISH_SHARE * len(last)


def known_by_a_source(mixed: Mixed, word: str) -> bool:
    """Whether a source of `mixed` knows `word` (the dictionary, the document, the user's store)."""
    return any(p.knows(word) for p in mixed.proposals.values() if p.knows is not None)


def mixed_autocorrection(
    mixed: Mixed, kept: Collection[str], common: Known | None = None
) -> str | None:
    """The autocorrection of the word typed in `mixed`'s query (its strip's mixture), or None:
    never for a word in `kept` (restored by the user), one `never_autocorrected`, nor one on a
    line `in_other_language` by the `common` words (when given: the corrector's)."""
    typed = mixed.query.typed
    word = typed.typed
    if word.lower() in kept:
        return None
    # The boundary lacks the space before the word: "home." would read as a web address.
    before = typed.boundary + (" " if typed.prefix.startswith(" ") else "")
    pronoun = capital_pronoun(word)

    def foreign() -> bool:  # asked last: most words are never corrected for cheaper reasons
        return common is not None and in_other_language(typed.boundary, common)

    if pronoun is not None:  # typed in lower case, or already right (I'm)
        # example.com/i, and Italian, Polish or Swedish i
        return None if pronoun == word or _in_address(before) or foreign() else pronoun
    corrections = mixed.proposals.get("corrections")
    if corrections is None:
        return None

    # A word on the offensive-word list is a real word, typed on purpose (pee, knob), though the
    # dictionary leaves it out
    def known(w: str) -> bool:
        return known_by_a_source(mixed, w) or is_offensive(w)

    if never_autocorrected(word, before, known):
        return None
    # A completion of the letters one slip back ("recie": received) is never put in by a space,
    # but it is a rival; so is every correction `puts_in` rules out.
    whole = {w for w in corrections.words if puts_in(word, w)}
    scored = [(w, mixed.scores.get(w, corrections.words[w])) for w in whole]
    # A common misspelling is no rival of its listed correction, though the model spells it as
    # readily (recieved); of another word it is (welp: well)
    listed = listed_correction(word)
    leader = max(scored, key=lambda item: item[1])[0].lower() if scored else None
    not_rivals = whole | ({word} if listed is not None and leader == listed else set())
    others = [(w, s) for w, s in mixed.scores.items() if w not in not_rivals]
    best = _contraction(word, scored) or autocorrection(word, scored, others)
    if best is None or not _one_slip(word, best) or other_stem(word.lower(), best, known):
        return None
    if len(word) == 2 and word.islower() and starts_sentence(before) and not _contracted(best):
        return None  # as often another language's word there as a slip (je: he); offered only
    if _named_mid_sentence(word, before) and best not in CALENDAR_NAMES:
        return None  # a name the dictionary lacks (Jaxon, not Jason), but a day's or a month's
    if _far_for_a_name(word, best) or near_offensive(word.lower()) > _slip(word, best):
        return None
    return None if foreign() else best


def _one_slip(typed: str, correction: str) -> bool:
    """`correction` is one common slip from `typed` (`NAME_SLIP`: a neighbouring key, a swap, a
    letter doubled, undoubled or dropped; at the end a key beside the space bar, havev), a vowel
    written for another (kitchin), or differs from it in its double letters alone (tommorow,
    reccomend: two slips, but the commonest misspelling). A far key or an extra letter away from
    its neighbours is more often a word the dictionary lacks (matcha: match, borek: bored, pozole:
    poole, pipx: pipe), and so are two other slips (docstring: doctrine, comida: comics, todoist:
    tourist): the strip offers them, a space never puts them in."""
    if _slip(typed, correction) >= NAME_SLIP:
        return True
    typed, meant = typed.lower(), _bare(correction)
    if typed[:-1] == meant and typed[-1:] in _BESIDE_THE_SPACE_BAR:
        return True  # pressed with the space bar (havev)
    return undoubled(typed) == undoubled(meant) or _misspelt(typed, meant)


def _misspelt(typed: str, meant: str) -> bool:
    """`typed` is `meant` with a vowel written for another or a letter for one that sounds the
    same (c and s, c and k: fasility, akademic): a mistake of spelling more often than of a key.
    (A vowel added inside the word was one too, garagae, but as often a word the dictionary
    lacks: louvers, banditos were made lovers, bandits.)"""
    if len(typed) != len(meant):
        return False
    differ = [at for at in range(len(typed)) if typed[at] != meant[at]]
    if len(differ) != 1:
        return False
    letters = frozenset((typed[differ[0]], meant[differ[0]]))
    return letters <= _VOWELS or letters in _SOUNDS_ALIKE


_VOWELS = frozenset("aeiou")
_SOUNDS_ALIKE = (frozenset("cs"), frozenset("ck"))  # (s and z are neighbouring keys)
_BESIDE_THE_SPACE_BAR = "cvbnm"


def _far_for_a_name(typed: str, correction: str) -> bool:
    """Either word may be a name, and `correction` is further than `NAME_SLIP`: it has a capital
    the typist did not type, or the typist typed one (only at a sentence's start, where the
    capital says nothing; mid-sentence only for a correction with a capital of its own)."""
    lower = typed[:1].islower()
    # A word in capitals (I THINK BECUASE) is neither.
    may_be_a_name = correction[:1].isupper() if lower else not typed.isupper()
    return may_be_a_name and _slip(typed, correction) < NAME_SLIP


def _slip(typed: str, correction: str) -> float:
    """The probability of the slip from `correction` to `typed`, as the corrector scores it."""
    habit = _bare(correction) == typed.lower() or is_listed(typed, correction)
    return HABIT if habit else slip_probability(typed, correction)
