"""The one place where the suggestion sources are combined, and where all their weights live.

The network's words come first (when it has none for typed letters, as in an instant answer
before the model has decoded the context, the word trigrams' completions stand in for them, with
the probability of all that spells the letters under the trigrams); each other source
(`keyboard_app.engine.sources`) proposes its own, and the mixture is, in this order:

1. **Unknown words demoted.** When some source has a vocabulary (the dictionary, the document), a
   network word that none of them knows (and that is not what the user typed) keeps
   `UNKNOWN_WORD_SHARE` of its probability, so non-words like "engagemented" drop out; one that
   only a join of pieces makes (couldn't't, That'sHow) is left out, and so is one going on from
   a name's own spelling typed (iOS: iOSe, WhatsApp: WhatsApped).
2. **The dictionary fills the gaps** (letters typed): its completions share what the network's
   words leave of the probability of all that spells the letters, by how often each occurs, always
   below the weakest known word the network found (`BELOW`).
2b. **Corrections** (letters typed: words a slip away, `sources/corrections.py`) enter with
   `CORRECTION_WEIGHT` times their noisy-channel score, or keep a higher score they already have;
   those of a word meant as typed (known, iOS, EUR) stay under it (`_add_corrections_below`).
3. **The document's words** (letters typed) are mixed in by a cache model with `DOCUMENT_CACHE`.
4. **Next-word sources** (no letters typed: the word trigrams) are mixed linearly with
   `NEXT_WORD_WEIGHTS`, over the network's 2k best words and theirs.
4b. **The stock phrases of letters** (`Kind ` on its line: regards; for the next word and for
   letters typed, where a sentence starts with one) are mixed linearly with `FORMULA_WEIGHT`.
5. **The user's own words** (the personal store) last: for the next word mixed linearly, with a
   weight that grows with the store's evidence for the context (`evidence_weight`), and
   `PHRASE_WEIGHT` in a phrase the user always writes (`personal_weight`); for typed letters as a
   cache model with `PERSONAL_CACHE`.

Last, a word that repeats the word typed after a hyphen (it's-it's) and a word no source knows
that scores under `UNKNOWN_FLOOR` of the best are left out. Then the words are ranked
(`wordsearch.rank`; an acronym typed first, a sentence's first word with its capital).
docs/engine.md has the measurements behind each weight.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from keyboard_app.corrector.misspellings import listed_correction
from keyboard_app.corrector.vocabulary import in_vocabularies, other_spelling
from keyboard_app.engine.lexicon import COMMON_WORDS
from keyboard_app.engine.sources import Proposal, Query, Source
from keyboard_app.engine.sources.network import NetworkSource
from keyboard_app.engine.wordfilter import offends
from keyboard_app.engine.words import (
    ACRONYM_LETTERS,
    TypedWord,
    before_a_name,
    before_the_word,
    capital_pronoun,
    goes_on_in_capitals,
    has_inner_capital,
    in_camel_case,
    in_capitals,
    in_typed_case,
    listed_abbreviation,
    starts_sentence,
    typed_as_acronym,
)
from keyboard_app.engine.wordsearch import TYPED_WORD_SHARE, rank

# What is left of a network word no vocabulary knows. Set when the dictionary went in (built-in
# model, benchmark's first 3,000 held-out words: keystroke savings 0.4555 without the dictionary,
# 0.462 with it); see docs/engine.md, "The dictionary".
UNKNOWN_WORD_SHARE = 0.05
# A word no source knows is left out when its (demoted) score is under this share of the best
# word's: an empty place is better than a non-word (pageer, 30pmam). Chosen on the strips of every
# prefix of 800 held-out words after the first 6,000 and the review's texts: it leaves out 1,120
# of the 1,165 such words shown, never the word being typed (docs/engine.md, "The dictionary").
UNKNOWN_FLOOR = 0.01
# After an abbreviation's full stop, the model's sentence starts with a capital among this many
# commonest words (The, He, It; `_after_abbreviation`). The 100th is "said"; the names that are
# also everyday words are rarer (will, the 39th, is one; mark, brown and king are not).
SENTENCE_STARTERS = 100
# The small words that may stand between a title and its name: Mr. and Mrs., Dr. van Gogh,
# Gen. de Gaulle; any other word in small letters after a title (the model's and, in, of when it
# takes the title's full stop for a sentence's end) is left out.
BEFORE_A_NAME = frozenset(
    "and al bin da das de del della den der des di dos du ibn la le ten ter van von zu".split()  # noqa: SIM905
)
# A word no source knows that goes on from a known word typed whole by this many letters at most
# is no word (Saras, Hendersony; `_may_be_new`).
BARELY_PAST = 3
MAX_FRAGMENT = 2  # a piece after a letter typed: a capital and a small letter no source knows
MIN_BARELY_PAST_TYPED = 3  # letters typed for that rule: the dictionary lists lone letters too
# A dictionary completion's score stays under the network's weakest known word.
BELOW = 0.999
# A correction's noisy-channel score (model probability times slip probability) is multiplied
# by this before it competes with the completions. Chosen on the tuning part of `bench typos`
# (docs/engine.md, "Corrections"): recall@3 against the clean typist's keystroke savings.
CORRECTION_WEIGHT = 1.0
# The document cache's weight: chosen on the 4,000 held-out words after the benchmark's first
# 3,000 (0.05: KSR 0.467, 0.1: 0.4709, none: 0.4531); no gain for the next word, so letters only.
DOCUMENT_CACHE = 0.1
# Each next-word source's weight in the linear mixture with the network. The trigrams' 0.2 was
# chosen on the first 20,000 held-out words (top-3 0.2903 against 0.2841 for the network alone)
# and checked on the other 96,829 (0.3081 against 0.2977).
NEXT_WORD_WEIGHTS = {"trigrams": 0.2}
# The weight of the stock phrases of letters and e-mails (`sources/formulas.py`), mixed linearly
# where a sentence starts with one, for the next word and for letters typed. Chosen on 30 texts of
# a typing review (e-mails, notes, chat; 771 words): 2,472 keystrokes without, 2,442 at 0.1 to
# 0.5, the best top-1 from 0.2 on; checked on 32 other texts (2,242 words): 7,032 keystrokes
# without, 7,004 with, and the first 3,000 held-out words typed in the same 9,127 (docs/engine.md).
FORMULA_WEIGHT = 0.2
# Network candidates per requested word when next-word sources are mixed in (they re-rank more).
# Chosen on the first 3,000 held-out words (keystrokes 9,133 with 1, 9,129 with 2 and with 3, the
# smallest with the fewest) and checked on words 6,000-9,000: 8,307, 8,308 and 8,312.
NEXT_WORD_CANDIDATES = 2
# The personal store's next-word weight: PERSONAL_MAX * e / (e + PERSONAL_HALF) for evidence e (how
# often the user was in this context); its cache weight for typed letters. Chosen on half of the
# held-out Brown texts, checked on the other half: see docs/engine.md, "The user's words".
PERSONAL_MAX = 0.2
PERSONAL_HALF = 10.0
PERSONAL_CACHE = 0.1
# A phrase the user always writes: when the last two tokens were followed PHRASE_TIMES times or
# more, PHRASE_SHARE of them or more by one word, the store's next-word weight is PHRASE_WEIGHT,
# which puts that word first. Chosen with the held-out Brown files' personal split (the store
# learning as it types), see docs/engine.md, "A phrase the user always writes".
PHRASE_TIMES = 3
PHRASE_SHARE = 0.9
PHRASE_WEIGHT = 0.6

# The user's camel case of one of this many commonest words is a slip of the Shift key (tHe,
# ReAlly), not a name's own spelling: the commonest of those, YouTube and iPhone, are the 2,271th
# and 3,502th words of the dictionary.
SLIPPED_WORDS = 1_000

Scores = dict[str, float]
_SWAPPED_APOSTROPHES = str.maketrans("'’", "’'")
_STYLE_CHARS = 2000  # how far back the text's apostrophes (between letters) are looked for


@dataclass(frozen=True)
class Mixed:
    """A query's mixture: every candidate word's score, and the network's own proposal."""

    query: Query
    scores: Scores
    network: Proposal
    proposals: Mapping[str, Proposal] = field(default_factory=dict)  # the other sources', by kind

    def ranked(self) -> list[tuple[str, float]]:
        """The `query.k` best words, best first, with their mixed scores, in the case the letters
        are typed in (`words.in_typed_case`; spellings that become one add their scores)."""
        typed = self.query.typed.typed
        boundary = self.query.typed.boundary
        scores = _as_named(self.scores, typed, self.proposals)
        mark = apostrophe_in_use(self.query.typed)
        shown = _in_typed_case(scores, typed, mark, self.everyday)
        shown = _after_abbreviation(shown, self.query, self.proposals.get("dictionary"))
        if goes_on_in_capitals(typed, boundary):  # typed with Caps Lock: every word in capitals
            shown = _merged(shown, str.upper)
        elif _starts_a_sentence(self.query):
            shown = _capitalised(shown)
        elif self.query.next_word:
            shown = _in_likelier_case(shown)
        return rank(shown, typed, self.query.k, typed_as_acronym(typed, boundary))

    def everyday(self, word: str) -> bool:
        """Whether `word` is one of the dictionary's `SLIPPED_WORDS` commonest (in capitals it is
        no acronym's plural or possessive: HIS, not HIs; `words.in_typed_case`)."""
        dictionary = self.proposals.get("dictionary")
        common = dictionary.common if dictionary is not None else None
        return common is not None and common(word, SLIPPED_WORDS)

    def spelled(self, word: str) -> str:
        """`word` spelled as `ranked` spells it before the typed case (the user's spelling, a
        name's capital): an autocorrection puts in the word the strip shows."""
        return next(iter(_as_named({word: 0.0}, self.query.typed.typed, self.proposals)))


