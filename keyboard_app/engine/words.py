"""Words on top of byte-pair pieces: where the typed word starts, which pieces may spell it, and which
pieces continue or end a word.

A word is letters and digits, each with its combining marks, with inner apostrophes or hyphens. Token
healing: the model is run only up to the word boundary, and the next piece is constrained to be
consistent with the letters typed so far.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, load_encoding
from keyboard_app.engine.wordfilter import is_offensive


def _is_mark(char: str) -> bool:
    """A combining mark (Unicode's Mn, Mc, Me): part of the letter before it, like the accent of
    an "é" written as "e" and U+0301 (as macOS writes file names, and some keyboards text) or the
    vowel signs of Indic scripts."""
    return unicodedata.category(char).startswith("M")


def _marks_class() -> str:
    """A regular-expression class of the combining marks of the Basic Multilingual Plane (those
    beyond it are historic scripts' and musical notation's); Python's \\w has none of them."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if _is_mark(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]"


_LETTER = r"[^\W_]"  # a letter or a digit
_IN_WORD = f"(?:{_LETTER}|{_marks_class()})"  # what may follow a letter inside a word
_STARTS_WORD = re.compile(rf"^ ?{_LETTER}")
_CONTINUES_WORD = re.compile(rf"^(?:{_IN_WORD}|['’\-](?={_LETTER}))(?:{_IN_WORD}|['’\-])*$")
_WORD = re.compile(rf"^{_LETTER}(?:{_IN_WORD}|['’\-](?={_LETTER}))*$")
WORDS = re.compile(rf"{_LETTER}(?:{_IN_WORD}|['’\-](?={_LETTER}))*")  # every word in a text
# Characters that continue a word besides letters, digits and combining marks: apostrophes (also
# the typographic one, U+2019) and hyphens, as in don't and well-known. The regular expressions
# above say the same.
WORD_PUNCTUATION = "'’-"
_APOSTROPHES = "'’"
_SINGLE_QUOTES = "'‘"  # what opens a quotation that an apostrophe closes
_OPENING_QUOTES = "‘“„«"
_OPENING_MARKS = "\"'([" + _OPENING_QUOTES  # what may open a word (`_opened`)
_CLOSING_MARKS = ".,;!?…)]}’”»"  # after one, a straight quote closes ("Stop!"); not after ":"
# Words contractions go on from (don't, it's, I'm, y'all, o'clock): after an opening quote, an
# apostrophe typed after one is the contraction's, not the closing quote. (The possessive 's,
# which goes on any word, is left out: after 'stop' the quote closes.)
_CONTRACTED = frozenset(
    "i you he she it we they that there here what who where when why how let y o ma".split()  # noqa: SIM905
    + "don doesn didn isn aren wasn weren hasn haven hadn won wouldn couldn shouldn".split()  # noqa: SIM905
    + "can mustn needn ain shan".split()  # noqa: SIM905
)
# The one-letter words worth a place in the strip. Any other single letter (an initial, the "p" of
# "p.m.", a model's guess after an opening quote) saves no keystroke when taken, and looks broken.
ONE_LETTER_WORDS = frozenset({"a", "A", "I"})


@dataclass(frozen=True)
class TypedWord:
    """The text before the cursor split at the start of the word being typed."""

    boundary: str  # what the model is run on
    prefix: str  # what the next pieces must spell: optional single space, then the typed letters
    typed: str  # the typed letters alone, kept exactly as typed


def split_typed_word(text: str, max_length: int = 1000) -> TypedWord:
    """Split `text` into the context before the current word and the word's typed prefix
    (at most `max_length` characters are looked at). An apostrophe after a word that a single
    quote opened closes the quote (`'stop'`, typographic quotes alike): the word is finished,
    and what comes next is the next word; but not after a word that contractions go on from
    (`'Don'` on its way to `'Don't'`, `'It'` to `'It's'`)."""
    start = len(text)
    limit = max(0, len(text) - max_length)
    while start > limit and is_word_char(text[start - 1]):
        start -= 1
    while start < len(text) and text[start] in WORD_PUNCTUATION:
        start += 1
    partial = text[start:]
    if (
        len(partial) > 1
        and partial[-1] in _APOSTROPHES
        and partial[:-1].lower() not in _CONTRACTED
        and _opens_single_quote(text, start - 1)
    ):
        return TypedWord(text, "", "")
    if start > 0 and text[start - 1] == " ":
        return TypedWord(text[: start - 1], " " + partial, partial)
    return TypedWord(text[:start], partial, partial)


def compound_part(typed: TypedWord) -> TypedWord | None:
    """The last part of a compound being typed (`user-f`: `f`, after `user-`; `x86-b`; `user-`:
    its next word, after a letter, not in an address) as a word of its own, the rest of the
    compound before it; None when the word has no hyphen before a letter or, after a letter, at
    the word's end."""
    head, hyphen, part = typed.typed.rpartition("-")
    if not (hyphen and head and head[-1] != "-"):
        return None  # no hyphen, or a dash (word--)
    if _VERSION.search(before_the_word(typed)):
        return None  # a version's (v5.0.0-beta)
    guessed = not part and head[-1].isalpha() and not _in_address(typed)
    if not (part[:1].isalpha() or guessed):
        return None  # a number's range (pp. 4-9), an address's (john.doe-)
    return TypedWord(typed.boundary + typed.prefix[: len(typed.prefix) - len(part)], part, part)


def _in_address(typed: TypedWord) -> bool:
    """Whether the word typed goes on from an address's marks (john.doe-, site.org/my-)."""
    return before_the_word(typed)[-1:] in (".", "/", "@", ":")


def before_the_word(typed: TypedWord) -> str:
    """The text before the letters typed (the boundary and the space of the prefix, if any)."""
    text = typed.boundary + typed.prefix
    return text[: len(text) - len(typed.typed)]


def _opens_single_quote(text: str, at: int) -> bool:
    """Whether `text[at]` is a single quote opening a quotation (`quote_opens`)."""
    return at >= 0 and text[at] in _SINGLE_QUOTES and quote_opens(text, at)


def quote_opens(text: str, at: int) -> bool:
    """Whether the quote at `text[at]` opens a quotation: at the start, or after anything but a
    word's last character or a closing mark (`"stop"` closes; `said "`, `("`, `:"` and `—"`
    open). A typographic opening quote always opens. (One rule for the strip's words and for
    where a taken word goes.)"""
    if text[at] in _OPENING_QUOTES or at == 0:
        return True
    before = text[at - 1]
    return not (is_word_char(before) or before in _CLOSING_MARKS)


def is_word_char(char: str) -> bool:
    """A letter, a digit, a combining mark, or punctuation that may continue a word (the one
    definition)."""
    return char.isalnum() or char in WORD_PUNCTUATION or _is_mark(char)


def prefix_range(sorted_keys: Sequence[str], prefix: str) -> tuple[int, int]:
    """The slice of `sorted_keys` (sorted strings) that start with `prefix`, by bisection."""
    return (
        bisect.bisect_left(sorted_keys, prefix),
        bisect.bisect_left(sorted_keys, prefix + "\U0010ffff"),
    )


def find_words(text: str) -> list[str]:
    return WORDS.findall(text)


def is_word(text: str) -> bool:
    return bool(_WORD.match(text))


def composed(text: str) -> str:
    """`text` with each letter and its combining marks as one character where Unicode has one
    (NFC): `e` and U+0301, as macOS and some keyboards write it, is `é`, which the model's pieces,
    the dictionary and the user's words spell; as typed, its mark is two byte pieces of no word."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# The pronoun I, alone or contracted (i'm, I'll; either mark), in either case.
_PRONOUN_I = re.compile(r"[iI](?:['’](?:m|ll|ve|d))?")
# What may follow an acronym as it is written (MPs, the UK's), not a word typed in capitals.
_ACRONYM_ENDINGS = ("s", "'s", "’s")
_POSSESSIVE_ENDINGS = ("'s", "’s")
_SENTENCE_END = (
    ".!?\u2026"  # an ellipsis character as three full stops (editors turn one into the other)
)
# What may stand between a sentence's end and the next word: whitespace, closing quotes and
# brackets ("Stop." ), and the opening ones of the next sentence (. “).
_BETWEEN_SENTENCES = " \t\"'()[]“”‘’«»"
# What ends a line: a line feed, a carriage return, a line or a paragraph separator.
LINE_BREAKS = "\n\r\u2028\u2029"
# Titles: the word after one is a name (Dr. Smith, Capt. Shen, which autocorrect made Capt. When).
_TITLES = frozenset(
    """mr. mrs. ms. mx. dr. prof. gen. col. lt. sgt. rev. capt. maj. cmdr. adm. brig. cpl. pvt.
    det. insp. supt. gov. sen. pres. mme. mlle. messrs.""".split()  # noqa: SIM905
)
# Abbreviations whose full stop ends no sentence: the titles, and those after which the sentence
# goes on (approx. ten, pp. 4-9, Jan. 5, St. Louis, J. Smith Jr. said, Smith et al. found). Those
# that often end one (etc., Inc., no., appt., incl.) or are words of chat too (hon., fr., rep.) are
# not among them.
_ABBREVIATIONS = _TITLES | frozenset(
    """st. jr. sr. vs. cf. fig. ph.d. approx. dept. vol. pp. ca. jan. feb. mar. apr. jun. jul.
    aug. sep. sept. oct. nov. dec.""".split()  # noqa: SIM905
)
# A citation's et al.: al. alone is as often a sentence's end after the name Al (Thanks, Al.).
_ET_AL = re.compile(r"(?<![^\W\d_])et al\.$", re.IGNORECASE)
# Letters each with its full stop: an initial (J. Smith) or an abbreviation (U.S., p.m., e.g.),
# whose full stop ends a sentence less often than not: in the training split, a word after two
# such letters or more starts with a small letter 597 times, with a capital 421 (names among them,
# U.S. Army, which a sentence's start would not leave as they are).
_DOTTED_LETTERS = re.compile(r"(?:[^\W\d_]\.)+")
_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
_CODE_MARK = re.compile(r"`(?<![^\W\d_]`)|`(?![^\W\d_])")  # a backtick not between letters
# A Markdown code fence: three backticks or more at a line's start, up to three spaces in (not
# tildes, which fence code too but are as often a scene break in prose: `~~~`).
_FENCE = re.compile(f"(?:^|[{LINE_BREAKS}]) {{0,3}}```", re.MULTILINE)
_VERSION = re.compile(r"\d\.\d+\.$")  # v5.0. before 0-beta
_QUOTED_LINE_START = re.compile(f"(?:^|[{LINE_BREAKS}])[ \t]*>[> \t]*$")
_HEADING_START = re.compile(f"(?:^|[{LINE_BREAKS}])[ \t]{{0,3}}#{{1,6}}$")  # Markdown's `## `
_NAME_PREFIX = re.compile("^[^\\W\\d_I]['’]")  # O'Neill's O', D'Angelo's D' (not I'M)
# The most letters of an acronym typed in capitals; four or more is a word typed in capitals.
ACRONYM_LETTERS = 3
PLURAL_ACRONYM_LETTERS = 4  # NASAs; UNESCOs is rare, FRIDAYs a word typed in capitals


def in_capitals(typed: str) -> bool:
    """Whether the letters typed are two or more, all capitals: the words go on in capitals. A
    name's capital before an apostrophe is not counted (`O'N`: O'Neill, not O'NEILL; D'Angelo)."""
    letters = [char for char in _NAME_PREFIX.sub("", typed) if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def has_inner_capital(word: str) -> bool:
    """A capital right after a small letter: a name's own spelling (iOS, McDonald, eBay), not a
    slip of the shift key (THe, FFor)."""
    return any(a.islower() and b.isupper() for a, b in pairwise(word))


def in_camel_case(word: str) -> bool:
    """A capital after a small letter (GitHub, iPhone, FastAPI, macOS): a word's own spelling, but
    for a small letter followed by capitals alone, as a Caps Lock slip inverts a word's case
    (tHE; iOS cannot be told from one)."""
    return has_inner_capital(word) and not (word[:1].islower() and word[1:].isupper())


def last_line(text: str) -> str:
    """What follows `text`'s last line break (all of it when it has none)."""
    return _LINE_BREAK.split(text)[-1]


def in_inline_code(before: str) -> bool:
    """Whether the text after `before` is inside inline code: the last line of `before` holds an
    odd number of backticks, not counting one between two letters (`don`t`: an apostrophe typed
    so)."""
    return len(_CODE_MARK.findall(last_line(before))) % 2 == 1


def in_code_block(before: str) -> bool:
    """Whether the text after `before` is inside a fenced code block (Markdown's ```): an odd
    number of fences in `before`. (A window of a document that starts inside a block reads it
    the other way round, until the window has moved past the block.)"""
    return len(_FENCE.findall(before)) % 2 == 1


def text_in_capitals(before: str) -> bool:
    """Whether the text `before` the word being typed is typed in capitals (Caps Lock): the words
    of its last line (its last 200 characters), two or more, are all capitals, one of them four
    letters or more, across sentences (`PLEASE CALL ME. T`). Not an acronym in a line of small
    letters (`at NASA `, `in THE NEW YORK TIMES `), nor a heading or a name in capitals on a line
    before (`CHAPTER ONE` then a new line)."""
    words = _line_words(last_line(before[-200:]))
    return (
        len(words) >= 2
        and all(word.isupper() for word in words)
        and any(len(word) > ACRONYM_LETTERS for word in words)
    )


def goes_on_in_capitals(typed: str, before: str) -> bool:
    """Whether the words for the letters `typed` (none, or capitals) after the text `before` are
    shown all in capitals: `before` is `text_in_capitals` (`THE MEETING`: MEETINGS, where an
    acronym typed in a text in small letters keeps its endings, `in_typed_case`)."""
    return typed == typed.upper() and text_in_capitals(before)


def starts_sentence(before: str) -> bool:
    """Whether a word after the text `before` starts a sentence: the text's start, a new line, or
    after . ! ? or … (and closing quotes or brackets), but for an abbreviation's full stop or an
    initial's (Dr. Smith, e.g. this, J. Smith, the U.S. army, at 5 p.m. on)."""
    stripped = before.rstrip(_BETWEEN_SENTENCES)
    tail = stripped[-200:]  # (searched to its end, the whole text would be read)
    if _QUOTED_LINE_START.search(tail):
        return True  # a quoted reply's line in an e-mail (`> `, `>> `)
    if _HEADING_START.search(tail) and before[-1:] in " \t":
        return True  # a heading in Markdown (`## `; not a hashtag's `#`)
    words = stripped.rsplit(None, 1)
    if not words or stripped[-1] in LINE_BREAKS:  # nothing written yet, or a new line
        return True
    last = _opened(words[-1]).lower()
    abbreviation = _is_abbreviation(stripped, last) or _DOTTED_LETTERS.fullmatch(last) is not None
    return stripped[-1] in _SENTENCE_END and not abbreviation


def listed_abbreviation(before: str) -> str | None:
    """The abbreviation whose full stop ends no sentence (Dr., approx., Jan.) that the text
    `before` ends with, and what may stand after it, as written; None for any other end (an
    initial or letters with full stops, J. or U.S., may end a sentence too: Plan A.)."""
    last = _last_word(before)
    return last if _is_abbreviation(before.rstrip(_BETWEEN_SENTENCES), last.lower()) else None


def _is_abbreviation(text: str, last: str) -> bool:
    """Whether `last`, the last word of `text` in small letters, is an abbreviation whose full stop
    ends no sentence."""
    return last in _ABBREVIATIONS or (last == "al." and _ET_AL.search(text) is not None)


def before_a_name(before: str) -> bool:
    """Whether the word after the text `before` is a name: after a title written with its
    capital (Dr., Capt.; not col. of a table, nor rev.)."""
    last = listed_abbreviation(before)
    return last is not None and last[:1].isupper() and last.lower() in _TITLES


def _last_word(before: str) -> str:
    """The last word of `before` with what may stand after it, and opening marks before it."""
    words = before.rstrip(_BETWEEN_SENTENCES).rsplit(None, 1)
    return _opened(words[-1]) if words else ""


def _opened(word: str) -> str:
    """`word` without the marks that may open it: (Dr., “Dr."""
    return word.lstrip(_OPENING_MARKS)


def typed_as_acronym(typed: str, before: str) -> bool:
    """Two or three capitals (EUR, OK, KPI) not in a text typed in capitals: an acronym, meant as
    typed, not the start of a word in capitals. Nor after a line's words all in capitals, two or
    one of four letters or more (`HELLO WOR`, `I AM GOI`: Caps Lock's second and third words)."""
    if not in_capitals(typed) or len(typed) > ACRONYM_LETTERS or text_in_capitals(before):
        return False
    words = _line_words(_AFTER_A_LABEL.split(last_line(before[-200:]))[-1])  # `TODO: AP`
    in_capitals_before = bool(words) and all(word.isupper() for word in words)
    return not (in_capitals_before and (len(words) >= 2 or len(words[0]) > ACRONYM_LETTERS))


_AFTER_A_LABEL = re.compile(r"[:;.!?]|\s[-–—](?:\s|$)")  # a label's end: `TODO:`, `NOTE -`


def _line_words(line: str) -> list[str]:
    """The words of `line`, letters alone (Q3 KPI: Q, KPI)."""
    return re.findall(r"[^\W\d_]+", line)


def capital_pronoun(word: str) -> str | None:
    """The pronoun I, alone or contracted, with its capital (i'm: I'm) when `word` is it in either
    case; None for any other word."""
    return "I" + word[1:] if _PRONOUN_I.fullmatch(word) else None


def in_typed_case(typed: str, word: str, everyday: Callable[[str], bool] | None = None) -> str:
    """`word`, a completion or a correction of the letters `typed`, in the case they are typed in:
    all capitals when two letters or more are typed, all capitals (`THE PEOP`: PEOPLE, not PEOPle;
    `TEH`: THE), but for an acronym's own endings (`MP`: MPs, `UK`: UK's, `NASA`: NASA's; not the
    plural of five capitals or more, `FRIDAY`: FRIDAYS, `_acronym_ending`; in a
    text in capitals all is, `goes_on_in_capitals`) and the s of an acronym's possessive (`USD`:
    USDA's, but `PEOP`: PEOPLE'S); else as it is, but the rest of a completion in capitals after a small
    letter is put in small letters (`shi` completed by the model's piece ` SHIP` is ship,
    not shiP). The pronoun I is always a capital ("i": I, "i'": I'm). A word that is an
    `everyday` one in small letters is no acronym's plural or possessive (`HI`: HIS, not HIs;
    `WHAT`: WHAT'S)."""
    rest = word[len(typed) :]
    pronoun = capital_pronoun(word)
    if pronoun is not None:
        return pronoun  # whatever the case typed ("i'm": I'm)
    if in_capitals(typed):
        acronyms = word.startswith(typed) and rest in _ACRONYM_ENDINGS
        if acronyms and _acronym_ending(typed, rest) and not (everyday and everyday(word.lower())):
            return word
        possessive = (
            word.endswith(_POSSESSIVE_ENDINGS)
            and len(word) > len(typed) + 1
            and len(typed) <= ACRONYM_LETTERS  # an acronym's (USDA's), not PEOPLE'S in capitals
            and not (everyday and everyday(word.lower()))  # nor WHAT'S after WHA
        )
        return word[:-1].upper() + word[-1] if possessive else word.upper()
    if typed[-1:].islower() and word.startswith(typed) and rest.isupper():
        return typed + rest.lower()
    return word


def _acronym_ending(typed: str, ending: str) -> bool:
    """Whether `ending` after the capitals `typed` is an acronym's own: its possessive, or its
    plural after `PLURAL_ACRONYM_LETTERS` at most (MPs, NASA's; FRIDAYS, not FRIDAYs, where a word
    of more letters is a word typed in capitals, with no text in capitals before it)."""
    return ending != "s" or len(typed.rstrip("'’")) <= PLURAL_ACRONYM_LETTERS  # NASA' too


def is_lone_letter(word: str) -> bool:
    """A single letter other than the one-letter words: never worth suggesting by itself."""
    return len(word) == 1 and word.isalpha() and word not in ONE_LETTER_WORDS


class PieceTable:
    """Per-token facts, computed once per vocabulary, for fast constrained lookups."""

    def __init__(self) -> None:
        encoding = load_encoding()
        self.n_vocab = encoding.n_vocab
        raw = [encoding.decode_single_token_bytes(t) for t in range(self.n_vocab)]
        self.texts = [_piece_text(piece) for piece in raw]
        self.texts[END_OF_TEXT_ID] = ""
        self.starts_word = self._mask(_STARTS_WORD)
        self.continues_word = self._mask(_CONTINUES_WORD)
        self.offensive = np.array([is_offensive(t) for t in self.texts], dtype=bool)
        folded = [(t.lower(), i) for i, t in enumerate(self.texts) if t]
        folded.sort()
        self._sorted_keys = [key for key, _ in folded]
        self._sorted_ids = np.array([i for _, i in folded], dtype=np.int64)
        self._by_text: dict[str, list[int]] = {}
        for key, token in folded:
            self._by_text.setdefault(key, []).append(token)
        self.space_word_starts = np.flatnonzero(
            self.starts_word & np.array([t.startswith(" ") for t in self.texts])
        )
        self.word_starts = np.flatnonzero(self.starts_word)
        # A space and then something else: what may follow a healed trailing space. Read from the
        # bytes, so that the first piece of a character of several bytes (" \xc3" of " ñ") counts.
        self.spaced = np.array([len(b) > 1 and b[:1] == b" " and b[1:2] != b" " for b in raw])
        self.spaced[END_OF_TEXT_ID] = False
        # Whether a piece's text (after its space) starts with a small letter.
        self.starts_small = np.array([t.lstrip(" ")[:1].islower() for t in self.texts])
        self.word_continuations = np.flatnonzero(self.continues_word)
        # The marks that end a word without a space (the work ahead decodes the likeliest).
        marks = set(".,;:!?")
        self.marks = np.array([i for i, t in enumerate(self.texts) if t in marks], dtype=np.int64)

    def _mask(self, pattern: re.Pattern[str]) -> npt.NDArray[np.bool_]:
        return np.array([bool(pattern.match(t)) for t in self.texts], dtype=bool)

    def spelling(self, prefix: str) -> npt.NDArray[np.int64]:
        """Tokens consistent with `prefix` (case-insensitive): those that start with it, and those
        that are a shorter start of it."""
        key = prefix.lower()
        if len(key) != len(prefix):
            return np.zeros(0, dtype=np.int64)
        low, high = prefix_range(self._sorted_keys, key)
        shorter = [t for i in range(1, len(key)) for t in self._by_text.get(key[:i], [])]
        return np.concatenate([self._sorted_ids[low:high], np.array(shorter, dtype=np.int64)])

    def first_pieces(self, prefix: str) -> npt.NDArray[np.int64]:
        """Tokens that may begin the word whose typed prefix (with optional lead space) is `prefix`."""
        if prefix == "":
            return self.word_starts
        if prefix == " ":
            return self.space_word_starts
        candidates = self.spelling(prefix)
        return candidates[self.starts_word[candidates]]

    def next_pieces(self, remaining: str) -> npt.NDArray[np.int64]:
        """Tokens that continue a word, consistent with the letters still to spell."""
        if remaining == "":
            return self.word_continuations
        candidates = self.spelling(remaining)
        return candidates[self.continues_word[candidates]]


def _piece_text(raw: bytes) -> str:
    """A piece's text; pieces that are not whole UTF-8 characters get no text (never part of a word)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return ""
