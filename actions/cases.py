"""Examples: case studies by need, technology, sector, legal form, or a named case."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk.events import SlotSet

from actions.kb import KnowledgeAction, entity_values, first_entity, latest_text, say
from common.formatting import button, join_fr, lower_first, shorten
from common.profile import profile_from_slots
from common.slots import LAST_RECORD_SLOT
from knowledge import cases, retrieval
from knowledge.documents import cite_many


def case_line(case: Dict[str, Any]) -> str:
    where = case.get("place") or case.get("region_label")
    kind = case.get("legal_form_detail") or case.get("legal_form_label") or case.get("activity")
    bits = [b for b in (kind, where) if b]
    return f"{case['name']}" + (f" ({', '.join(bits)})" if bits else "")


def case_buttons(found: List[Dict[str, Any]]):
    return [
        button(f"En savoir plus : {shorten(r['case']['name'], 40)}", f'/ask_cases{{"case_name":"{r["case"]["id"]}"}}')
        for r in found
    ]


def _examples_text(found: List[Dict[str, Any]]) -> str:
    """The examples, those matching every criterion asked first: for "des coops en alimentation",
    a food co-op and then co-ops from other sectors, said as such rather than as equal answers."""

    def lines(rows):
        return "\n".join(f"• {case_line(r['case'])} — {shorten(r['case']['summary'], 160)}" for r in rows)

    def kinds(row):  # "ERP" is read both as a technology and as a need: one request, counted once
        return len({"need" if kind == "technology" else kind for kind in row["matched"]})

    best = max(kinds(r) for r in found)
    full = [r for r in found if kinds(r) == best]
    partial = [r for r in found if kinds(r) < best]
    if best < 2 or not partial:
        # what they have in common, said: "la friperie fait partie des exemples ?" gets the cases of
        # its sector, named as such (not a friperie: the sector's cases)
        common = [x for x in found[0]["reasons"] if all(x in r["reasons"] for r in found)]
        why = f" ({lower_first(join_fr(common))})" if common else ""
        return f"Voici des exemples{why} :\n" + lines(found)
    shared = join_fr(list(dict.fromkeys(reason[:1].lower() + reason[1:] for r in partial for reason in r["reasons"])))
    return (
        "Ce qui correspond à toute votre demande :\n"
        + lines(full)
        + (
            f"\nD'autres exemples, qui n'en partagent qu'une partie ({shared}) :\n"
            if shared
            else "\nD'autres exemples, plus éloignés :\n"
        )
        + lines(partial)
    )


class ActionCases(KnowledgeAction):
    def name(self) -> Text:
        return "action_cases"

    def answer(self, dispatcher, tracker, domain):
        named = first_entity(tracker, "case_name")
        case = cases.get(named) if named else None
        if case is None and not any(entity_values(tracker, e) for e in ("need", "technology", "sector", "legal_form")):
            case = cases.get(latest_text(tracker))
        if case:
            self._detail(dispatcher, case, latest_text(tracker))
            return [SlotSet(LAST_RECORD_SLOT, f"case:{case['id']}")]
        text = latest_text(tracker)
        found = cases.search(
            need=entity_values(tracker, "need") or None,
            technology=entity_values(tracker, "technology") or None,
            sector=entity_values(tracker, "sector") or None,
            legal_form=entity_values(tracker, "legal_form") or None,
            region=entity_values(tracker, "region") or None,
            text=text,
            limit=3,
        )
        if not found:
            found = cases.similar_to(profile_from_slots(tracker.current_slot_values()), limit=3)
        if not found:
            every = cases.all_cases()
            say(
                dispatcher,
                # No count: "15 études de cas" is our sum (13 in the report, 2 from the programme), which
                # no source writes.
                "Je n'ai pas d'exemple qui corresponde exactement. Nos études de cas (rapport du CEFRIO de 2017 "
                "et programme) couvrent notamment : "
                + join_fr(sorted({c["sector_label"] for c in every if c.get("sector_label")}))
                + ". "
                "Précisez un besoin (vente en ligne, cybersécurité, ERP…) ou un secteur.",
            )
            return []
        say(dispatcher, _examples_text(found), cite_many(r["case"] for r in found), case_buttons(found[:2]))
        # "combien ça leur a coûté ?" next is about the first example, the one that fits best
        return [SlotSet(LAST_RECORD_SLOT, f"case:{found[0]['case']['id']}")]

    @staticmethod
    def _detail(dispatcher, case, question: str = ""):
        # the whole project: cut, it lost what was asked ("la radio-identification" of Bwat)
        parts = [f"{case_line(case)}. {case['summary']}", f"Le projet : {case['project']}"]
        if case.get("results"):
            parts.append("Résultats : " + "; ".join(case["results"][:3]) + ".")
        if case.get("lessons"):
            parts.append("Leçon : " + case["lessons"][0])
        card = "\n".join(parts)
        # the sentences that answer the question, when the card does not hold them
        extra = retrieval.best_passages("case", case, question, shown=card) if question else []
        say(
            dispatcher,
            "\n".join([card] + [f"Précision : {x}" for x in extra]),
            case["citation"],
            [button("D'autres exemples", "/ask_cases"), button("Suis-je admissible ?", "/start_screening")],
        )
