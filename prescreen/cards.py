"""From a conversation and the NLU parses of its user turns to a lead card.

Profile: every field comes from ``knowledge_glue.extract_profile`` (the bot's own reading of
an NLU parse: entities → vocabulary ids, oui/non to the question asked) and keeps the quote
that supports it. For conversations from the bot (tracker store, tracker exports) the
screening slots the bot recorded win over a re-reading (they include the user's
corrections). Eligibility, next question, next steps and deadlines come from the knowledge
base. Contact details appear only with a recorded consent; otherwise they are masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from common.contact import mask_contacts
from common.slots import LEAD_REFERENCE_SLOT
from knowledge.text import fold_keep_punctuation
from prescreen import knowledge_glue as kg
from prescreen import priority
from prescreen.readers import CONSENT_PROMPT, Conversation

MASK = "[masqué]"
QUOTE_MAX = 180
PROSE_KINDS = {"email", "call_notes", "prose"}
CONTACT_INTENTS = {"request_contact", "request_human"}
SHOWN_FIELDS = ("legal_form", "is_network", "org_category", "sector", "region", "employees", "needs")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…;])\s+(?=[\"«(\-–A-ZÀ-Ý0-9])|\n+|\s+[-–•]\s+(?=\S)")


@dataclass
class Unit:
    text: str  # what the NLU model reads (contact details masked)
    turn: int  # 1-based turn number
    requested: Optional[str] = None  # profile field the previous bot/advisor turn asked about
    question: Optional[str] = None


def split_sentences(text: str, limit: int = 300) -> List[str]:
    out: List[str] = []
    for piece in _SENTENCE_SPLIT.split(text or ""):
        piece = piece.strip(" \t-–•*>")
        while len(piece) > limit:  # very long sentence: cut at a comma or a space
            cut = piece.rfind(",", 0, limit)
            cut = cut if cut > limit // 2 else piece.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            out.append(piece[:cut].strip())
            piece = piece[cut + 1 :].strip()
        if len(piece) >= 2:
            out.append(piece)
    return out


def units_for(conv: Conversation, max_units: int = 400) -> List[Unit]:
    units: List[Unit] = []
    requested: Optional[str] = None
    question: Optional[str] = None
    for number, turn in enumerate(conv.turns, start=1):
        if turn.speaker == "bot":
            requested, question = kg.match_question(turn.text), turn.text
            continue
        if turn.contact_answer:  # a name, an e-mail…: contact details, never profile
            requested = question = None
            continue
        text = mask_contacts(turn.text)
        long_text = conv.kind in PROSE_KINDS or len(text) > 250 or "\n" in text.strip()
        pieces = split_sentences(text) if long_text else [text.strip()]
        for i, piece in enumerate(pieces):
            units.append(Unit(piece, number, requested if i == 0 else None, question if i == 0 else None))
        requested = question = None
        if len(units) >= max_units:
            break
    return units[:max_units]


def _window(text: str, start: Optional[int], end: Optional[int]) -> str:
    if start is None or end is None or len(text) <= QUOTE_MAX:
        return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"
    pad = (QUOTE_MAX - (end - start)) // 2
    lo, hi = max(0, start - pad), min(len(text), end + pad)
    return ("…" if lo > 0 else "") + text[lo:hi].strip() + ("…" if hi < len(text) else "")


def _answer_quote(unit: Unit) -> str:
    q = (unit.question or "").strip()
    q = q if len(q) <= 240 else "…" + q[-239:]
    answer = unit.text if not unit.text.startswith("/") else f"bouton {unit.text}"
    return f"« {q} » → « {_window(answer, None, None)} »"


def _unit_reading(unit: Unit, parse: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Tuple[str, str]]]:
    """Profile values in one unit, and for each field its (quote, how)."""
    intent = parse.get("intent") or {}
    found = dict(kg.extract_profile(parse, unit.requested))
    support: Dict[str, Tuple[str, str]] = {}
    for ent in parse.get("entities") or []:
        sub = kg.extract_profile({"intent": intent, "entities": [ent]}, None)
        how = f"entité « {ent.get('entity')} » lue par le modèle NLU"
        if not sub:  # a fragment ("vente", "privée"): the vocabulary reads the words around it
            term = kg.term_near(ent.get("entity"), unit.text, ent.get("start"), ent.get("end"))
            if term:
                sub = kg.extract_profile({"intent": intent, "entities": [{**ent, "value": term}]}, None)
                how += " et précisée par le vocabulaire de la base de connaissances"
                for f, v in sub.items():
                    if f == "needs":
                        found["needs"] = list(dict.fromkeys((found.get("needs") or []) + v))
                    else:
                        found.setdefault(f, v)
        for f in sub:
            support.setdefault(f, (_window(unit.text, ent.get("start"), ent.get("end")), how))
    for f in found:
        if f not in support:
            if unit.requested:
                support[f] = (_answer_quote(unit), "réponse à la question posée (intention NLU)")
            else:
                support[f] = (_window(unit.text, None, None), "lu par le modèle NLU")
    return found, support


def read_profile(
    conv: Conversation, units: Sequence[Unit], parses: Sequence[Dict[str, Any]]
) -> Tuple[Dict[str, Dict[str, Any]], bool]:
    """Evidence per field ({value, quote, turn, how}) and whether the person asked for contact.

    The first statement of a field wins (people state what they are first; a later sentence
    such as "nous ne sommes pas contrôlés par un organisme public" must not turn a coop into
    a public body), except an answer to the question about that very field, which wins.
    Differing later mentions are kept under ``other_mentions``.
    """
    evidence: Dict[str, Dict[str, Any]] = {}
    needs: Dict[str, Dict[str, Any]] = {}
    wants_contact = False
    for unit, parse in zip(units, parses):
        intent = parse.get("intent") or {}
        if intent.get("name") in CONTACT_INTENTS and intent.get("confidence", 0) >= 0.7:
            wants_contact = True
        found, support = _unit_reading(unit, parse)
        for f, value in found.items():
            quote, how = support[f]
            if f == "needs":
                for need in value:
                    needs.setdefault(need, {"value": need, "quote": quote, "turn": unit.turn, "how": how})
                continue
            entry = {"value": value, "quote": quote, "turn": unit.turn, "how": how}
            prev = evidence.get(f)
            if prev is None or (unit.requested == f and prev["value"] != value):
                if prev is not None:
                    entry["other_mentions"] = prev.get("other_mentions", []) + [
                        {"value": prev["value"], "quote": prev["quote"]}
                    ]
                evidence[f] = entry
            elif prev["value"] != value:
                prev.setdefault("other_mentions", []).append({"value": value, "quote": quote})
    # What the bot itself recorded (tracker inputs) wins: it includes the user's corrections.
    if conv.kind in ("tracker_store", "tracker_json"):
        for number, turn in enumerate(conv.turns, start=1):
            for f, value in turn.slots.items():
                if f not in kg.PROFILE_FIELDS or value in (None, "", []):
                    continue
                user_turn = next((n for n in range(number, 0, -1) if conv.turns[n - 1].speaker == "user"), None)
                quote = _window(mask_contacts(conv.turns[user_turn - 1].text), None, None) if user_turn else ""
                if f == "needs":
                    for need in value if isinstance(value, list) else [value]:
                        needs.setdefault(
                            need,
                            {
                                "value": need,
                                "quote": quote,
                                "turn": user_turn,
                                "how": "enregistré par le bot (créneau needs)",
                            },
                        )
                    continue
                prev = evidence.get(f)
                if prev and prev["value"] == value:
                    continue
                evidence[f] = {
                    "value": value,
                    "quote": quote,
                    "turn": user_turn,
                    "how": f"enregistré par le bot (créneau {f})",
                }
        for f in kg.PROFILE_FIELDS:  # final values after corrections / resets
            if f in evidence and f in conv.slots and conv.slots[f] is None and f != "needs":
                evidence.pop(f)
    if needs:
        evidence["needs"] = {
            "value": list(needs),
            "quote": " | ".join(dict.fromkeys(n["quote"] for n in needs.values())),
            "quotes": {k: n["quote"] for k, n in needs.items()},
            "turn": min(n["turn"] or 0 for n in needs.values()),
            "how": next(iter(needs.values()))["how"],
        }
    return evidence, wants_contact


# ----------------------------------------------------------------------------------------
# card
# ----------------------------------------------------------------------------------------
def _volet_block(v: kg.VoletVerdict) -> Dict[str, Any]:
    if v.status == kg.Verdict.NOT_ELIGIBLE:
        rows = v.decisive
    elif v.status == kg.Verdict.UNKNOWN:
        rows = v.missing
    else:
        rows = [c for c in v.criteria if c.status == kg.CriterionStatus.PASS]
    return {
        "volet": v.volet,
        "name": v.name,
        "status": v.status.value,
        "status_label": kg.STATUS_LABEL.get(v.status, v.status.value),
        "reasons": [c.explanation for c in rows],
        "criteria": [
            {"id": c.id, "label": c.label, "status": c.status.value, "explanation": c.explanation, "source": c.source}
            for c in v.criteria
        ],
        "note": v.note,
    }


def _deadline(volets: List[Dict[str, Any]], today) -> Optional[Dict[str, Any]]:
    best = None
    for v in volets:
        if v["status"] == kg.Verdict.NOT_ELIGIBLE:
            continue
        d = kg.next_deadline(volet=v["volet"], today=today)
        if not d:
            continue
        key = (0 if d.get("ahead") else 1, d.get("days_until") if d.get("days_until") is not None else 10**6)
        if best is None or key < best[0]:
            best = (key, d)
    if not best:
        return None
    d = best[1]
    return {
        "volet": d.get("volet"),
        "date": d.get("date_text"),
        "year_known": d.get("year_known"),
        "ahead": d.get("ahead"),
        "days_until": d.get("days_until"),
        "position": d.get("position"),
        "purpose": d.get("purpose"),
        "status_note": d.get("status_note"),
        "year_note": d.get("year_note") if not d.get("year_known") else None,
        "envelope": (d.get("volet_status") or {}).get("note"),
        "source": d.get("citation"),
        "computed_on": d.get("today"),
    }


def _next_step(result: kg.Evaluation, volets: List[Dict[str, Any]]) -> str:
    eligible = [v for v in volets if v["status"] == kg.Verdict.ELIGIBLE]
    if eligible:
        best = max(eligible, key=lambda v: v["volet"])
        info = kg.volet(best["volet"]) or {}
        steps = info.get("how_to_start") or []
        text = f"Volet {best['volet']} ({best['name']}) : " + " Ensuite : ".join(steps[:2])
        if best.get("note"):
            text += f" À noter : {best['note']}"
        return text.strip()
    if any(v["status"] == kg.Verdict.UNKNOWN for v in volets):
        nq = result.next_question
        if nq:
            return f"Compléter la pré-vérification avec l'organisation : « {nq.question} »"
        return "Compléter la pré-vérification avec l'organisation."
    fails = [r for v in volets for r in v["reasons"]]
    why = fails[0] if fails else "aucun volet ne convient."
    who = kg.adviser_referral()
    referral = f" Au besoin, orienter vers {who} pour d'autres ressources." if who else ""
    return f"Ne pas prioriser : {why}{referral}"


def _unknown(result: kg.Evaluation, profile: Dict[str, Any]) -> List[Dict[str, Any]]:
    out, seen = [], set()
    for field in result.missing_fields:
        q = kg.question(field)
        out.append(
            {"field": field, "label": kg.FIELD_LABEL.get(field, field), "question": q["question"] if q else None}
        )
        seen.add(field)
    for field in ("is_network", "sector", "region", "employees", "needs"):
        if field not in seen and profile.get(field) in (None, [], ""):
            q = kg.question(field)
            out.append(
                {"field": field, "label": kg.FIELD_LABEL.get(field, field), "question": q["question"] if q else None}
            )
    return out


def _mask_known(text: str, values: List[str]) -> str:
    for value in sorted((v for v in values if v and len(v) >= 3), key=len, reverse=True):
        text = re.sub(re.escape(value), MASK, text, flags=re.IGNORECASE)
    return text


def contact_block(conv: Conversation, lead: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    c = conv.contacts or {}
    consent = None
    if lead:
        consent = {
            "given": True,
            "how": f"fiche {lead['reference']} enregistrée avec consentement",
            "at": lead.get("consent_given_at"),
            "version": lead.get("consent_version"),
        }
    elif conv.consent and conv.consent.get("given"):
        consent = conv.consent
    present = {
        "name": lead.get("name") if lead else c.get("name"),
        "organisation": lead.get("organisation") if lead else c.get("organisation"),
        "email": (lead.get("email") if lead else None) or (c.get("emails") or [None])[0],
        "phone": (lead.get("phone") if lead else None) or (c.get("phones") or [None])[0],
    }
    if consent:
        return {
            "consent": True,
            "consent_how": consent.get("how"),
            "consent_at": consent.get("at"),
            **present,
            "masked": False,
        }
    return {
        "consent": False,
        "consent_how": (conv.consent or {}).get("how") or "aucun consentement enregistré",
        "consent_at": None,
        **{k: (MASK if v else None) for k, v in present.items()},
        "masked": True,
    }


def consent_in_transcript(units: Sequence[Unit], parses: Sequence[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The bot's Law 25 notice answered « oui » (affirm, read by the NLU model) in a transcript."""
    for unit, parse in zip(units, parses):
        if unit.question and CONSENT_PROMPT in fold_keep_punctuation(unit.question):
            intent = (parse.get("intent") or {}).get("name")
            if intent == "affirm":
                return {"given": True, "how": "consentement donné dans la conversation (« oui » à l'avis Loi 25)"}
            return {"given": False, "how": "consentement refusé dans la conversation"}
    return None


