"""Words the autocorrect rules know besides the dictionary.

The shipped dictionary is wordfreq's list and the training text's words: it lacks much of chat
and programming English, whose words are one or two slips from common words (thx: the, np: no,
stdout: stout, mutex: muted). A space must never "correct" them; the strip may still offer a
correction below the word as typed. These lists are for that only: they add no suggestion.
"""

from __future__ import annotations

import re

# Chat abbreviations and spellings (the dictionary has some, lol and btw; these it lacks or holds
# too rarely; some a list of common misspellings holds, welp: whelp, wth: with, ded: dead).
CHAT_WORDS = frozenset(
    """
    afaik afk asap atm bc brb btw cya ded dm eazy eod eow fwiw fyi gg gtg haa halp hax hbu hmu
    idc idk iirc ikr ily imho imo irl jk kpis lgtm lmao lmk lol msg msgs nbd ngl nvm np omg ooo
    pls plz ppl pto rofl smh tbd tbh thnx thx tho tldr ttyl tx txt ty ur wbu welp wew wfh wip wth
    wya wyd yur hbd idts ig rn tmrw ofc ayy gn sry
    """.split()  # noqa: SIM905 (a list of words reads better as text)
)
# Programming words of everyday technical writing that the dictionary lacks and that are a slip
# or two from a common word (the reviews' lists of developer words, docs/engine.md).
TECHNICAL_WORDS = frozenset(
    """
    args argv async backend backends bool booleans chmod chown cmake codeowners conftest crontab
    csv cuda dbt docstring docstrings dockerfile dotfiles enum enums esbuild eslint frontend
    frontends grafana hashmap hashmaps init json jsonl jsx kubectl kwargs linter linters localhost
    monorepo mutex mutexes namespace npm npx pnpm printf pytest rebase rebased redis refactor
    refactored refactoring regex serialise serialize serialized stderr stdin stdout struct structs
    todo todos toml tsx unmarshal unmarshalled utf uvicorn vitest webpack yaml csrf jwt oauth ssd
    vpn zsh pipx vite
    """.split()  # noqa: SIM905
)
# Dishes, drinks and ingredients of menus, recipes and reviews that the dictionary lacks and that
# are a slip from a common word (matcha: match, elote: elite, crema: cream, masa: mass).
FOOD_WORDS = frozenset(
    """
    adobo affogato arancini arepa arepas ayran banchan banh bao barbacoa bibimbap birria blini boba
    borek bulgogi burrata cacio cassoulet chaat chilaquiles cortado crema crostini daal dal dango
    dashi dhal doenjang dolma dosa elote elotes esquites farro freekeh furikake galbi galette
    genmaicha gochugaru gochujang guanciale halva hojicha idli ikura injera jalebi japchae jollof
    karaage kimbap kofta labneh lahmacun larb lumpia lungo makgeolli mapo masa matcha merguez
    moussaka nasi nduja nopales okonomiyaki onigiri pakora pancit pandan panettone patatas pelmeni
    pide pierogies pintxos poha ponzu pozole pupusa pupusas rendang ristretto sencha shakshuka
    sinigang sope sopes spaetzle spanakopita suya tagine taiyaki takoyaki tobiko togarashi tonkatsu
    tostada tteok tteokbokki ube udon unagi vada yakitori
    """.split()  # noqa: SIM905
)
# Players' words of game chat (laners: lanes, ganked: ranked, noob: nob).
GAMING_WORDS = frozenset(
    """
    gank ganked ganking ganks jungler junglers kited laner laners lootbox nerfs noob oneshot
    oneshotted respawned respawns speedrunner speedruns
    """.split()  # noqa: SIM905
)
# Units written after a number that the dictionary lacks and that are a slip from a common word
# (5 qt: at, 900 sqft: soft).
UNITS = frozenset(
    """
    qt qts sqft sqm tbsp tbs tsp
    """.split()  # noqa: SIM905
)
# Services and products written in small letters in e-mails and chat that the dictionary lacks
# and that are a slip from a common word (gmail: email, lyft: left, vimeo: video).
SERVICE_NAMES = frozenset(
    """
    etsy gcal gdocs gdrive gmail hotmail icloud imessage lyft vimeo ymail
    """.split()  # noqa: SIM905
)
_VOCABULARIES = (CHAT_WORDS, TECHNICAL_WORDS, SERVICE_NAMES, UNITS, FOOD_WORDS, GAMING_WORDS)


