"""What the keyboard learns from a text: runs of tokens, with secrets and noise left out.

Tokens are the word trigram model's (`keyboard_app.engine.trigrams.TOKENS`: words and the marks
`.,;:!?`), so that the personal n-grams share their histories. Each line is a paragraph, and the
run that begins a paragraph starts with `BOUNDARY`, but for a line that follows one ending in a
comma (an e-mail's "Kind regards," or "Hi Siobhan,"), which goes on with its paragraph: its first
word is learned after the comma and the token before it (`paragraph_start`). Whatever is dropped
breaks the run there, so that no n-gram spans the gap and joins the words on either side as if
they were neighbours.

Offensive words are learned like any other: the filter applies when suggesting, while it is on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from keyboard_app.engine.trigrams import BOUNDARY, TOKENS
from keyboard_app.engine.words import composed

if TYPE_CHECKING:
    from keyboard_app.personal.store import PersonalStore

MAX_TOKEN_CHARS = 32
MIN_DIGIT_RUN = 5
# A document is learned in transactions of about this much text: short, so that another writer
# (the app, a second copy, `personal learn`) waits far less than the store's busy timeout.
BATCH_CHARS = 4_000
# How much of the text before a batch of a document is read with it, so that a secret's label or a
# number's first groups just before the cut still drop what follows them (see `learn_text`).
CARRY_CHARS = 256
_SPACE = re.compile(r"[^\S\n]")  # whitespace within a line

# Rules on the whitespace-separated chunks of the raw text, dropped whole (TOKENS would cut them
# into harmless-looking words: "john", "example", "com"):
_EMAIL = re.compile(
    r"[^\s@]@[^\s@]"
)  # an e-mail address (or user@host): personal, never typed twice
_LINK = re.compile(r"(?i)(?:^|\W)(?:[a-z][a-z0-9+.\-]*://|www\.)")  # a URL: noise, may hold a token
_DOMAIN = re.compile(r"(?:[A-Za-z0-9\-]+\.)+[a-z]{2,24}(?::\d+)?(?:[/?#]\S*)?")  # example.com/a
# An access key with a service's own prefix, letters alone after it (sk-..., xoxb-..., ghp_...).
_PREFIXED_KEY = re.compile(
    r"(?:(?:sk|pk|rk)[-_]|xox[a-z]-|gh[pousr]_|github_pat_|glpat-|hf_)[\w\-]{8,}"
)
_EDGE_PUNCTUATION = "\"'()[]{}<>“”‘’«».,;:!?"
# Spans of the raw text: five digits or more, one gap between groups at most (one to three
# spaces, a hyphen, a dash, a dot or a slash with a space either side or none, a comma before a
# digit, a parenthesis): phone, card, account and ID numbers, dates ("+1 (555) 123-4567",
# "4111 1111 1111 1111", "4111 - 1111 - ...", "4111—1111...", "12,345,678").
_GAP = r"(?:\s{1,3}|\s?[\-./\u2013\u2014]\s?|,(?=\d)|\)\s?|\s?\()"
_DIGIT_RUN = re.compile(rf"\d(?:{_GAP}?\d){{{MIN_DIGIT_RUN - 1},}}")
# A number at the very end of a text that the text after it may go on with (its groups so far, and
# a gap): "4111", "call +1 (555)", "4111 -".
_NUMBER_GOING_ON = re.compile(rf"\d(?:{_GAP}?\d)*(?:{_GAP})?\Z")
# A model's control token pasted into the text, such as <|endoftext|>: markup, not the user's words.
_CONTROL_TOKEN = re.compile(r"<\|[^\s|<>]*\|>")
# What follows a secret's label ("password: correcthorse", "my PIN is 4821", "token: abc..."):
# the secret itself. Labels of passwords may be followed by "is"; the shorter or more general
# labels (pass, pw, secret, token, api key) only by ":" or "=" ("the secret is out" is kept);
# after the labels of numbers (a PIN, a card's check digits, a one-time or door code), only a
# value with a digit, and then a space is label enough ("pin 4821", "the code is 4821", but "the
# pin is stuck" is kept).
_PASSWORD_LABELS = r"password|passcode|passphrase|passwd|passwort|pwd"
_KEY_LABELS = r"pass|pw|secret|token|auth|(?:api|access|secret)[ _-]?key|client[ _-]?secret"
_NUMBER_LABELS = r"pin|cvv|cvc|otp|code"
_AFTER_SECRET_LABEL = re.compile(
    rf"(?i)\b(?:(?:{_PASSWORD_LABELS})\s*(?:is\s*:?\s*|[:=]\s*)(\S+)"
    rf"|(?:{_KEY_LABELS})\s*[:=]\s*(\S+)"
    rf"|(?:{_NUMBER_LABELS})\s*(?:is\s*:?\s*|[:=]\s*|\s)(\S*\d\S*))"
)
# A secret's label ending a line ("Here is the wifi password:", "API key ="): the first piece of
# the next line is the secret.
_LABEL_ENDING_LINE = re.compile(
    rf"(?i)\b(?:{_PASSWORD_LABELS}|{_KEY_LABELS}|{_NUMBER_LABELS})\s*(?:is\s*:?|[:=])\s*\Z"
)
# A path to a file ("/home/ann/.ssh/id_rsa", "~/notes", "./run", "C:\\Users\\ann", "D:/Users",
# "Documents/taxes/salary.xlsx"): names, not words ("him/her/them" and "and/or" are words).
_PATH = re.compile(r"^(?:~?/|\.\.?/|[A-Za-z]:[\\/])|\\|/[^/\s]*\.[A-Za-z][A-Za-z0-9]{0,4}$")
MIN_CAPITALS_KEY = 16  # a token of this many capitals and nothing else is a key (AKIAIOSFODNN7...)
MIN_HEX_KEY = 16  # a token of this many hexadecimal letters and nothing else is a key (deadbeef...)
_HEX_LETTERS = frozenset("abcdef")

Run = list[tuple[str, int]]  # tokens with where each ends in its paragraph (`BOUNDARY`: at 0)
Learned = tuple[list[str], list[str]]  # tokens to count, and the (at most two) before them


def learnable(text: str) -> list[list[str]]:
    """The runs of tokens to learn from `text`: one per paragraph, broken wherever something was
    dropped; a run that begins its paragraph starts with `BOUNDARY`."""
    return [
        _tokens(run)
        for start, end, before in _paragraphs(text)
        for run in _paragraph_runs(text[start:end], after_label=_ends_in_label(before))
    ]


def learnable_after(
    context: str, text: str, goes_on: bool = False, number_before: bool = True
) -> list[Learned]:
    """What to learn of `text`, written right after `context` (whose words were learned when it was
    written): what `learnable(context + text)` keeps of `text`, so that a secret's label or the
    first groups of a number in `context` drop what follows them in `text`. Each run with tokens
    in `text` gives those tokens and the (at most two) tokens before them in the run.

    The paragraph of `context` starts after its last line break that starts a paragraph (not one
    after a line ending in a comma, before a line that is not blank: `_paragraphs`), or at its
    start when it is empty; a context without such a line break is the end of a paragraph whose
    start is not known (what came before it was not the user's to learn), so no run reaching into
    it starts a paragraph.

    With `goes_on` (a word just finished, more may follow), a number at the end of `text` is held
    back: its groups may be the first of a card, phone or account number, which only the text
    after them shows. It is learned with that text, when that is learned after it (unless
    `number_before` is False: then only what `text` itself gives is returned)."""
    whole = context + text
    paragraphs = _paragraphs(whole)
    first = max(i for i, (start, _, _) in enumerate(paragraphs) if start <= len(context))
    paragraph_from = paragraphs[first][0]
    kept = whole[paragraph_from : len(context)].rstrip()
    # Positions are in `whole`: a number held back before, and one held back now.
    new_from = paragraph_from + (_number_start(kept) if number_before else len(kept))
    held_from = _number_start(whole) if goes_on else len(whole)
    learned: list[Learned] = []
    for start, end, before in paragraphs[first:]:
        starts = start > 0 or not context
        for run in _paragraph_runs(whole[start:end], starts, _ends_in_label(before)):
            placed = [(token, start + at) for token, at in run]
            learned.extend(_new_part(placed, new_from, held_from))
    return learned


def paragraph_start(text: str) -> int:
    """Where the paragraph at the end of `text` starts, the word being typed on its last line (so
    that line is not blank): after the last line break that follows a line not ending in a comma
    (whitespace after the comma aside), else at the start of `text`. A line that follows one
    ending in a comma goes on with its paragraph: "Kind regards," and the name on the line after
    it, "Hi Siobhan," and the line that begins the e-mail."""
    start = text.rfind("\n") + 1
    while start > 0:
        line_start = text.rfind("\n", 0, start - 1) + 1
        if not _goes_on(text[line_start : start - 1]):
            break
        start = line_start
    return start


def _paragraphs(text: str) -> list[tuple[int, int, str]]:
    """Where each paragraph of `text` starts and ends, with the line before it (read for a
    secret's label): its lines, each line that is not blank going on with the paragraph of the
    line before when that ends in a comma (`paragraph_start`)."""
    found: list[tuple[int, int, str]] = []
    start = 0
    before = ""
    for line in text.split("\n"):
        end = start + len(line)
        if found and line.strip() and _goes_on(before):
            found[-1] = (found[-1][0], end, found[-1][2])
        else:
            found.append((start, end, before))
        before = line
        start = end + 1
    return found


def _goes_on(line: str) -> bool:
    """Whether the line after `line` goes on with its paragraph (when it is not blank)."""
    return line.rstrip().endswith(",")


def _ends_in_label(line: str) -> bool:
    return bool(_LABEL_ENDING_LINE.search(line))


def is_dropped_chunk(chunk: str) -> bool:
    """A whitespace-separated piece of text never learned, not even in part (looked at in its
    compatibility form, so that a full-width at sign, U+FF20, is an @)."""
    chunk = unicodedata.normalize("NFKC", chunk)
    bare = chunk.strip(_EDGE_PUNCTUATION)
    return (
        bool(_PATH.search(bare))
        or is_address(chunk)
        or bool(_PREFIXED_KEY.fullmatch(bare))
        or _mixes_letters_and_digits(chunk)  # a password, a key, a serial or product code
    )


def is_address(chunk: str) -> bool:
    """Whether a whitespace-separated piece of text is an e-mail address (or user@host), a link or
    a bare domain (`example.com/page`): never learned, and no word is offered inside one."""
    return bool(
        _EMAIL.search(chunk)
        or _LINK.search(chunk)
        or _DOMAIN.fullmatch(chunk.strip(_EDGE_PUNCTUATION))
    )


def is_dropped_token(token: str) -> bool:
    """A token never learned (the chunk rules catch most of these first)."""
    return (
        len(token) > MAX_TOKEN_CHARS  # a hash, a key, a run of characters held down: noise
        or _mixes_letters_and_digits(token)  # a password or a key
        or (len(token) >= MIN_CAPITALS_KEY and token.isupper() and token.isalpha())
        or _is_hex_key(token)
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
    transaction (`DocumentLearning`); `progress(characters done, characters in all)` after each,
    and `cancelled()` checked before each (what was learned stays learned). Returns the words
    learned."""
    document = DocumentLearning(text, now)
    while not document.finished:
        if cancelled is not None and cancelled():
            break
        document.step(store)
        if progress is not None:
            progress(document.done, len(document.text))
    return document.words


class DocumentLearning:
    """A document learned a batch of about BATCH_CHARS at a time, each `step` one transaction, so
    that whoever drives it (the app's engine thread) can do other work between steps; a step
    that fails (a busy store) can be tried again.

    The text is composed (NFC) first, as typed text is, so that a document written with
    combining marks (as macOS writes names) adds to the same entries. Each batch is read after
    the end of the one before (CARRY_CHARS), so that a secret or a number cut in two by the batch
    boundary is still dropped whole; a number at a batch's end is held back for the next batch
    unless a line break ends it."""

    def __init__(self, text: str, now: float | None = None) -> None:
        self.text = composed(text)
        self.now = now
        self.words = 0  # learned so far
        self._batches = list(_batches(self.text))
        self._next = 0

    @property
    def finished(self) -> bool:
        return self._next >= len(self._batches)

    @property
    def done(self) -> int:
        """The characters learned so far (of `len(self.text)`)."""
        return self._batches[self._next - 1][2] if self._next else 0

    def step(self, store: PersonalStore) -> int:
        """Learn the next batch; returns its words (PersonalStoreError: nothing of it learned)."""
        start, end, _ = self._batches[self._next]
        context = self.text[max(0, start - CARRY_CHARS) : start]
        goes_on = end < len(self.text) and self.text[end] != "\n"
        found = learnable_after(context, self.text[start:end], goes_on=goes_on)
        learned = store.learn_each_after(found, now=self.now)
        self._next += 1
        self.words += learned
        return learned


def _batches(text: str) -> Iterator[tuple[int, int, int]]:
    """`text` in pieces of about BATCH_CHARS: cut at the first whitespace after that many (a line
    break, else a space), or right there when there is none for as many again, so that even a
    document of one long paragraph is learned, and can be cancelled, a piece at a time. Each
    piece is (where it starts, where it ends, where the next one starts)."""
    start = 0
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
        yield start, end, min(end + skip, len(text))
        start = end + skip


def _number_start(text: str) -> int:
    """Where a number that the text after `text` may go on with starts at its end (its last line,
    read back CARRY_CHARS at most); `len(text)` when it does not end so."""
    start = max(text.rfind("\n") + 1, len(text) - CARRY_CHARS)
    match = _NUMBER_GOING_ON.search(text, start)
    return match.start() if match else len(text)


def _new_part(run: Run, new_from: int, held_from: int) -> list[Learned]:
    """The tokens of `run` that end after `new_from` and not after `held_from` (a `BOUNDARY` is
    new when nothing of its paragraph came before), with the tokens before them: none or one."""
    new = [
        i
        for i, (token, end) in enumerate(run)
        if (end >= new_from if token == BOUNDARY else new_from < end <= held_from)
    ]
    tokens = [run[i][0] for i in new]
    if not any(token != BOUNDARY for token in tokens):
        return []
    return [(_tokens(run[max(0, new[0] - 2) : new[0]]), tokens)]


def _tokens(run: Run) -> list[str]:
    return [token for token, _ in run]


def _paragraph_runs(paragraph: str, starts: bool = True, after_label: bool = False) -> list[Run]:
    """The runs of one paragraph; the first begins with `BOUNDARY` when it begins the paragraph
    and `starts` (the paragraph's start is known). `after_label`: the line before ended in a
    secret's label, which makes the paragraph's first piece the secret."""
    runs: list[Run] = []
    start = 0
    spans = _dropped_spans(paragraph)
    first = re.search(r"\S+", paragraph) if after_label else None
    if first is not None:
        spans = sorted([*spans, first.span()])
    for span_start, span_end in [*spans, (len(paragraph), len(paragraph))]:
        runs.extend(_segment_runs(paragraph, start, span_start, starts))
        start = max(start, span_end)
    return runs


def _segment_runs(paragraph: str, start: int, end: int, starts: bool) -> list[Run]:
    runs: list[Run] = []
    run: Run = [(BOUNDARY, 0)] if start == 0 and starts else []
    for match in TOKENS.finditer(paragraph, start, end):
        if is_dropped_token(match.group()):
            _close(runs, run)
            run = []
        else:
            run.append((match.group(), match.end()))
    _close(runs, run)
    return runs


def _close(runs: list[Run], run: Run) -> None:
    if any(token != BOUNDARY for token, _ in run):
        runs.append(run)


def _dropped_spans(paragraph: str) -> list[tuple[int, int]]:
    """Where the dropped chunks, digit runs, control tokens and secrets after their labels lie,
    in order."""
    chunks = [m.span() for m in re.finditer(r"\S+", paragraph) if is_dropped_chunk(m.group())]
    spans = [m.span() for rule in (_DIGIT_RUN, _CONTROL_TOKEN) for m in rule.finditer(paragraph)]
    secrets = [m.span(m.lastindex or 0) for m in _AFTER_SECRET_LABEL.finditer(paragraph)]
    return sorted(chunks + spans + secrets)


def _is_hex_key(token: str) -> bool:
    """Hexadecimal letters alone, long and varied (deadbeefcafebabe), not a key held down."""
    letters = set(token.lower())
    return len(token) >= MIN_HEX_KEY and letters <= _HEX_LETTERS and len(letters) >= 4


def _mixes_letters_and_digits(text: str) -> bool:
    return any(char.isalpha() for char in text) and any(char.isdigit() for char in text)