def build_card(
    conv: Conversation,
    units: Sequence[Unit],
    parses: Sequence[Dict[str, Any]],
    lead: Optional[Dict[str, Any]] = None,
    today=None,
) -> Dict[str, Any]:
    if conv.consent is None and conv.kind in ("chat", "tracker_json", "tracker_store"):
        conv.consent = consent_in_transcript(units, parses)
    evidence, wants_contact = read_profile(conv, units, parses)
    contact = contact_block(conv, lead)
    if not contact["consent"]:  # names typed in the text must not leak through quotes
        hidden = [conv.contacts.get("name"), conv.contacts.get("organisation")]
        for ev in evidence.values():
            ev["quote"] = _mask_known(ev["quote"], hidden)
            if "quotes" in ev:
                ev["quotes"] = {k: _mask_known(q, hidden) for k, q in ev["quotes"].items()}
    profile = {f: ev["value"] for f, ev in evidence.items()}
    today = today or kg.today()
    result = kg.evaluate(profile)
    volets = [_volet_block(v) for v in result.volets]
    deadline = _deadline(volets, today)
    wants_contact = wants_contact or bool(lead) or bool(conv.slots.get(LEAD_REFERENCE_SLOT))
    prio = priority.score(
        volets=volets,
        profile=profile,
        deadline=deadline,
        consent_contact=contact["consent"] and bool(contact.get("email") or contact.get("phone")),
        wants_contact=wants_contact,
    )
    fields = {}
    for f in SHOWN_FIELDS + tuple(x for x in kg.BOOLEAN_FIELDS if x != "is_network"):
        ev = evidence.get(f)
        if f not in SHOWN_FIELDS and not ev:
            continue
        entry = {
            "value": ev["value"] if ev else None,
            "label": kg.label(f, ev["value"]) if ev else "inconnu",
            "quote": ev["quote"] if ev else None,
            "turn": ev["turn"] if ev else None,
            "how": ev["how"] if ev else None,
        }
        if f == "employees" and ev:
            entry["size_band"] = kg.size_band(ev["value"])
        if f == "needs" and ev:
            entry["quotes"] = ev.get("quotes")
            entry["labels"] = [kg.label("need", n) for n in ev["value"]]
        fields[f] = entry
    return {
        "id": conv.id,
        "source": conv.source,
        "input_kind": conv.kind,
        "sender_id": conv.sender_id,
        "priority": prio,
        "profile": fields,
        "eligibility": {
            "volets": volets,
            "eligible_volets": result.eligible_volets,
            "validation_note": result.validation_note,
        },
        "unknown": _unknown(result, profile),
        "next_step": _next_step(result, volets),
        "deadline": deadline,
        "wants_contact": wants_contact,
        "contact": contact,
        "units_read": len(units),
    }
