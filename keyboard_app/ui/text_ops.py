"""Pure text rules of the editor (no Qt): what a suggestion or an explorer token inserts."""

from __future__ import annotations

from dataclasses import dataclass

from keyboard_app.engine.words import split_typed_word

# After these (or whitespace, or nothing) a new word needs no separating space: brackets and
# opening quotes, straight and typographic.
OPENERS = "([{<\"'\u201c\u2018\u00ab\u201e"
# A suggestion starting with one of these attaches to the text before it.
CLOSERS = ",.;:!?)]}>\"'\u201d\u2019\u00bb\u2026"


@dataclass(frozen=True)
class Insertion:
    """Replace the `remove` characters before the cursor by `text`."""

    remove: int
    text: str


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


def suggestion_insertion(before: str, word: str) -> Insertion:
    """How taking the suggestion `word` changes the text `before` the cursor.

    The partly typed word is replaced by `word` followed by a space. Without a partial word, a space
    is put first unless the text is empty or ends in whitespace or an opening bracket or quote.
    Punctuation suggestions (`,` `.` ...) attach to the text as they are.
    """
    if word and word[0] in CLOSERS:
        return Insertion(0, word + " ")
    partial = partial_word(before)
    if partial:
        return Insertion(len(partial), word + " ")
    needs_space = bool(before) and not before[-1].isspace() and before[-1] not in OPENERS
    return Insertion(0, (" " if needs_space else "") + word + " ")


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
