"""Is a visitor writing in English? The bot answers in French and says so, in English, once."""

from __future__ import annotations

import re

from knowledge.text import fold

# Function words that are English and not French (nor Québec chat forms): "on", "me", "pour" are not here.
_ENGLISH = frozenset(
    "the is are what who how when where which can could does do did is there my our your "
    "we i you they with about of for from this that these those and or an it its be been "
    "have has please hello hi thanks thank any much many should would get apply eligible "
    "program programme funding grant".split()
)
_FRENCH = frozenset(
    "le la les un une des du de est sont quoi qui comment quand ou quel quelle quels quelles "
    "je tu il elle nous vous ils elles avec pour sur dans et ou mais pas ne ce cette ces mon "
    "ma mes notre nos votre vos bonjour merci oui non".split()
)

ENGLISH_NOTICE = "Note: this assistant answers in French only."


def looks_english(text: str) -> bool:
    """True when the message has at least two English function words and more English than French."""
    words = re.findall(r"[a-z]+", fold(text or ""))
    en = sum(w in _ENGLISH for w in words)
    fr = sum(w in _FRENCH for w in words)
    return en >= 2 and en > fr
