"""Text normalisation shared by every matcher: users type fast, without accents, in Québec French."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCT = re.compile(r"[^\w$%]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents, turn apostrophes/punctuation into spaces, collapse spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("’", "'").replace("œ", "oe")
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def contains_phrase(haystack_folded: str, phrase: str) -> bool:
    """Whole-word phrase match on folded text ("coop" does not match inside "cooperation")."""
    needle = fold(phrase)
    if not needle:
        return False
    return phrase_pattern(needle).search(haystack_folded) is not None


@lru_cache(maxsize=4096)
def phrase_pattern(folded_phrase: str) -> "re.Pattern[str]":
    """Whole-word match of an already folded phrase inside folded text (compiled once)."""
    return re.compile(rf"(?<!\w){re.escape(folded_phrase)}(?!\w)")
