"""The offensive-word filter: keeps slurs and profanity out of suggestions.

The word list is better-profanity's (about 900 entries, single words and a few phrases), shipped
in `resources/lexicon/offensive-words.txt` with its licence; matching is on whole words,
case-insensitive, and on their plurals, possessives and verb forms (`inflected_from`). The list
also holds everyday words (kill, God, organ, stroke, facial, foobar): those (`EVERYDAY_WORDS`) are
not kept out, as a phone keyboard does not keep them out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from keyboard_app.paths import offensive_words_path

# The list's words whose everyday sense is innocent and which e-mails, news, technical and
# medical writing use in that sense. Chosen by reading the list's 890 words: kept out stay the
# slurs, profanity, sexual and drug slang and insults (but the mildest: stupid, dummy, jerk), and
# the words whose innocent sense is rare (prick, cum, dyke, willy, wang).
EVERYDAY_WORDS = frozenset(
    """
    cowgirl cowgirls dopey drunk dummy enlargement erect facial fat fingering flange foobar
    gay gays god guido hell hemp heroin herpes hitler hiv hoar homey hookah hump jerk jerked
    kill knob len leper lesbians loin loins lust maxi menses menstruate menstruation murder
    naked napalm nappy nazi nazism niggle opiate opium oral orally organ ovary ovum ovums
    paddy pastie pasty pawn penetrate penetration perversion peyote pollock pot potty prig
    prostitute prude punky queer racy rectal rectum rectus reich revue rum rump sadism
    sadist sandbar scantily screw screwed screwing seaman seamen seduce sex sexual slave
    slope snatch sniper snuff souse soused sperm steamy stoned strip stroke stupid suck
    sucked sucking tampon tawdry teat thrust thug tinkle tramp transsexual trashy ugly
    undies unwed urinal urine uterus uzi valium virgin vixen vodka vomit vulgar wad weed
    whiz willies womb woody yury
    """.split()  # noqa: SIM905 (136 words read better as text)
)


@lru_cache(maxsize=1)
def listed_words() -> frozenset[str]:
    """The list's lower-cased single words (phrases are never one suggestion), everyday ones too."""
    text = offensive_words_path().read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and " " not in line
    )


@lru_cache(maxsize=1)
def offensive_words() -> frozenset[str]:
    """The lower-cased words kept out: the list's single words but the everyday ones."""
    return listed_words() - EVERYDAY_WORDS


# The strongest of the list's words: a word made from one of them is as offensive (fuckery,
# shitload, bitched, nigga's), which the list's whole-word match misses. These only: most of the
# list's words start innocent words (spic: spicy, kill: killed, muff: muffin, cock: cocktail), and
# their possessives are innocent too (God's, Hell's Kitchen).
_OFFENSIVE_STARTS = (
    "fuck", "shit", "bitch", "cunt", "nigger", "nigga", "faggot", "whore", "slut", "wank", "twat",
    "asshole", "motherfuck",
)  # fmt: skip
_OFFENSIVE_INSIDE = ("fuck",)  # motherfucker (not "shit": Yamashita; nor "cunt": Scunthorpe)


# Forms of listed words whose everyday sense is innocent (pricked a finger, a cocked hat, damning
# evidence, Philip K. Dick's novels) or that are no form of them (spaced is no "spac" and -ed):
# read off the 114 words of the shipped dictionary that the inflection rule (`inflected_from`)
# would keep out; the other 96 are as offensive as the listed word (bastards, Negroes, retarded).
INNOCENT_FORMS = frozenset(
    """
    assessed assessing cocked cocking cummings damning dick's muffed pricked pricking spaced
    spacing spiced spicing spiked spiking tested testing
    """.split()  # noqa: SIM905
)
_NOT_KEPT_OUT = INNOCENT_FORMS | EVERYDAY_WORDS
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_SIBILANTS = ("s", "x", "z", "ch", "sh")


def is_offensive(word: str) -> bool:
    """On the list (what the training data and the built-in word lists leave out)."""
    return word.strip().lower() in offensive_words()


def offends(word: str) -> bool:
    """What the filter keeps out of suggestions: a word on the list (also joined at its hyphens,
    dick-head), its plural, possessive or verb form (`inflected_from`: bastards, Negroes,
    dickhead's, retarded), or a word made from one of the strongest (`_OFFENSIVE_STARTS`,
    `_OFFENSIVE_INSIDE`)."""
    key = word.strip().lower()
    return (
        is_offensive(key)
        or is_offensive(key.replace("-", ""))  # dick-head
        or key.startswith(_OFFENSIVE_STARTS)
        or any(stem in key for stem in _OFFENSIVE_INSIDE)
        or (key not in _NOT_KEPT_OUT and any(map(is_offensive, inflected_from(key))))
    )


def inflected_from(word: str) -> set[str]:
    """The words that `word` (lower case) may be the possessive, plural or verb form of, by
    English spelling: -'s and -s' (possessives), -s (not after s, x, z, ch or sh: assess is no
    plural of asses), -es (only after those or o: Negroes, not spaces), -ies and -ied (y), -ed and
    -ing (the stem as it is, with its final e back, or with its last consonant single again:
    crapped)."""
    stems: set[str] = set()
    bare = _POSSESSIVE.sub("", word)
    if bare != word:
        stems.add(bare)
    if bare.endswith("ies") or bare.endswith("ied"):
        stems.add(bare[:-3] + "y")
    if bare.endswith("es") and bare[:-2].endswith((*_SIBILANTS, "o")):
        stems.add(bare[:-2])
    if bare.endswith("s") and not bare[:-1].endswith(_SIBILANTS):
        stems.add(bare[:-1])
    for ending in ("ed", "ing"):
        if bare.endswith(ending):
            stems.update(_verb_stems(bare[: -len(ending)]))
    return {stem for stem in stems if len(stem) >= 3} - {word}


def _verb_stems(stem: str) -> set[str]:
    """What a verb form's letters before -ed or -ing may stand for: themselves (farted), with a
    final e back (fondled), or with a doubled last consonant single again (crapped)."""
    undoubled = {stem[:-1]} if stem[-1:] == stem[-2:-1] else set()
    return {stem, stem + "e"} | undoubled


def contains_listed_word(text: str) -> bool:
    """True when any word of `text` (letters, digits, apostrophes) is on the list, everyday words
    too: the training text's filter, kept as the built-in model was trained (its held-out split
    is what it never saw)."""
    words = listed_words()
    token = []
    for char in text.lower() + " ":
        if char.isalnum() or char in "'’":
            token.append(char)
        elif token:
            if "".join(token).strip("'’") in words:
                return True
            token = []
    return False