def in_vocabularies(word: str) -> bool:
    """Whether `word` (any case) is a chat, programming, food or gaming word, a service's name or
    a unit."""
    lower = word.lower()
    return any(lower in words for words in _VOCABULARIES)


# British spellings and their American ones, by their endings: -ise, -yse, -our, -tre and -bre,
# -ogue, -ence and a final l doubled before an ending (serialise, analyse, colour, centre, fibre,
# catalogue, defence, travelled). A word must be long enough before the ending for it to be one of
# these (four: for, tour; acre; rogue), and a double l only after an unstressed e (filled is no
# filed).
_IZE = (
    (re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),  # (prise: prize)
    (re.compile(r"(?<=[a-z])ys(e|es|ed|ing)$"), r"yz\1"),
)
_BRITISH = (
    *_IZE,
    (re.compile(r"(?<=[a-z]{3})our(s|ed|ing|ite|ites|ful|able|er|ers)?$"), r"or\1"),
    (re.compile(r"(?<=[a-z]{2})([tb])re(s)?$"), r"\1er\2"),
    (re.compile(r"(?<=[a-z]{2})([tb])red$"), r"\1ered"),
    (re.compile(r"(?<=[a-z]{3})ogue(s)?$"), r"og\1"),
    (re.compile(r"(?<=[a-z]{3})ence(s)?$"), r"ense\1"),
    (re.compile(r"([aeiou][b-df-hj-np-tv-z]{1,3}e)ll(ed|ing|er|ers)$"), r"\1l\2"),
)


# Words spelled apart in the middle (and their plurals).
_BRITISH_WORDS = {
    "aluminium": "aluminum",
    "yoghurt": "yogurt",
    "sceptic": "skeptic",
    "sceptical": "skeptical",
    "grey": "gray",
    "plough": "plow",
    "mould": "mold",
    "moustache": "mustache",
    "pyjamas": "pajamas",
    "programme": "program",
    "jewellery": "jewelry",
    "manoeuvre": "maneuver",
    "paediatric": "pediatric",
    "anaesthetic": "anesthetic",
    "cosy": "cozy",
    "kerb": "curb",
}


def american(word: str) -> str:
    """`word` (lower case) spelled the American way where its ending is British (serialise:
    serialize, colour: color, travelled: traveled, litre: liter), or the whole word (aluminium,
    yoghurt, sceptical)."""
    plural = word.endswith("s") and word[:-1] in _BRITISH_WORDS
    if word in _BRITISH_WORDS or plural:
        return _BRITISH_WORDS[word[:-1]] + "s" if plural else _BRITISH_WORDS[word]
    for british, spelled in _BRITISH:
        word = british.sub(spelled, word)
    return word


def ize_spelling(word: str) -> str:
    """`word` (lower case) with a British -ise or -yse ending as -ize or -yze (serialise:
    serialize). The other British endings are also a common slip's (bettre: better, nonsence:
    nonsense): a word is not known for being one of them respelled."""
    for british, spelled in _IZE:
        word = british.sub(spelled, word)
    return word


def other_spelling(word: str, other: str) -> bool:
    """Whether `other` is `word` in the other of British and American spelling (colours and
    colors, theater and theatre): both right, neither a correction of the other."""
    first, second = word.lower(), other.lower()
    return first != second and american(first) == american(second)
