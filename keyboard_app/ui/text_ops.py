"""Pure text rules of the editor (no Qt): what a suggestion replaces, what the model sees."""

from __future__ import annotations

from dataclasses import dataclass

# Characters that continue a word besides letters and digits: apostrophes (also the typographic
# one, U+2019) and hyphens, as in don't and well-known.
WORD_PUNCTUATION = "'\u2019-"
# After these (or whitespace, or nothing) a new word needs no separating space: brackets and
# opening quotes, straight and typographic.
OPENERS = "([{<\"'\u201c\u2018\u00ab\u201e"
# A suggestion starting with one of these attaches to the text before it.
CLOSERS = ",.;:!?)]}>\"'\u201d\u2019\u00bb\u2026"
# How many characters of the text before the cursor the model sees (GPT-2's 1024 tokens are
# about 4000 characters of English); see `context_window`.
CONTEXT_CHARS = 3000
CONTEXT_STEP = 1024


@dataclass(frozen=True)
class Insertion:
    """Replace the `remove` characters before the cursor by `text`."""

    remove: int
    text: str


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in WORD_PUNCTUATION


def partial_word(before: str) -> str:
    """The partly typed word immediately before the cursor ('' when there is none).

    It is the run of letters, digits, apostrophes and hyphens ending at the cursor, without leading
    apostrophes or hyphens: in `said 'hel` the partial word is `hel` and the quote stays.
    """
    start = len(before)
    while start > 0 and _is_word_char(before[start - 1]):
        start -= 1
    return before[start:].lstrip(WORD_PUNCTUATION)


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


def context_window(before: str) -> str:
    """The tail of `before` the model is given.

    Long documents are cut to the last few thousand characters, at a start that moves in steps of
    `CONTEXT_STEP` characters so that consecutive keystrokes share the same prefix (the engine
    reuses its evaluated prefix), and at a word boundary so no word is cut in half.
    """
    if len(before) <= CONTEXT_CHARS:
        return before
    start = (len(before) - CONTEXT_CHARS) // CONTEXT_STEP * CONTEXT_STEP
    space = before.find(" ", start, start + 200)
    return before[space + 1 if space >= 0 else start :]


def display_token(token: str) -> str:
    """A token as the explorer shows it: a leading space as a visible mark, newlines escaped."""
    shown = token.replace("\n", "\\n").replace("\t", "\\t")
    return "␣" + shown[1:] if shown.startswith(" ") else shown