class Mixer:
    """Asks the network and the other sources, and combines their words."""

    def __init__(self, network: NetworkSource, sources: Sequence[Source]) -> None:
        self.network = network
        self.sources = list(sources)

    def mix(self, query: Query) -> Mixed:
        mixes_next_word = query.next_word and any(s.next_word for s in self.sources)
        wanted = max(NEXT_WORD_CANDIDATES * query.k if mixes_next_word else query.k, 1)
        network = self.network.propose(query, wanted)
        if mixes_next_word:
            network = _best(network, wanted)
        proposals = {
            source.kind: proposal
            for source in self.sources
            if (proposal := source.propose(query, network.words)) is not None
        }
        if query.filter_offensive:
            network = _inoffensive(network, query)
            proposals = {kind: _inoffensive(p, query) for kind, p in proposals.items()}
        return Mixed(query, mix(query, network, proposals), network, proposals)


def _best(proposal: Proposal, n: int) -> Proposal:
    """`proposal` with its `n` likeliest words alone: a search may find more than it was asked
    for (a batch of candidates is decoded whole), and an instant answer, which decodes nothing,
    fewer; mixing the next word over the same number makes them the same after an exact search."""
    if len(proposal.words) <= n:
        return proposal
    kept = sorted(proposal.words.items(), key=lambda item: (-item[1], item[0]))[:n]
    return replace(proposal, words=dict(kept))


