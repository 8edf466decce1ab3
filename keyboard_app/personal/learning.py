"""What the keyboard learns from a text: runs of tokens, with secrets and noise left out.

Tokens are the word trigram model's (`keyboard_app.engine.trigrams.TOKENS`: words and the marks
`.,;:!?`), so that the personal n-grams share their histories. Each line is a paragraph, and the
run that begins a paragraph starts with `BOUNDARY`. Whatever is dropped breaks the run there, so
that no n-gram spans the gap and joins the words on either side as if they were neighbours.

Offensive words are learned like any other: the filter applies when suggesting, while it is on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from keyboard_app.engine.trigrams import BOUNDARY, TOKENS

if TYPE_CHECKING:
    from keyboard_app.personal.store import PersonalStore

MAX_TOKEN_CHARS = 32
MIN_DIGIT_RUN = 5
BATCH_CHARS = 50_000  # a document is learned in transactions of about this much text
_SPACE = re.compile(r"[^\S\n]")  # whitespace within a line

# Rules on the whitespace-separated chunks of the raw text, dropped whole (TOKENS would cut them
# into harmless-looking words: "john", "example", "com"):
_EMAIL = re.compile(
    r"[^\s@]@[^\s@]"
)  # an e-mail address (or user@host): personal, never typed twice
_LINK = re.compile(r"(?i)(?:^|\W)(?:[a-z][a-z0-9+.\-]*://|www\.)")  # a URL: noise, may hold a token
_DOMAIN = re.compile(r"(?:[A-Za-z0-9\-]+\.)+[a-z]{2,24}(?::\d+)?(?:[/?#]\S*)?")  # example.com/a
_EDGE_PUNCTUATION = "\"'()[]{}<>“”‘’«».,;:!?"
# Spans of the raw text: five digits or more, one separator between groups at most (a space, a
# hyphen, a dot, a slash, a comma before a digit, a parenthesis): phone, card, account and ID
# numbers, dates ("+1 (555) 123-4567", "4111 1111 1111 1111", "12,345,678").
_GAP = r"(?:[\s\-./]|,(?=\d)|\)\s?|\s?\()"
_DIGIT_RUN = re.compile(rf"\d(?:{_GAP}?\d){{{MIN_DIGIT_RUN - 1},}}")
# A model's control token pasted into the text, such as <|endoftext|>: markup, not the user's words.
_CONTROL_TOKEN = re.compile(r"<\|[^\s|<>]*\|>")
# What follows a secret's label ("password: correcthorse", "my PIN is 4821"): the secret itself;
# after the labels of numbers, only a value with a digit ("the pin is stuck" is kept).
_AFTER_SECRET_LABEL = re.compile(
    r"(?i)\b(?:(?:password|passcode|passphrase|passwd|pwd)\s*(?:is\s*:?\s*|[:=]\s*)(\S+)"
    r"|(?:pin|cvv|cvc|otp)\s*(?:is\s*:?\s*|[:=]\s*)(\S*\d\S*))"
)
# A path to a file ("/home/ann/.ssh/id_rsa", "~/notes", "./run", "C:\\Users\\ann"): names, not
# words ("him/her/them" and "and/or" are words).
_PATH = re.compile(r"^(?:~?/|\.\.?/|[A-Za-z]:\\)|\\")
MIN_CAPITALS_KEY = 16  # a token of this many capitals and nothing else is a key (AKIAIOSFODNN7...)


def learnable(text: str) -> list[list[str]]:
    """The runs of tokens to learn from `text`: one per paragraph, broken wherever something was
    dropped; a run that begins its paragraph starts with `BOUNDARY`."""
    return [run for paragraph in text.split("\n") for run, _ in _paragraph_runs(paragraph)]


def learnable_tail(text: str, n: int = 1) -> tuple[list[str], list[str]] | None:
    """The last `n` tokens of `text`'s last paragraph and the (at most two) tokens before them in
    their run, `BOUNDARY` included: what to learn when a word has just been finished. None when
    one of those `n` tokens was dropped, or the paragraph has fewer."""
    paragraph = text.rsplit("\n", 1)[-1]
    runs = _paragraph_runs(paragraph)
    token_ends = [match.end() for match in TOKENS.finditer(paragraph)]
    if not runs or runs[-1][1] != token_ends[-1]:
        return None
    run = runs[-1][0]
    words = [token for token in run if token != BOUNDARY]
    if n < 1 or len(words) < n:
        return None
    return run[-n - 2 : -n], run[-n:]


def is_dropped_chunk(chunk: str) -> bool:
    """A whitespace-separated piece of text never learned, not even in part (looked at in its
    compatibility form, so that a full-width at sign, U+FF20, is an @)."""
    chunk = unicodedata.normalize("NFKC", chunk)
    bare = chunk.strip(_EDGE_PUNCTUATION)
    return (
        bool(_PATH.search(bare))
        or bool(_EMAIL.search(chunk))
        or bool(_LINK.search(chunk))
        or bool(_DOMAIN.fullmatch(bare))
        or _mixes_letters_and_digits(chunk)  # a password, a key, a serial or product code
    )


def is_dropped_token(token: str) -> bool:
    """A token never learned (the chunk rules catch most of these first)."""
    return (
        len(token) > MAX_TOKEN_CHARS  # a hash, a key, a run of characters held down: noise
        or _mixes_letters_and_digits(token)  # a password or a key
        or (len(token) >= MIN_CAPITALS_KEY and token.isupper() and token.isalpha())
        or sum(char.isdigit() for char in token) >= MIN_DIGIT_RUN  # a number that identifies
    )


def learn_text(
    store: PersonalStore,
    text: str,
    now: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Learn a whole document the user asked to learn from, a batch of about BATCH_CHARS per
    transaction; `progress(characters done, characters in all)` after each, and `cancelled()`
    checked before each (what was learned stays learned). Returns the words learned."""
    learned = 0
    for batch, continues, done in _batches(text):
        if cancelled is not None and cancelled():
            break
        runs = learnable(batch)
        if continues and runs and runs[0][:1] == [BOUNDARY]:
            runs[0] = runs[0][1:]  # the batch before was cut inside this paragraph
        learned += store.learn(runs, now=now)
        if progress is not None:
            progress(done, len(text))
    return learned


