"""The only place the pre-screening touches the knowledge base and the bot's own NLU reading.

* ``extract_profile(parse, requested)`` — common.profile: what one parsed user message says
  about the organisation (entities → vocabulary ids; oui/non to the question asked), the
  same reading the screening form uses in the conversation;
* ``evaluate(profile)`` — knowledge.eligibility: verdict per volet with criteria, reasons,
  sources and the next question (an ``Evaluation``; statuses are ``Verdict`` / ``CriterionStatus``);
* ``next_deadline(volet)``, ``today()``, ``volet(n)``, ``questions()``, labels, size bands;
* ``adviser_referral()`` — the adviser the bot refers users to, named from the partner records.

If the knowledge API changes, this is the one file to adapt.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Dict, List, Optional

from common import formatting as _formatting
from common import profile as _parsing
from common.slots import CONTEXT_SLOTS
from knowledge import clock as _clock
from knowledge import deadlines as _deadlines
from knowledge import eligibility as _eligibility
from knowledge import lookup as _lookup
from knowledge import store as _store
from knowledge import vocabulary as _vocabulary
from knowledge.text import fold

BOOLEAN_FIELDS = tuple(_parsing.BOOLEAN_FIELDS)
CHOICE_FIELDS = tuple(_parsing.CHOICE_FIELDS)
CONTEXT_FIELDS = tuple(CONTEXT_SLOTS)  # region, sector, employees, needs
PROFILE_FIELDS = CHOICE_FIELDS + BOOLEAN_FIELDS + CONTEXT_FIELDS
KnowledgeNotBuilt = _store.KnowledgeNotBuilt
Evaluation = _eligibility.Evaluation
VoletVerdict = _eligibility.VoletVerdict
Verdict = _eligibility.Verdict
CriterionStatus = _eligibility.CriterionStatus

STATUS_LABEL = _formatting.VERDICT_LABEL
FIELD_LABEL = {
    "legal_form": "Forme juridique",
    "org_category": "Catégorie exclue",
    "is_network": "Réseau",
    "sector": "Secteur",
    "region": "Région",
    "employees": "Taille",
    "needs": "Besoins",
    "market_activities": "Activités marchandes",
    "serves_members_or_community": "Répond aux besoins des membres",
    "public_control": "Contrôle public",
    "democratic_governance": "Gouvernance démocratique",
    "surplus_limited": "Surplus limités",
    "dissolution_rule": "Dévolution en cas de dissolution",
    "based_in_quebec": "Établie au Québec",
    "structuring_project": "Projet structurant",
}


def check_ready() -> None:
    """Raise KnowledgeNotBuilt (with a French message) if `make kb` was not run."""
    _store.snapshot()


def extract_profile(parse: Dict[str, Any], requested: Optional[str] = None) -> Dict[str, Any]:
    return _parsing.extract_profile(parse, requested=requested)


def term_near(entity: str, text: str, start: Optional[int], end: Optional[int]) -> Optional[str]:
    """The vocabulary term the model pointed at when its entity value is only a fragment.

    DIET sometimes tags part of a term ("vente" … "ligne", "privée"): the knowledge base's
    vocabulary then reads the few words around the tagged span (two on each side) and returns
    the longest term it finds there, as the raw text a user would have typed. The kind searched is
    the one extract_profile reads the entity into (a technology is read as a need).
    """
    kind = _vocabulary.ENTITY_KINDS.get(entity)
    if not kind or start is None or end is None:
        return None
    before = text[:start].split()[-2:]
    after = text[end:].split()[:2]
    window = " ".join(before + [text[start:end]] + after)
    hits = _vocabulary.find_all(kind, window)
    if not hits:
        return None
    return _vocabulary.label(kind, hits[0]) or hits[0]


def evaluate(profile: Dict[str, Any]) -> Evaluation:
    return _eligibility.evaluate(profile)


def question(field: str) -> Optional[Dict[str, Any]]:
    try:
        return _eligibility.question(field)
    except KeyError:
        return None


def questions() -> List[Dict[str, Any]]:
    return list(_store.snapshot()["questions"])


def today() -> dt.date:
    return _clock.today()


def next_deadline(volet: Optional[int] = None, today: Optional[dt.date] = None) -> Optional[Dict[str, Any]]:
    return _deadlines.next_deadline(today=today, volet=volet)


def volet(number: int) -> Optional[Dict[str, Any]]:
    return _lookup.volet(number)


def adviser_referral() -> Optional[str]:
    """'un conseiller régional de la CDRQ': who the bot itself refers a user to when the programme
    does not fit (the coordinator of knowledge.lookup.ADVISER_VOLET, as the records name it); None if
    the records name nobody."""
    who = _lookup.adviser()
    return _formatting.adviser_of(who) if who else None


def label(field: str, value: Any) -> str:
    """French label of a profile value, for cards."""
    if value is None:
        return "inconnu"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if field == "employees":
        band = size_band(value)
        band_label = _vocabulary.label("size_bands", band) if band else None
        return f"{value} employés" + (f" ({band_label})" if band_label else "")
    if field == "needs":
        return ", ".join(label("need", v) for v in value)
    kind = _vocabulary.FIELD_KINDS.get(field)  # "need" included
    if kind:
        return _vocabulary.label(kind, value) or str(value)
    return str(value)


def size_band(employees: Optional[int]) -> Optional[str]:
    return _vocabulary.size_band(employees)


@lru_cache(maxsize=1)
def _question_index() -> tuple:
    out = []
    for q in questions():
        out.append((q["field"], fold(q["question"]), frozenset(_stems(q["question"]))))
    return tuple(out)


_STOP = set(
    "le la les de des du un une et est vous votre vos nous notre on a au aux en ou par pour que qui "
    "il elle se sa son ses ce cette ces dans sur avec pas plus comme si oui non ne n d l s c y "
    "exemple est etes sont avez ont elle elles ils leur leurs tu toi ton ta tes moi mon ma mes "
    "quel quelle quels quelles combien comment".split()
)


def _stems(text: str) -> List[str]:
    return [w[:4] for w in fold(text).split() if w not in _STOP and len(w) > 2]


def match_question(bot_text: str) -> Optional[str]:
    """The profile field an assistant/advisor turn asks about, from the knowledge questions.

    The bot's own questions match exactly. An advisor's own wording (a turn ending with a
    question) matches the knowledge question sharing the most content words (compared on their
    first 4 letters) when at least 2 are shared and they make 60 % of the turn's content words
    or half of the knowledge question's.
    """
    folded = fold(bot_text)
    if not folded:
        return None
    index = _question_index()
    for field, fq, _ in index:
        if fq and fq in folded:
            return field
    if "?" not in bot_text:
        return None
    # only the last question of the turn counts
    last = bot_text.rstrip()
    cut = max(last.rfind(".", 0, len(last) - 1), last.rfind("!", 0, len(last) - 1), last.rfind("\n"))
    words = set(_stems(last[cut + 1 :] if cut > 0 else last))
    best, best_score = None, 0.0
    for field, _, stems in index:
        shared = len(words & stems)
        if not stems or not words or shared < 2:
            continue
        score = max(shared / len(words), shared / len(stems) + 0.1)
        if score > best_score:
            best, best_score = field, score
    return best if best_score >= 0.6 else None


def clear_caches() -> None:
    _question_index.cache_clear()