def _inoffensive(proposal: Proposal, query: Query) -> Proposal:
    """`proposal` without the words the offensive-word filter keeps out (`wordfilter.offends`),
    but for the word typed itself: every source's, in one place, so that no strip word, inline
    prediction or autocorrection is one."""
    typed = query.typed.typed.lower()
    kept = {w: p for w, p in proposal.words.items() if w.lower() == typed or not offends(w)}
    return proposal if len(kept) == len(proposal.words) else replace(proposal, words=kept)


def mix(query: Query, network: Proposal, proposals: Mapping[str, Proposal]) -> Scores:
    """The network's words combined with the other sources' proposals (by source kind)."""
    typed = query.typed.typed
    if typed and not network.words and "trigrams" in proposals:
        network = proposals["trigrams"]  # a network that knows nothing of the context yet
    knowers = [p.knows for p in proposals.values() if p.knows is not None]
    scores = dict(network.words)
    unknown: set[str] = set()
    if knowers:
        scores, known = _demote_unknown(network.words, typed, knowers)
        unknown = set(network.words) - set(known)
        if typed and "dictionary" in proposals:
            _fill_from_dictionary(scores, network, known, proposals["dictionary"])
        if typed and "corrections" in proposals:
            corrections = proposals["corrections"].words
            if _keeps_typed(query.typed, knowers):
                _add_corrections_below(scores, corrections, typed)
            else:
                _add_corrections(scores, corrections)
        if typed and "document" in proposals:
            cached = _out_of_headings(proposals["document"].words, typed, proposals)
            scores = _mix_cache(scores, cached, DOCUMENT_CACHE)
    if typed_as_acronym(typed, query.typed.boundary):  # offered first (`Mixed.ranked`)
        scores.setdefault(typed, max(scores.values(), default=0.0))
    if query.next_word:
        for kind, weight in NEXT_WORD_WEIGHTS.items():
            if kind in proposals:
                scores = _mix_linear(scores, _known(proposals[kind].words, knowers), weight)
    if "formulas" in proposals:
        scores = _mix_linear(scores, proposals["formulas"].words, FORMULA_WEIGHT)
    if "personal" in proposals:
        scores = _mix_personal(scores, proposals["personal"], query)
    if typed:
        scores = _without_stutters(scores, typed)
    if any(char.isdigit() for char in typed) or _NUMBER_GOES_ON.search(query.typed.boundary[-2:]):
        scores = _numbers_as_written(scores, query.typed)
    return _without_weak(scores, unknown) if unknown else scores


def _known(words: Mapping[str, float], knowers: list[Callable[[str], bool]]) -> Scores:
    """The `words` some source knows or that are names (all without such sources): a trigram
    word the dictionary, which has the training text's words seen twice or more, lacks is one
    seen once or one the list left out (a misspelling, letters with digits), which the trigrams'
    discounting gives a quarter of their mass after a history seen once (`FYI the ETA ` offered
    revision0307, `Won ` kürt); but a name seen once stays (`Rishi ` Sunak)."""
    if not knowers:
        return dict(words)
    return {w: p for w, p in words.items() if _name(w) or any(knows(w) for knows in knowers)}


