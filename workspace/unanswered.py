"""What the bot could not answer, read from the tracker store's events (no change to the bot).

A visitor's message counts as unanswered when, before the next message, the bot
* fell back: Rasa's fallback actions (two-stage fallback, « Vouliez-vous dire… », ask to
  rephrase, utter_default) — « incompris » ;
* said it cannot help (utter_out_of_scope) — « hors sujet » ;
* said the sources are silent (actions/answers.py: « Nos sources ne le précisent pas… »,
  knowledge/sources/unknowns.yml) — « sources muettes » ;
or when the NLU read it with low confidence (nlu_fallback, or top intent below 0.5) and the
bot answered anyway — « faible confiance ».
The text is redacted as the logs are (common.logging_privacy.redact: e-mails, phone numbers,
contact slot values masked). The likely topic is the best intent of the message's NLU ranking
that is not a fallback; the report groups by topic with counts and examples.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa

from common.logging_privacy import redact
from knowledge.text import fold
from leads.store import EVENTS_TABLE

FALLBACK_ACTIONS = {
    "action_two_stage_fallback",
    "action_default_fallback",
    "action_default_ask_affirmation",
    "action_default_ask_rephrase",
    "utter_default",
    "utter_ask_rephrase",
}
OUT_OF_SCOPE = {"utter_out_of_scope"}
SILENT_MARKERS = ("nos sources ne", "les sources ne")
# The domain's own wording (domain/core.yml), for bot messages that carry no template name.
OUT_OF_SCOPE_MARKERS = ("je ne peux pas vous aider avec ca",)
FALLBACK_MARKERS = ("je n'ai pas compris", "pouvez-vous reformuler")
_MARKERS = [
    (kind, tuple(fold(m) for m in markers))
    for kind, markers in (
        ("silent", SILENT_MARKERS),
        ("out_of_scope", OUT_OF_SCOPE_MARKERS),
        ("fallback", FALLBACK_MARKERS),
    )
]
NOT_TOPICS = {"nlu_fallback", "out_of_scope", "affirm", "deny", "inform", "greet", "goodbye", "thank", "stop"}
LOW_CONFIDENCE = 0.5
KIND_LABEL = {
    "fallback": "incompris",
    "out_of_scope": "hors sujet",
    "silent": "sources muettes",
    "low_confidence": "faible confiance",
}
TOPIC_LABEL = {
    "ask_programme": "le programme",
    "ask_funder": "le financement du programme",
    "ask_partners": "les partenaires",
    "ask_volets": "les volets",
    "ask_not_covered": "ce qui n'est pas couvert",
    "ask_how_to_start": "comment commencer",
    "ask_contact": "les coordonnées",
    "request_human": "parler à quelqu'un",
    "ask_uptake": "la participation",
    "ask_eligibility": "l'admissibilité",
    "start_screening": "la pré-vérification",
    "ask_deadlines": "les dates",
    "ask_amounts": "les montants",
    "ask_envelope": "l'enveloppe",
    "ask_cases": "les études de cas",
    "ask_statistic": "les statistiques",
    "ask_definition": "les définitions",
    "ask_advice": "les conseils",
    "bot_challenge": "l'assistant lui-même",
    "ask_capabilities": "ce que l'assistant sait faire",
    "restart_conversation": "recommencer",
    "skip_question": "passer une question",
}
UNKNOWN_TOPIC = "sujet indéterminé"


@dataclass
class Item:
    sender_id: str
    text: str  # redacted
    kind: str
    topic: str
    timestamp: Optional[float] = None


@dataclass
class Group:
    topic: str
    count: int = 0
    kinds: Counter = field(default_factory=Counter)
    examples: List[str] = field(default_factory=list)


def _topic(parse: Dict[str, Any]) -> str:
    ranking = parse.get("intent_ranking") or ([parse["intent"]] if parse.get("intent") else [])
    for entry in ranking:
        name = (entry or {}).get("name")
        if name and name not in NOT_TOPICS:
            return TOPIC_LABEL.get(name, name)
    return UNKNOWN_TOPIC


def items_from_events(sender_id: str, events: Iterable[Dict[str, Any]]) -> List[Item]:
    out: List[Item] = []
    current: Optional[Dict[str, Any]] = None
    kinds: List[str] = []

    def close():
        if current is None:
            return
        parse = current.get("parse_data") or {}
        intent = parse.get("intent") or {}
        kind = next((k for k in ("fallback", "out_of_scope", "silent") if k in kinds), None)
        text = (current.get("text") or "").strip()
        if kind is None and not text.startswith("/"):
            if intent.get("name") == "nlu_fallback" or (
                intent.get("name") and float(intent.get("confidence") or 0) < LOW_CONFIDENCE
            ):
                kind = "low_confidence"
        if kind and text and not text.startswith("/"):
            out.append(
                Item(sender_id, redact(text, mask_user_text=False), kind, _topic(parse), current.get("timestamp"))
            )

    for ev in events:
        etype = ev.get("event")
        if etype == "user":
            close()
            current, kinds = ev, []
        elif current is None:
            continue
        elif etype == "action":
            name = ev.get("name")
            if name in FALLBACK_ACTIONS:
                kinds.append("fallback")
            elif name in OUT_OF_SCOPE:
                kinds.append("out_of_scope")
        elif etype == "bot":
            template = ((ev.get("metadata") or {}).get("utter_action")) or ""
            if template in FALLBACK_ACTIONS:
                kinds.append("fallback")
            elif template in OUT_OF_SCOPE:
                kinds.append("out_of_scope")
            folded = fold(ev.get("text") or "")
            kinds += [kind for kind, markers in _MARKERS if any(m in folded for m in markers)]
    close()
    return out


def collect(session) -> List[Item]:
    conn = session.connection()
    if not sa.inspect(conn).has_table("events"):
        return []
    rows = session.execute(
        sa.select(EVENTS_TABLE.c.sender_id, EVENTS_TABLE.c.data).order_by(EVENTS_TABLE.c.sender_id, EVENTS_TABLE.c.id)
    ).all()
    by_sender: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for sender, data in rows:
        try:
            by_sender[sender].append(json.loads(data))
        except ValueError:
            continue
    items: List[Item] = []
    for sender, events in by_sender.items():
        items += items_from_events(sender, events)
    return items


def group(items: Iterable[Item], examples: int = 5) -> List[Group]:
    groups: Dict[str, Group] = {}
    for item in items:
        g = groups.setdefault(item.topic, Group(item.topic))
        g.count += 1
        g.kinds[item.kind] += 1
        if len(g.examples) < examples and item.text not in g.examples:
            g.examples.append(item.text)
    return sorted(groups.values(), key=lambda g: (-g.count, g.topic))


def report(session) -> Dict[str, Any]:
    items = collect(session)
    return {"total": len(items), "groups": group(items), "kinds": Counter(i.kind for i in items)}
