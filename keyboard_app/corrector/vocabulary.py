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
    vpn zsh
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
_VOCABULARIES = (CHAT_WORDS, TECHNICAL_WORDS, SERVICE_NAMES, UNITS)


def in_vocabularies(word: str) -> bool:
    """Whether `word` (any case) is a chat or programming word, a service's name or a unit."""
    lower = word.lower()
    return any(lower in words for words in _VOCABULARIES)


# British -ise spellings of the dictionary's -ize words (serialise, initialisation).
_BRITISH_ENDING = re.compile(r"(?<=[a-z])is(e|es|ed|ing|ation|ations|er|ers)$")


def american(word: str) -> str:
    """`word` (lower case) with a British -ise ending as -ize (serialise: serialize)."""
    return _BRITISH_ENDING.sub(r"iz\1", word)