def _name(word: str) -> bool:
    """Letters alone, the first a capital and no other (Sunak; not revision0307, ETA)."""
    return word.isalpha() and word[:1].isupper() and word[1:].islower()


def _without_stutters(scores: Scores, typed: str) -> Scores:
    """`scores` without the words that repeat their first part after a hyphen (it's-it's, I-I,
    You-you're: dialogue's stutters, which the training text has, far more often wrong than
    so-so or bye-bye, which are offered once the hyphen is typed; no-nonsense is not one)."""
    if "-" in typed:
        return scores
    return {w: s for w, s in scores.items() if not _stutter(w.lower())}


def _numbers_as_written(scores: Scores, typed: TypedWord) -> Scores:
    """`scores` without the words that write the number being typed as no one does: a group
    after a thousands separator of other than three digits (`$1,250`: 2500; not after `0,` nor
    in euros, where the comma is a decimal one), or a word with a capital run into digits
    (`1.2M`: 2Moro, `9J`: 9John) or small letters no number runs into (`900g`: 900ger), or a
    time's minutes of other than two digits, or with other letters than am or pm, which an hour
    after 12 has none of (`2:15`: 150, 15th; `14:30am`), or an amount's cents of other than two
    digits (`£12.5`: 500, 50s), or an amount run into a hyphen's word (`$120`: 120-degrees); the
    letters typed are kept as they are."""
    before = before_the_word(typed)
    tail = before[-_NUMBER_CHARS:]  # (a search of the whole text reads it all: its end will do)
    thousands, hour, cents = _THOUSANDS.search(tail), _HOUR.search(tail), _CENTS.search(tail)
    amount = _AMOUNT.search(tail) is not None

    def odd(word: str) -> bool:
        if word == typed.typed:
            return False
        if thousands and len(word) - len(word.lstrip(_DIGITS)) != 3:
            return True
        if hour and not _minutes(word, int(hour.group(1))):
            return True
        if cents and not (len(word) == 2 and word.isdigit()):
            return True
        if amount and "-" in word:
            return True  # $120-degrees, $389,000-foot
        return _DIGITS_INTO_A_WORD.match(word) is not None or _digits_into_letters(word)

    return {word: score for word, score in scores.items() if not odd(word)}


_THOUSANDS = re.compile(r"(?:^|[^\d.,€])[1-9]\d{0,2}(?:,\d{3})*,$")
_DIGITS = "0123456789"
_NUMBER_CHARS = 40  # the end of the text a number's rules read
_NUMBER_GOES_ON = re.compile(r"\d[:.]$")  # the next word may be minutes or cents
_CENTS = re.compile(r"[$£€¥]\d[\d,]*\.$")  # $12. before the cents
_HOUR = re.compile(r"(?:^|[^\d:.,])(\d{1,2}):$")  # 2: or 14: (not 1:2: nor 3.5:)
_MINUTES = re.compile(r"[0-5]\d(?:([ap]\.?m\.?))?", re.IGNORECASE)


def _minutes(word: str, hour: int) -> bool:
    """Whether `word` writes a time's minutes after `hour` and its colon (15, 30pm; not 30pm
    after 14)."""
    found = _MINUTES.fullmatch(word)
    return found is not None and (found.group(1) is None or hour <= 12)


_DIGITS_INTO_A_WORD = re.compile(r"\d+[A-Z][a-z]")
_AMOUNT = re.compile(r"[$£€¥][\d,.]*$")  # a currency's sign before the number typed
# What a number runs into in writing: an ordinal's ending, a decade's s, a time's am or pm, a
# thousand's k, a unit (5pm, 90s, 10k, 900g, 5km, 4x, 1080p, 3.5GHz, 37C).
_NUMBER_ENDING = re.compile(
    r"(?:st|nd|rd|th|s|am|pm|k|m|bn|g|kg|mg|km|cm|mm|ml|l|lb|lbs|oz|ft|in|mi|mph|kph|h|hr|hrs"
    r"|min|mins|sec|secs|ms|x|p|gb|mb|tb|kb|hz|khz|mhz|ghz|kw|kwh|w|v|mah|c|f)",
    re.IGNORECASE,
)


def _digits_into_letters(word: str) -> bool:
    """`word` is digits run into letters alone that no number runs into (900ger, 95ka; not 900g,
    5pm; 20°C has a sign, no letters alone)."""
    letters = word.lstrip(_DIGITS + ".,")
    return letters != word and letters.isalpha() and not _NUMBER_ENDING.fullmatch(letters)


def _stutter(word: str) -> bool:
    """`word` is a part, a hyphen and the part again, or it with a contraction's ending."""
    first, hyphen, second = word.partition("-")
    return bool(hyphen) and (second == first or second.startswith((first + "'", first + "’")))


