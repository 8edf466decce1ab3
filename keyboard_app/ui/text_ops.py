"""Pure text rules of the editor (no Qt): what a suggestion or an explorer token inserts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from keyboard_app.engine.words import (
    WORD_PUNCTUATION,
    in_inline_code,
    is_word_char,
    last_line,
    quote_opens,
    split_typed_word,
)
from keyboard_app.personal.learning import is_address

# After these (or whitespace, or nothing) a new word needs no separating space: brackets and
# opening quotes, straight and typographic, and the signs written right before a word or a
# number ($1, #3, @ann, and/or).
OPENERS = "([{<\"'\u201c\u2018\u00ab\u201e$\u20ac\u00a3#@/"
# A suggestion starting with one of these attaches to the text before it.
CLOSERS = ",.;:!?)]}>\"'\u201d\u2019\u00bb\u2026"
# Closing marks that go right after a word: typed right after the space the app added after a
# word taken from the strip, one takes that space's place ("for ," is "for,"). Not the straight
# quotes (as often opening ones) nor guillemets (French sets » after a space, German opens with
# it).
ATTACHING = frozenset(".,;:!?)]}\u201d\u2019\u2026")
# Marks that close what is open on the line (inline code, a quotation): they take the added
# space's place too then (`closes_after_word`).
CLOSING_WHEN_OPEN = frozenset('`"')
# An emoticon whose mouth is an opener (`:(`, `;-[`, `:/`): it opens nothing.
_EMOTICON = re.compile(r"(?:^|\s)>?[:;]['’]?-?[(\[</]$")
# A digit and a mark that a number may go on after: 3:30, $1,000, 2.5.
_NUMBER_GOES_ON = re.compile(r"\d[:,.]$")
# Characters after the cursor after which a taken word needs no space of its own.
_NO_SPACE_BEFORE = frozenset(" \t\u00a0") | ATTACHING
# Quotes that open or close: opening after a space, an opener or nothing, closing after a word.
_STRAIGHT_QUOTES = "\"'"
# Dashes written closed (waited\u2014until) or spaced (waited \u2014 until): the word after one goes
# as the dash was put after the word before it.
_DASHES = "\u2014\u2013"


@dataclass(frozen=True)
class Insertion:
    """Replace the `remove` characters before the cursor (and the `remove_after` after it) by
    `text`."""

    remove: int
    text: str
    remove_after: int = 0


@dataclass(frozen=True)
class Taken:
    """A suggestion `word` taken from the strip: the text `before` the cursor then, and how it was
    changed (`insertion`)."""

    word: str
    before: str
    insertion: Insertion

    @property
    def kept(self) -> str:
        """The text before the insertion (the partly typed word removed)."""
        return self.before[: len(self.before) - self.insertion.remove]

    @property
    def lead(self) -> int:
        """How many spaces were inserted before the word."""
        return len(self.insertion.text) - len(self.insertion.text.lstrip())

    @property
    def context(self) -> str:
        """The text before the word as inserted (its leading space included)."""
        return self.kept + self.insertion.text[: self.lead]

    @property
    def trailing(self) -> int:
        """How many characters were inserted after the word (its space)."""
        return len(self.insertion.text) - self.lead - len(self.word)


def first_word(text: str) -> str:
    """The first word of an inline prediction with the space after it (and any before it):
    what Ctrl+Right takes."""
    stripped = text.lstrip()
    end = len(text) - len(stripped)
    rest = stripped.split(" ", 1)
    return text[: end + len(rest[0]) + (1 if len(rest) > 1 else 0)]


def partial_word(before: str) -> str:
    """The partly typed word immediately before the cursor ('' when there is none): the word the
    engine completes.

    It is the run of letters, digits, apostrophes and hyphens ending at the cursor, without leading
    apostrophes or hyphens: in `said 'hel` the partial word is `hel` and the quote stays.
    """
    return split_typed_word(before).typed


def suggestion_insertion(before: str, word: str, after: str = "") -> Insertion:
    """How taking the suggestion `word` changes the text `before` and `after` the cursor.

    The partly typed word is replaced by `word` followed by a space; with the cursor inside a
    word, the whole word is (its letters after the cursor too). Without a partial word, a space is
    put first unless the text is empty or ends in whitespace or an opener (`OPENERS`), or the word
    is a number going on after a digit and `:` `,` or `.` (3:30, $1,000). No space is put after
    the word where a space or a closing mark (`ATTACHING`) follows it already. Punctuation
    suggestions (`,` `.` ...) attach to the text as they are.
    """
    partial = partial_word(before)
    if word and word[0] in CLOSERS:
        remove, remove_after, lead = 0, 0, ""
    elif partial:
        remove, remove_after, lead = len(partial), word_chars_at_start(after), ""
    else:
        remove, remove_after, lead = 0, 0, " " if _needs_space_before(before, word) else ""
    return Insertion(remove, lead + word + space_after(after[remove_after:]), remove_after)


def space_after(rest: str) -> str:
    """The space put after a word inserted before `rest`, the text after it: none where a space or
    a closing mark follows already (a straight quote closes unless a word goes on right after
    it: `"hello|" today` takes no space, `|"Hello"` does)."""
    if rest[:1] in _NO_SPACE_BEFORE and rest:
        return ""
    if rest[:1] in _STRAIGHT_QUOTES and rest and not is_word_char(rest[1:2] or " "):
        return ""
    return " "


def _needs_space_before(before: str, word: str) -> bool:
    """Whether a next `word` taken after the text `before` is put after a space: not at the
    start, after whitespace or an opener (`_opens`; not an emoticon's mouth, `:(`), nor for a
    number going on after a digit; after a dash, as before it."""
    if not before or before[-1].isspace():
        return False
    last = len(before) - 1
    if before[last] in _DASHES:
        return before[last - 1 : last].isspace()
    if _opens(before) and not _EMOTICON.search(before):
        return False
    return not (word[:1].isdigit() and _NUMBER_GOES_ON.search(before))


def closes_after_word(mark: str, before: str) -> bool:
    """Whether `mark`, typed right after the space the app added after a word taken (`before`: the
    text up to that space), takes the space's place: a closing mark (`ATTACHING`), a backtick that
    closes inline code (`` run `ls` ``), a straight double quote that closes a quotation opened
    on the line (`"stop"`)."""
    if mark == "`":
        return in_inline_code(before)
    if mark == '"':
        return last_line(before).count('"') % 2 == 1
    return mark in ATTACHING


def _opens(before: str) -> bool:
    """Whether the last character of `before` opens what follows: an opener, a straight quote
    where it opens (`words.quote_opens`: `"stop"` closes), a backtick that opens inline code
    (`words.in_inline_code`: `` run `ls` ``)."""
    last = len(before) - 1
    if before[last] == "`":
        return in_inline_code(before)
    if before[last] in _STRAIGHT_QUOTES:
        return quote_opens(before, last)
    return before[last] in OPENERS


def word_chars_at_start(text: str) -> int:
    """How many characters at the start of `text` belong to a word (the rest of the word the
    cursor is in, when `text` is what follows the cursor): not an apostrophe or a hyphen that no
    letter follows (`'s` goes on a word, the closing quote of `hel|'.` does not)."""
    count = 0
    while count < len(text) and is_word_char(text[count]):
        count += 1
    while count and text[count - 1] in WORD_PUNCTUATION:
        count -= 1
    return count


def word_typed_in_a_row(before: str, typed_in_a_row: int) -> bool:
    """Whether the letters of the word being typed at the end of `before` are among the last
    `typed_in_a_row` characters, those the user typed in a row (`Learner.typed_in_a_row`): the
    word is theirs, not opened, pasted, or there before the cursor came to it."""
    typed = split_typed_word(before).typed
    return bool(typed) and len(typed) <= typed_in_a_row


def in_address(before: str) -> bool:
    """Whether the cursor is in an e-mail address or a link: the text since the last whitespace
    holds an @ between characters (or right before the cursor, where the host goes on), a
    scheme's `://` or `www.`, or is a bare domain (example.co). A full stop alone is not one:
    "Done." ends a sentence."""
    chunk = "" if not before or before[-1].isspace() else before.rsplit(None, 1)[-1]
    chunk = chunk.lstrip(OPENERS)
    # The personal store's rules (what it never learns); "x" stands for the host to come after
    # an @ typed last.
    return is_address(chunk) or (chunk.endswith("@") and is_address(chunk + "x"))


def token_insertion(before: str, token: str) -> str:
    """What choosing the explorer's `token` inserts after the text `before` the cursor: the token,
    without its leading space if the text already ends in one (after a trailing space the engine
    offers the tokens that start with a space, " high" for "very ")."""
    if before.endswith(" ") and token.startswith(" "):
        return token[1:]
    return token


def display_token(token: str) -> str:
    """A token as the explorer shows it: a leading space as a visible mark, newlines escaped."""
    shown = token.replace("\n", "\\n").replace("\t", "\\t")
    return "␣" + shown[1:] if shown.startswith(" ") else shown


def whole_characters(piece: bytes) -> str | None:
    """A token's bytes as text, or None when they are not whole UTF-8 characters (a token may be
    part of a character of several bytes: CJK, emoji), which no text can hold."""
    try:
        return piece.decode("utf-8")
    except UnicodeDecodeError:
        return None