def _batches(text: str) -> Iterator[tuple[str, bool, int]]:
    """`text` in pieces of about BATCH_CHARS: cut at the first whitespace after that many (a line
    break, else a space), or right there when there is none for as many again, so that even a
    document of one long paragraph is learned, and can be cancelled, a piece at a time. Each
    piece comes with whether it goes on with the paragraph of the piece before, and where it
    ends in `text`."""
    start, continues = 0, False
    while start < len(text):
        limit = start + 2 * BATCH_CHARS
        line_end = text.find("\n", start + BATCH_CHARS, limit)
        space = _SPACE.search(text, start + BATCH_CHARS, limit)
        if len(text) <= start + BATCH_CHARS:
            end, skip = len(text), 0
        elif line_end >= 0:
            end, skip = line_end, 1
        elif space is not None:
            end, skip = space.start(), 1
        else:
            end, skip = start + BATCH_CHARS, 0
        yield text[start:end], continues, min(end + skip, len(text))
        continues = end < len(text) and text[end] != "\n"
        start = end + skip


def _paragraph_runs(paragraph: str) -> list[tuple[list[str], int]]:
    """The runs of one paragraph, each with the offset where its last token ends."""
    runs: list[tuple[list[str], int]] = []
    start = 0
    for span_start, span_end in [*_dropped_spans(paragraph), (len(paragraph), len(paragraph))]:
        runs.extend(_segment_runs(paragraph, start, span_start))
        start = max(start, span_end)
    return runs


def _segment_runs(paragraph: str, start: int, end: int) -> list[tuple[list[str], int]]:
    runs: list[tuple[list[str], int]] = []
    run: list[str] = [BOUNDARY] if start == 0 else []
    run_end = start
    for match in TOKENS.finditer(paragraph, start, end):
        if is_dropped_token(match.group()):
            _close(runs, run, run_end)
            run = []
        else:
            run.append(match.group())
            run_end = match.end()
    _close(runs, run, run_end)
    return runs


def _close(runs: list[tuple[list[str], int]], run: list[str], end: int) -> None:
    if any(token != BOUNDARY for token in run):
        runs.append((run, end))


def _dropped_spans(paragraph: str) -> list[tuple[int, int]]:
    """Where the dropped chunks, digit runs, control tokens and secrets after their labels lie,
    in order."""
    chunks = [m.span() for m in re.finditer(r"\S+", paragraph) if is_dropped_chunk(m.group())]
    spans = [m.span() for rule in (_DIGIT_RUN, _CONTROL_TOKEN) for m in rule.finditer(paragraph)]
    secrets = [m.span(m.lastindex or 0) for m in _AFTER_SECRET_LABEL.finditer(paragraph)]
    return sorted(chunks + spans + secrets)


def _mixes_letters_and_digits(text: str) -> bool:
    return any(char.isalpha() for char in text) and any(char.isdigit() for char in text)
