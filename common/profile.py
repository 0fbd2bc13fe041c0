"""From one parsed user message (intent + entities) to screening profile answers.

The NLU model finds the entities; knowledge.vocabulary maps their text to ids. Boolean questions
are answered by affirm/deny (or buttons). Used by the screening form and the one-line eligibility
answers alike, so a sentence like "on est une coop de travail à Saguenay" fills several slots.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from common.slots import CONTEXT_SLOTS
from knowledge import eligibility, vocabulary
from knowledge.text import fold

# The screening questions' fields, in the order of knowledge/sources/eligibility.yml (one slot each,
# named after the field): answered by oui/non, or by one of the question's options.
BOOLEAN_FIELDS = eligibility.screening_fields("boolean")
CHOICE_FIELDS = eligibility.screening_fields("choice")
PROFILE_SLOTS = CHOICE_FIELDS + BOOLEAN_FIELDS

_YES_NO = {
    "oui": True,
    "ouais": True,
    "ouin": True,
    "yes": True,
    "yep": True,
    "non": False,
    "nope": False,
    "no": False,
    "pantoute": False,
}
_WORD_NUMBERS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "cent": 100,
    "douzaine": 12,
    "dizaine": 10,
    "vingtaine": 20,
    "trentaine": 30,
    "centaine": 100,
}


def parse_employees(text: Any) -> Optional[int]:
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return int(text) if 0 <= text < 1_000_000 else None
    s = str(text).lower()
    m = re.search(r"\d[\d\s]*", s)
    if m:
        value = int(m.group(0).replace(" ", ""))
        return value if value < 1_000_000 else None
    for word, value in _WORD_NUMBERS.items():
        if re.search(rf"\b{word}\b", s):
            return value
    return None


def _bool_entity(value: Any) -> Optional[bool]:
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    return True if s in ("true", "oui", "yes", "1") else False if s in ("false", "non", "no", "0") else None


def extract_profile(message: Dict[str, Any], requested: Optional[str] = None, **kw) -> Dict[str, Any]:
    """Slot values found in one message. `requested`: the question being asked (for oui/non)."""
    intent = ((message or {}).get("intent") or {}).get("name")
    found: Dict[str, Any] = {}
    needs: List[str] = []
    text = (message or {}).get("text")
    for ent in (message or {}).get("entities") or []:
        name, value = ent.get("entity"), ent.get("value")
        if value in (None, ""):
            continue
        field = vocabulary.ENTITY_FIELDS.get(name)  # technology → needs: see ENTITY_FIELDS
        if field == "needs":
            v = vocabulary.normalize_in(vocabulary.ENTITY_KINDS[name], value, text, **kw)
            if v and v not in needs:
                needs.append(v)
        elif field:
            v = vocabulary.normalize_in(vocabulary.ENTITY_KINDS[name], value, text, **kw)
            if v:
                found[field] = v
        elif name == "network":
            found["is_network"] = True
        elif name == "employees":
            n = parse_employees(value)
            if n is not None:
                found["employees"] = n
        elif name in BOOLEAN_FIELDS:  # from button payloads: /inform{"is_network": true}
            b = _bool_entity(value)
            if b is not None:
                found[name] = b
    if needs:
        found["needs"] = needs
    if requested in BOOLEAN_FIELDS and requested not in found:
        if intent in ("affirm", "deny"):
            found[requested] = intent == "affirm"
        elif intent == "inform":
            # "non, on est autonomes" / "oui on vend des billets": the NLU reads a statement, but the
            # first word answers the yes/no question being asked.
            first = fold((message or {}).get("text") or "").split()[:1]
            if first and first[0] in _YES_NO:
                found[requested] = _YES_NO[first[0]]
    if requested == "org_category" and "org_category" not in found and intent == "deny":
        found["org_category"] = "none"
    return found


def profile_from_slots(slots: Dict[str, Any]) -> Dict[str, Any]:
    return {k: slots.get(k) for k in PROFILE_SLOTS + CONTEXT_SLOTS if slots.get(k) is not None}
