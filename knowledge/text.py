"""Text folding, the one module for it: users type fast, without accents, in Québec French.

Every variant drops accents (``strip_accents``: NFKD, combining marks removed: "é" → "e",
"ﬁ" → "fi") and lower-cases. They differ only in what else they do, each for the reason in its docstring:

* ``fold``: "œ" → "oe"; punctuation → space, "$" and "%" kept; spaces collapsed.
* ``fold_keep_punctuation``: nothing else ("’" → "'"); punctuation and spacing kept as typed.
* ``fold_for_contact``: "œ" kept; non-word characters → space except @ . + -; spaces collapsed.
* ``fold_words``: "œ" kept; every non-word character ("$", "%" too) → space; spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCT = re.compile(r"[^\w$%]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_NOT_CONTACT = re.compile(r"[^\w@.+-]+")
_NOT_WORD = re.compile(r"[^\w]+")


def strip_accents(text: str) -> str:
    """NFKD, combining marks dropped; case and everything else kept ("œ" is a letter, not an
    accent: kept). The first step of every fold below."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """For matching what users type against the knowledge base's words: lower-case, strip
    accents, "œ" → "oe", apostrophes/punctuation → spaces ("$" and "%" kept, for figures),
    spaces collapsed. Anything falsy folds to ""."""
    if not text:
        return ""
    text = strip_accents(str(text)).lower().replace("’", "'").replace("œ", "oe")
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def fold_keep_punctuation(text: str) -> str:
    """Accents and case only ("’" → "'"); punctuation and spacing kept as typed: for reading
    transcripts, where speaker labels, e-mail headers and the bot's own questions ("adresse
    courriel", "acceptez-vous que nous conservions…") are looked up as typed, punctuation included."""
    return strip_accents(text or "").lower().replace("’", "'")


def fold_for_contact(text: str) -> str:
    """`fold` for a contact-form answer: the characters of e-mail addresses and phone numbers
    (@ . + -) stay, so "jean@coop.ca" or "+1 418-555-0199" stay whole; every other
    non-word character ("$", "%", apostrophes) becomes a space; "œ" kept."""
    return " ".join(_NOT_CONTACT.sub(" ", strip_accents(text or "").lower()).split())


def fold_words(text: str) -> str:
    """Word characters only (every non-word character, "$" and "%" too, is a space), "œ" kept:
    the key the NLU bench uses to tell training sentences from test sentences, and to deal
    examples into cross-validation folds (changing it would move examples between folds)."""
    return " ".join(_NOT_WORD.sub(" ", strip_accents(text.lower())).split())


def contains_phrase(haystack_folded: str, phrase: str) -> bool:
    """Whole-word phrase match on folded text ("coop" does not match inside "cooperation")."""
    needle = fold(phrase)
    if not needle:
        return False
    return phrase_pattern(needle).search(haystack_folded) is not None


@lru_cache(maxsize=4096)
def phrase_pattern(folded_phrase: str) -> "re.Pattern[str]":
    """Whole-word match of an already folded phrase inside folded text (compiled once). A phrase of
    four letters or more that opens on a vowel or an h also matches with its elided article glued on,
    as phones type it: "dhabitation", "lassociation", "quhabitation" ("d'habitation")."""
    glued = "(?:[dlj]|qu)?" if len(folded_phrase) >= 4 and folded_phrase[0] in "aeiouyh" else ""
    return re.compile(rf"(?<!\w){glued}{re.escape(folded_phrase)}(?!\w)")


# "On est une petite coop de 4 personnes. On commence par quoi ?": what the visitor says about
# themselves, then the question. The sentences end on . ! ; or a new line; the question is the last.
_SENTENCE_END = re.compile(r"(?<=[.!;])\s+|\s*\n+\s*")
_QUESTION_WORDS = re.compile(
    r"^(?:et |pis |mais |alors |donc )?(?:combien|quoi|quel|quelle|quels|quelles|comment|pourquoi|qui|quand|ou|"
    r"par ou|par quoi|est ce|c est quoi|on commence|peut on|pouvez|pourriez|pourrait|avez vous|ya tu|y a t il)\b"
)


# "les petites orgs comme nous utilisent quoi surtout": a question word inside the sentence
_ASKS_WITHIN = re.compile(r"\b(?:quoi|quel|quelle|quels|quelles|combien|comment|pourquoi)\b")


def _asks(sentence: str) -> bool:
    """A sentence that asks something itself ("2 questions : est-ce qu'une fédération peut déposer")."""
    folded = fold(sentence)
    return (
        "?" in sentence or bool(_QUESTION_WORDS.search(folded)) or bool(re.search(r"\b(?:est ce|questions?)\b", folded))
    )


def trailing_question(text: str) -> str:
    """The question a message ends on when statements come before it ("On est une coop de 12 en
    Estrie. On commence par quoi ?" → "On commence par quoi ?"; "on connaît rien au numérique, par
    où on commence" → "par où on commence": after a comma, only a clause that opens on a question
    word); "" when the message is one question, when an earlier sentence asks something too, or
    when the last one asks nothing."""
    sentences = [s.strip() for s in _SENTENCE_END.split((text or "").strip()) if s.strip()]
    if len(sentences) == 1 and "," in sentences[0]:
        head, _, clause = sentences[0].rpartition(",")
        if len(fold(clause).split()) >= 3 and _QUESTION_WORDS.search(fold(clause)) and not _asks(head):
            return clause.strip()
    if len(sentences) < 2 or any(_asks(s) for s in sentences[:-1]):
        return ""
    last = sentences[-1]
    folded = fold(last)
    asks = _QUESTION_WORDS.search(folded) or last.rstrip().endswith("?") or _ASKS_WITHIN.search(folded)
    if len(folded.split()) < 2 or not asks:
        return ""
    return last


_SENTENCE_OR_QUESTION_END = re.compile(r"(?<=[.!;?])\s+|\s*\n+\s*")


def embedded_question(text: str) -> str:
    """The one question a message asks between statements ("non — d'ailleurs, recevoir une subvention
    d'Emploi-Québec, ça pose problème ? bref, non, on décide nous-mêmes" → the middle sentence); ""
    when no sentence but the last, or more than one, ends on a question mark."""
    sentences = [s.strip() for s in _SENTENCE_OR_QUESTION_END.split((text or "").strip()) if s.strip()]
    asked = [s for s in sentences[:-1] if s.endswith("?")]
    if len(asked) != 1 or sentences[-1].endswith("?"):
        return ""
    return asked[0]


# A greeting and what comes with it: "bonjour", "allo", "salut", "bonsoir", "hello" and the like.
GREETING = re.compile(r"^\s*(bon(jour|soir)|allo|all[oô]|salut|hello|hi|hey|coucou|slt|bjr)\b[\s,!.:-]*", re.I)


def after_greeting(text: str) -> str:
    """The message without the greeting it opens with ("Bonjour! par où on commence" → "par où
    on commence"); the message itself when it opens with none."""
    return GREETING.sub("", text or "", count=1).strip()