def _as_named(scores: Scores, typed: str, proposals: Mapping[str, Proposal]) -> Scores:
    """`scores` with the words typed in small letters spelled as the user spells them, else a
    name the dictionary spells with a capital spelled so (London, Andrew; the list spells a word
    so only when its training text nearly always does, so never a word also written in small
    letters: will, may), as a phone keyboard offers them (`lon`: London, not london); spellings
    that become one add their scores.

    The user's spelling (one written inside a sentence, where its case is the word's own) wins
    where the dictionary has none or knows it as no everyday word (a colleague's name: Naledi,
    Siobhan; `Lexicon.is_common`), where it is in small letters (linux, though the list says
    Linux), and where it is in camel case (GitHub, iPhone: `words.in_camel_case`), unless the
    word is one of the `SLIPPED_WORDS` commonest, where that is a slip of the Shift key (tHe);
    not where it only gives an everyday word a capital (a colleague called Will: will). Letters
    typed with a capital are the typist's case (`words.in_typed_case`), but for the user's camel
    case (`Gith`: GitHub)."""
    capitals = typed != typed.lower()
    if capitals and (typed[1:] != typed[1:].lower() or in_capitals(typed)):
        return scores
    own = _spelling_of(proposals.get("personal"), scores)
    dictionary = proposals.get("dictionary") or Proposal({})
    knows, spells, common = dictionary.knows, dictionary.spells, dictionary.common

    def everyday(word: str, commonest: int = COMMON_WORDS) -> bool:
        known = knows is not None and knows(word)
        return known and (common is None or common(word, commonest))

    def own_camel_case(word: str) -> str | None:
        """The user's spelling of `word` where it is in camel case and no slip."""
        mine = own(word)
        if mine is None or not in_camel_case(mine):
            return None
        return None if everyday(word, SLIPPED_WORDS) else mine

    def named(word: str) -> str:
        if word != word.lower():
            return word
        mine = own(word)  # without a store None at once: one dictionary lookup a word
        if mine is not None and (mine == word or not everyday(word)):
            return mine
        return own_camel_case(word) or _listed_name(word, spells, knows)

    if capitals:  # the first letter alone
        return _merged(scores, lambda word: own_camel_case(word) or word)
    return _merged(scores, named)


def _listed_name(
    word: str,
    spells: Callable[[str], str | None] | None,
    knows: Callable[[str], bool] | None = None,
) -> str:
    """`word` as the dictionary spells it when that is with a capital (London), else as it is;
    not where the dictionary spells it with the other apostrophe in small letters (it'll with a
    curly one is listed with its capital, from sentences' starts; with a straight one it is not)."""
    listed = spells(word) if spells is not None else None
    if not (listed and listed[:1].isupper() and listed.lower() == word):
        return word
    swapped = word.translate(_SWAPPED_APOSTROPHES)
    known = knows is not None and swapped != word and knows(swapped)
    other = spells(swapped) if known and spells is not None else None
    return word if other is not None and other[:1].islower() else listed


def _spelling_of(proposal: Proposal | None, words: Iterable[str]) -> Callable[[str], str | None]:
    """How `proposal`'s source spells a word it knows, told apart only by case; None else
    (`words`: those it will be asked about)."""
    knows, spells = (proposal.knows, proposal.spells) if proposal is not None else (None, None)
    if proposal is not None and proposal.looks_up is not None:
        proposal.looks_up(words)

    def spelling(word: str) -> str | None:
        if knows is None or spells is None or not knows(word):
            return None
        spelled = spells(word)
        return spelled if spelled is not None and spelled.lower() == word.lower() else None

    return spelling


def _in_typed_case(
    scores: Scores, typed: str, mark: str | None, everyday: Callable[[str], bool]
) -> Scores:
    """`scores` by the word in the typed case (`everyday`: whether a word is one of the
    commonest, no acronym's plural); a word spelled with the straight and the curly
    apostrophe is one word (don't and the curly one), spelled with `mark` (`apostrophe_in_use`),
    or else as its likelier spelling is."""
    shown: Scores = {}
    for word, score in sorted(scores.items(), key=lambda item: -item[1]):
        key = _one_apostrophe(in_typed_case(typed, word, everyday), mark, shown)
        shown[key] = shown.get(key, 0.0) + score
    return shown


def apostrophe_in_use(typed: TypedWord) -> str | None:
    """The apostrophe the words are written with: the one typed in the word, else the one the
    text before it used last between letters (a document written with typographic apostrophes
    gets them in don't too), else None (each word as its likelier spelling is)."""
    typed_mark = next((mark for mark in "'’" if mark in typed.typed), None)
    if typed_mark is not None:
        return typed_mark
    tail = typed.boundary[-_STYLE_CHARS:]
    at = max(tail.rfind("'"), tail.rfind("’"))
    while at > 0:  # from the end: the last one is near in a text that has any (a keystroke's cost)
        if tail[at - 1].isalpha() and tail[at + 1 : at + 2].isalpha():
            return tail[at]
        at = max(tail.rfind("'", 0, at), tail.rfind("’", 0, at))
    return None


