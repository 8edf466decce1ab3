"""The offensive-word filter: keeps slurs and profanity out of suggestions.

The word list is better-profanity's (about 900 entries, single words and a few phrases), shipped
in `resources/lexicon/offensive-words.txt` with its licence; matching is on whole words,
case-insensitive. The list also holds everyday words (kill, God, organ, stroke, facial, foobar):
those (`EVERYDAY_WORDS`) are not kept out, as a phone keyboard does not keep them out.
"""

from __future__ import annotations

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


def is_offensive(word: str) -> bool:
    """On the list (what the training data and the built-in word lists leave out)."""
    return word.strip().lower() in offensive_words()


def offends(word: str) -> bool:
    """What the filter keeps out of suggestions: a word on the list, or a word made from one of
    the strongest (`_OFFENSIVE_STARTS`, `_OFFENSIVE_INSIDE`)."""
    key = word.strip().lower()
    return (
        is_offensive(key)
        or key.startswith(_OFFENSIVE_STARTS)
        or any(stem in key for stem in _OFFENSIVE_INSIDE)
    )


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
