"""How much of the text before the cursor the engine reads, and the trailing-space rule.

No llama.cpp here (nor anything heavy): the editor asks these on every keystroke, on the GUI thread.
"""

from __future__ import annotations

from keyboard_app.engine.shapes import MAX_CONTEXT

CHARS_PER_TOKEN_BOUND = 6  # no GPT-2 token of ordinary text is longer
# Characters before the cursor whose words count as known to the writer (the document source).
DOCUMENT_WINDOW = 4000
# The most text before the cursor the engine ever reads: the model's window at GPT-2's largest
# context, and the document window. A caller with a long document passes only the text from
# `text_start`, which is at least this much and stays put while the user types.
TEXT_NEEDED = max(MAX_CONTEXT * CHARS_PER_TOKEN_BOUND, DOCUMENT_WINDOW)
TEXT_STEP = 4096


def text_start(length: int, needed: int = TEXT_NEEDED) -> int:
    """Where to start reading a text of `length` characters (or positions) before the cursor so
    that the engine sees all it uses: at least `needed` back, at a multiple of `TEXT_STEP` (the
    start stays put while the user types, so the engine's evaluated prefix is reused)."""
    return max(0, (length - needed) // TEXT_STEP * TEXT_STEP)


def heals_trailing_space(text: str) -> bool:
    """GPT-2 writes a space as part of the next word (" the"), so a text ending in one space is
    continued from before that space, with a first token that starts with a space (token healing)."""
    return text.endswith(" ") and not text.endswith("  ")