def with_apostrophe(word: str, mark: str | None) -> str:
    """`word` with its apostrophes written as `mark` (None: as they are)."""
    return word if mark is None else word.replace("'", mark).replace("’", mark)


def _starts_a_sentence(query: Query) -> bool:
    """The next word (no letter typed) that starts a sentence (`words.starts_sentence`: not
    after Mr. or e.g.), after a space, a new line, or right after ? ! or a closing mark (a word
    taken there gets its space before it: `tonight?` And; `_ENDS_A_SENTENCE_HERE`); not right
    after a full stop, which may go on (example.com, 3.5), unless a closing mark follows it."""
    text = query.typed.boundary + query.typed.prefix
    if not (query.next_word and starts_sentence(text)):
        return False
    return not text or text[-1].isspace() or _ENDS_A_SENTENCE_HERE.search(text) is not None


# A word (no address, no code: `if (!`, `page?`) ended by ? ! or … and closing marks, or by a full
# stop and closing marks (`"stop."`), with no space yet: a word taken there starts a sentence.
_ENDS_A_SENTENCE_HERE = re.compile(
    r"(?:^|\s)[^\s/=(\[{]*[^\W_](?:[?!…]+[)\]\"'”’]*|\.[)\]\"'”’]+)$"
)


def _capitalised(scores: Scores) -> Scores:
    """`scores` by the word with a capital first letter, as a sentence's first word is written
    (the and The are one word there); a name's own spelling stays (iPhone)."""
    return _merged(
        scores, lambda word: word if has_inner_capital(word) else word[:1].upper() + word[1:]
    )


def _after_abbreviation(scores: Scores, query: Query, dictionary: Proposal | None) -> Scores:
    """The next words after an abbreviation's full stop (`words.listed_abbreviation`), where the
    model takes a sentence to start: its commonest words with a capital (The, He, It: among the
    `SENTENCE_STARTERS` commonest, and I) are left out after a title (Dr., Capt.: a name comes,
    Brown or King as well as Smith, or Mr. and Mrs.) and put in small letters after another
    abbreviation (approx. the; the U.S. Army keeps its capital). Once a letter of the word is
    typed, its case is the user's: only the sentence starts after a title are left out."""
    typed = query.typed
    before = before_the_word(typed)
    common = dictionary.common if dictionary is not None else None
    if common is None or listed_abbreviation(before) is None:
        return scores

    def starter(word: str) -> bool:
        if not word[:1].isupper() or word[1:] != word[1:].lower():
            return False
        return capital_pronoun(word) is not None or common(word, SENTENCE_STARTERS)

    if before_a_name(before):
        if typed.typed:
            return {word: score for word, score in scores.items() if not starter(word)}
        return {word: score for word, score in scores.items() if _may_follow_a_title(word, starter)}
    if typed.typed:
        return scores
    return _merged(
        scores, lambda word: word.lower() if starter(word) and not capital_pronoun(word) else word
    )


def _may_follow_a_title(word: str, starter: Callable[[str], bool]) -> bool:
    """Whether `word` may come after a title: a name (a capital, not a sentence's common start)
    or what stands between a title and a name (Mr. and Mrs., Dr. van Gogh); never and, in, of."""
    if word in BEFORE_A_NAME:
        return True
    return word[:1].isupper() and not starter(word)


def _in_likelier_case(scores: Scores) -> Scores:
    """`scores` with a word offered with and without a capital first letter (the and The, after
    e.g.) one word, in its likelier spelling: two slots for one word is one word fewer."""
    likelier: dict[str, str] = {}
    for word in sorted(scores, key=lambda word: -scores[word]):
        likelier.setdefault(word[:1].lower() + word[1:], word)
    return _merged(scores, lambda word: likelier[word[:1].lower() + word[1:]])


def _merged(scores: Scores, written: Callable[[str], str]) -> Scores:
    """`scores` by each word as `written`, the scores of words written alike added up."""
    shown: Scores = {}
    for word, score in scores.items():
        key = written(word)
        shown[key] = shown.get(key, 0.0) + score
    return shown


def _one_apostrophe(word: str, mark: str | None, shown: Scores) -> str:
    if mark is not None:
        return with_apostrophe(word, mark)
    other = word.translate(_SWAPPED_APOSTROPHES)
    return other if other in shown else word


def evidence_weight(evidence: float) -> float:
    """The personal store's next-word weight for a context it has seen `evidence` times."""
    return PERSONAL_MAX * evidence / (evidence + PERSONAL_HALF) if evidence > 0 else 0.0


def personal_weight(personal: Proposal) -> float:
    """The store's next-word weight: `PHRASE_WEIGHT` in a phrase the user always writes, else
    the weight of its evidence."""
    habit = personal.habit
    if (
        habit is not None
        and habit.total >= PHRASE_TIMES
        and habit.count >= PHRASE_SHARE * habit.total
    ):
        return PHRASE_WEIGHT
    return evidence_weight(personal.evidence)


def _mix_personal(scores: Scores, personal: Proposal, query: Query) -> Scores:
    if not query.next_word:
        return _mix_cache(scores, personal.words, PERSONAL_CACHE)
    weight = personal_weight(personal)
    return _mix_linear(scores, personal.words, weight) if weight > 0 else scores


def _demote_unknown(
    found: Mapping[str, float], typed: str, knowers: list[Callable[[str], bool]]
) -> tuple[Scores, dict[str, float]]:
    """The network's words, each that no source knows demoted, and left out where it is pieced
    together (`_pieced_together`), a contraction's start (`_contraction_start`) or going on from
    a name's own spelling typed whole (a capital inside: iOS, iOSe; WhatsApp, WhatsApped); and
    the known words with their scores. (A word typed in small letters may be a new word's start
    however whole it is: deep, deepfakes; and a next word no source knows a name, Rishi Sunak.)"""
    scores: Scores = {}
    known: dict[str, float] = {}
    for word, probability in found.items():
        if word == typed or any(knows(word) for knows in knowers):
            scores[word] = known[word] = probability
        elif _may_be_new(word, typed, knowers):
            scores[word] = probability * UNKNOWN_WORD_SHARE
    return scores, known


def _may_be_new(word: str, typed: str, knowers: list[Callable[[str], bool]]) -> bool:
    """Whether `word`, which no source knows, may be a word all the same (`_demote_unknown`):
    not a piece after a letter typed (`_piece_after_a_letter`), nor a word ending in a
    hyphen (WH-), nor a common misspelling (definately, recieved: the model learned them from the
    web; the correction is offered for it), nor a known word typed whole with a few letters more (Sara:
    Saras, Henderson: Hendersony: the model's end of a word, estimated, not decoded)."""
    if has_inner_capital(typed) or _pieced_together(word, typed):
        return False
    if _piece_after_a_letter(word, typed) or word.endswith("-"):
        return False
    if listed_correction(word) is not None:
        return False
    if _barely_past(word, typed) and any(knows(typed) for knows in knowers):
        return False
    return not _contraction_start(word, knowers)


def _piece_after_a_letter(word: str, typed: str) -> bool:
    """`word` is a capital and a small letter after the one capital typed (`C`: Ch, `U`: Un,
    `D`: De: the model's pieces, no source's words; 5G, UI and np are not such)."""
    if len(typed) != 1 or len(word) != MAX_FRAGMENT or not word.isalpha():
        return False
    return word[0].isupper() and word[1].islower()


def _barely_past(word: str, typed: str) -> bool:
    """`word` goes on from the letters `typed` by `BARELY_PAST` letters at most, the letters
    three or more and in small letters after the first (not `3`: 3pm, `Jo`: Jo's, `GPU`: GPUs),
    and not by a possessive's ending (Fauci's)."""
    rest = word[len(typed) :]
    if not (word.startswith(typed) and 0 < len(rest) <= BARELY_PAST):
        return False
    letters = len(typed) >= MIN_BARELY_PAST_TYPED and typed.isalpha() and typed[1:].islower()
    return letters and rest not in ("'s", "’s")


def _contraction_start(word: str, knowers: list[Callable[[str], bool]]) -> bool:
    """A word no source knows that a known contraction starts with (couldn, doesn: the model's
    " couldn" before "'t")."""
    return any(knows(word + "'t") for knows in knowers)


def _pieced_together(word: str, typed: str) -> bool:
    """A word no source knows that only a join of pieces makes: a second apostrophe (couldn't't,
    We'll'll), one going on from an apostrophe typed (kids': kids're, years't; a plural's
    possessive is whole) or a capital after a small letter past the letters typed (That'sHow,
    ifIs)."""
    if sum(word.count(mark) for mark in "'’") >= 2 or typed.endswith(("'", "’")):
        return True
    start = max(len(typed), 1)
    return any(word[i].isupper() and word[i - 1].islower() for i in range(start, len(word)))


def _without_weak(scores: Scores, unknown: set[str]) -> Scores:
    """`scores` without the words no source knows that score under `UNKNOWN_FLOOR` times the
    best word: an empty slot in the strip is better than a non-word (pageer, 30pmam)."""
    floor = UNKNOWN_FLOOR * max(scores.values(), default=0.0)
    return {w: s for w, s in scores.items() if w not in unknown or s >= floor}


def _fill_from_dictionary(
    scores: Scores, network: Proposal, known: Mapping[str, float], dictionary: Proposal
) -> None:
    """The dictionary's completions share what the network's words leave of its prefix mass."""
    left = min(
        max(network.mass - sum(network.words.values()), 0.0),
        BELOW * min(known.values(), default=1.0),
    )
    for word, share in dictionary.words.items():
        scores.setdefault(word, left * share)


def _add_corrections(scores: Scores, corrections: Mapping[str, float]) -> None:
    for word, score in corrections.items():
        scores[word] = max(scores.get(word, 0.0), CORRECTION_WEIGHT * score)


def _keeps_typed(typed: TypedWord, knowers: list[Callable[[str], bool]]) -> bool:
    """Whether the word typed is meant as typed, above any correction of it: a word some source
    knows (shipped, stored: a slip that makes a real word is far rarer than the word), one
    written so on purpose (iOS, EUR; with a letter beyond the QWERTY keys, as autocorrect reads
    it), or a chat, programming, food, gaming, service or unit word that autocorrect knows
    (`corrector.vocabulary`: omg was offered as ombudsman, omega, ombre)."""
    word = typed.typed
    return (
        any(knows(word) for knows in knowers)
        or has_inner_capital(word)
        or typed_as_acronym(word, typed.boundary)
        or in_vocabularies(word)
        or not word.isascii()  # é, ü, ó: keys no slip gives (Kraków was offered as Kraken)
    )


def _add_corrections_below(scores: Scores, corrections: Mapping[str, float], typed: str) -> None:
    """The corrections of a word meant as typed (`_keeps_typed`), each under `TYPED_WORD_SHARE`
    of the typed word's score, so that `rank` puts them after it: "We shipped" offers shipped
    before whipped, and Tab never puts a correction in for it. (The typed word is given the best
    correction's score when no source scored it.) A correction that completes the typed letters
    (the: they) is a completion, added as the others are; one in another case alone is not
    (JavaScript typed, the dictionary's javascript: Tab put that in), and of a word typed with
    a capital inside, it is none (Javascript). The word in the other of British and American
    spelling is none (colours: colors, theater: theatre)."""
    typed_key = typed.lower()
    # Both right: a text in one spelling is not offered the other's after each such word.
    corrections = {w: c for w, c in corrections.items() if not other_spelling(typed, w)}
    recased = {w for w in corrections if w.lower() == typed_key}
    completing = {
        w: s for w, s in corrections.items() if w.lower().startswith(typed_key) and w not in recased
    }
    _add_corrections(scores, completing)
    dropped = recased if has_inner_capital(typed) else set()
    others = {
        w: CORRECTION_WEIGHT * s
        for w, s in corrections.items()
        if w not in completing and w not in dropped
    }
    if not others:
        return
    typed_score = scores.get(typed) or max(others.values())
    scores[typed] = typed_score
    ceiling = BELOW * TYPED_WORD_SHARE * typed_score
    for word, score in others.items():
        scores[word] = min(max(scores.get(word, 0.0), score), ceiling)


def _out_of_headings(
    cached: Mapping[str, float], typed: str, proposals: Mapping[str, Proposal]
) -> Mapping[str, float]:
    """The document's words for letters not typed in capitals, a word of four letters or more it
    wrote in capitals (a heading's: `MEETING NOTES`, `STAFF`) in the typed case when the
    dictionary spells it in small letters (`the m`: meeting; `S`: Staff); one of three letters or
    fewer, which may be an acronym that is a word too (WHO, IT), or an acronym the dictionary
    spells so (UK, NASA) only where the letters typed start it as written."""
    dictionary = proposals.get("dictionary")
    if in_capitals(typed) or dictionary is None or dictionary.spells is None:
        return {word: f for word, f in cached.items() if word.startswith(typed)}
    found: dict[str, float] = {}
    for word, frequency in cached.items():
        if (
            len(word) > ACRONYM_LETTERS
            and word.isupper()
            and (dictionary.spells(word) or "").islower()
        ):
            word = typed + word[len(typed) :].lower()
        if word.startswith(typed):
            found[word] = found.get(word, 0.0) + frequency
    return found


def _mix_cache(scores: Scores, cached: Mapping[str, float], weight: float) -> Scores:
    """The mixture (1 - w) * score + w * frequency, divided by (1 - w): the ranking is the
    mixture's, and the words the cache does not add keep their probabilities."""
    mixed = dict(scores)
    for word, frequency in cached.items():
        mixed[word] = mixed.get(word, 0.0) + weight / (1 - weight) * frequency
    return mixed


def _mix_linear(first: Mapping[str, float], second: Mapping[str, float], weight: float) -> Scores:
    """The linear mixture (1 - weight) * first + weight * second over both sides' words."""
    return {
        word: (1 - weight) * first.get(word, 0.0) + weight * second.get(word, 0.0)
        for word in {**first, **second}
    }
