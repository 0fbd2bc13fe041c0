"""The screening form: next question from the engine, several answers at once, skip, result."""

from __future__ import annotations

import asyncio
import json

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback, screening
from tests.actions.helpers import ent, payloads, run, texts, tracker_for

DOMAIN = {
    "slots": {s: {} for s in screening.PROFILE_SLOTS},
    "forms": {"screening_form": {"required_slots": list(screening.PROFILE_SLOTS)}},
}


def _validate(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(screening.ValidateScreeningForm().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def test_free_text_fills_several_answers_and_asks_the_next_one(kb):
    tracker = tracker_for(
        "on est une coop de travail a Saguenay",
        "inform",
        [ent("legal_form", "coop de travail"), ent("region", "Saguenay")],
        slots={"requested_slot": "legal_form"},
        active_loop="screening_form",
    )
    _, events = _validate(tracker)
    assert SlotSet("legal_form", "cooperative") in events
    assert SlotSet("region", "saguenay_lac_saint_jean") in events
    assert events[-1] == SlotSet("requested_slot", "org_category")


def test_yes_no_answers_the_requested_boolean(kb):
    slots = {"legal_form": "cooperative", "org_category": "none", "requested_slot": "public_control"}
    _, events = _validate(tracker_for("non", "deny", slots=slots, active_loop="screening_form"))
    assert SlotSet("public_control", False) in events


def test_skip_moves_on_and_remembers(kb):
    slots = {"requested_slot": "legal_form"}
    _, events = _validate(tracker_for("je sais pas", "skip_question", slots=slots, active_loop="screening_form"))
    assert SlotSet("screening_skipped", ["legal_form"]) in events
    assert events[-1] == SlotSet("requested_slot", "org_category")


def test_unreadable_answer_says_so(kb):
    msgs, events = _validate(
        tracker_for("bof", "inform", slots={"requested_slot": "legal_form"}, active_loop="screening_form")
    )
    assert [m.get("response") for m in msgs] == [
        "utter_screening_not_understood_choice",
        None,
    ]  # then the question again
    assert msgs[1]["text"] == "Quelle est la forme juridique de votre organisation ?"
    # a slot set keeps Rasa's form from rejecting the turn (and another rule from answering "bof")
    assert events == [SlotSet("screening_unread", "legal_form"), SlotSet("requested_slot", "legal_form")]
    slots = {"legal_form": "cooperative", "org_category": "none", "requested_slot": "public_control"}
    msgs, _ = _validate(tracker_for("bof", "inform", slots=slots, active_loop="screening_form"))
    assert msgs[0]["response"] == "utter_screening_not_understood"  # a yes/no question: "oui ou non" fits


def test_correcting_an_answer_overrides_it(kb):
    slots = {"legal_form": "cooperative", "requested_slot": "org_category"}
    _, events = _validate(
        tracker_for(
            "en fait on est un OBNL", "inform", [ent("legal_form", "OBNL")], slots=slots, active_loop="screening_form"
        )
    )
    assert SlotSet("legal_form", "nonprofit") in events


def test_a_question_naming_an_organisation_is_not_an_answer(kb):
    """ "d'autres coops l'ont fait ?" mid-screening asks for examples: the OBNL answer stays, and no
    answer is set, so Rasa's form rejects the turn and the question's own rule answers it."""
    slots = {"legal_form": "nonprofit", "requested_slot": "org_category"}
    for text, intent, entities in [
        ("ya tu d'autres coops qui l'ont fait", "ask_cases", [ent("legal_form", "coops")]),
        ("qui contacter en Gaspesie", "ask_contact", [ent("region", "Gaspesie")]),
        ("pis une mutuelle c'tu admissible", "ask_eligibility", [ent("legal_form", "mutuelle")]),
    ]:
        msgs, events = _validate(tracker_for(text, intent, entities, slots=slots, active_loop="screening_form"))
        assert events == [SlotSet("requested_slot", "org_category")], text
        assert [m.get("response") for m in msgs] == [None]  # the question again, no "pas compris"
    # the same words stated as a fact still correct the answer
    _, events = _validate(
        tracker_for(
            "en fait on est une coop", "inform", [ent("legal_form", "coop")], slots=slots, active_loop="screening_form"
        )
    )
    assert SlotSet("legal_form", "cooperative") in events


def test_excluded_answer_ends_the_form(kb):
    msgs, events = _validate(
        tracker_for(
            "on est un syndicat",
            "inform",
            [ent("org_category", "syndicat")],
            slots={"legal_form": "cooperative", "requested_slot": "org_category"},
            active_loop="screening_form",
        )
    )
    assert events[-1] == SlotSet("requested_slot", None) and msgs == []  # no further question


def test_the_next_question_comes_with_its_buttons(kb):
    """The validation action asks the engine's next question itself (no action_ask_* round trip)."""
    slots = {
        "legal_form": "cooperative",
        "org_category": "none",
        "based_in_quebec": True,
        "requested_slot": "based_in_quebec",
    }
    msgs, events = _validate(tracker_for("oui", "affirm", slots=slots, active_loop="screening_form"))
    assert events[-1] == SlotSet("requested_slot", "public_control")
    assert msgs[-1]["text"].startswith("Votre organisation est-elle sous le contrôle décisionnel")
    assert payloads(msgs) == ["/deny", "/affirm", "/skip_question"]
    msgs, _ = _validate(tracker_for("suis-je admissible", "start_screening"))
    assert '/inform{"legal_form":"cooperative"}' in payloads(msgs)


PASSING = {
    "legal_form": "cooperative",
    "org_category": "none",
    "based_in_quebec": True,
    "public_control": False,
    "democratic_governance": True,
    "serves_members_or_community": True,
    "surplus_limited": True,
    "dissolution_rule": True,
    "is_network": False,
    "sector": "agri_resources_energy",
}


def test_result_explains_each_volet_and_gives_next_step_and_examples(kb):
    msgs, events = run(screening.ActionScreeningResult(), tracker_for(slots=PASSING))
    t = texts(msgs)
    assert "Volet 1 (Information et formation) : admissible" in t
    assert "Volet 2 (Accompagnement" in t and "Volet 3" in t and "non admissible" in t and "réseaux" in t
    assert "un conseiller confirme" in t and "Prochaine étape : joindre le bureau régional de la CDRQ" in t
    assert "Des organisations semblables" in t and t.count("Source : ") == 2
    assert "/request_contact" in payloads(msgs)
    result = json.loads(events[0]["value"])
    assert events[0]["name"] == "screening_result" and result["eligible_volets"] == [1, 2]
    assert result["reasons"]["3"] == ["is_network"]


def test_volets_failing_on_the_same_criterion_share_one_line(kb):
    msgs, _ = run(
        screening.ActionScreeningResult(), tracker_for(slots={"legal_form": "nonprofit", "org_category": "union"})
    )
    t = texts(msgs)
    assert "• Volets 1, 2 et 3 : non admissibles. " in t
    assert t.count("syndicats sont exclus") == 1 and t.count("• ") == 1
    assert "(Votre réponse : syndicat.)" in t  # the answer that decided, to be seen and corrected
    assert "Le programme ne semble pas vous convenir" in t


def test_result_with_missing_answers_offers_to_resume(kb):
    msgs, _ = run(
        screening.ActionScreeningResult(),
        tracker_for(
            slots={"legal_form": "cooperative", "org_category": "none", "screening_skipped": ["based_in_quebec"]}
        ),
    )
    assert "à confirmer" in texts(msgs) and "/start_screening" in payloads(msgs)


def test_activation_keeps_facts_from_the_opening_message(kb):
    """The form's validation reads the message that activates the form (no requested slot yet)."""
    msgs, events = _validate(
        tracker_for(
            "on est une federation de coops en culture, suis-je admissible",
            "start_screening",
            [ent("network", "fédération"), ent("sector", "culture")],
        )
    )
    assert SlotSet("is_network", True) in events and SlotSet("sector", "leisure_tourism_culture") in events
    # nothing was asked yet, so nothing is "not understood"; the first question follows
    assert [m.get("response") for m in msgs] == [None] and msgs[0][
        "text"
    ] == "Quelle est la forme juridique de votre organisation ?"


def test_reset_forgets_answers():
    _, events = run(screening.ActionResetScreening(), tracker_for(slots=PASSING))
    assert SlotSet("legal_form", None) in events and SlotSet("screening_result", None) in events


def test_two_stage_fallback_offers_the_two_likeliest_intents():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_deadlines", "confidence": 0.3},
        {"name": "inform", "confidence": 0.1},
        {"name": "ask_amounts", "confidence": 0.05},
    ]
    msgs, _ = run(fallback.ActionDefaultAskAffirmation(), tracker_for("dates $$", "nlu_fallback", ranking=ranking))
    assert payloads(msgs) == ["/ask_deadlines", "/ask_amounts", "/out_of_scope"]


def test_an_unsure_erasing_intent_is_offered_as_a_button_to_confirm():
    """Below 0.7, restart and data deletion reach the two-stage fallback (rasa_server/nlu/fallback.py):
    the visitor who meant it confirms with a button, a typo erases nothing."""
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "request_data_deletion", "confidence": 0.46},
        {"name": "restart_conversation", "confidence": 0.2},
    ]
    msgs, _ = run(
        fallback.ActionDefaultAskAffirmation(), tracker_for("detruisez ma fiche", "nlu_fallback", ranking=ranking)
    )
    assert payloads(msgs) == ["/request_data_deletion", "/restart_conversation", "/out_of_scope"]
    assert [b["title"] for b in msgs[0]["buttons"]][:2] == ["Supprimer mes données", "Recommencer à zéro"]


def test_yes_no_followed_by_a_statement_still_answers(kb):
    slots = {"legal_form": "cooperative", "org_category": "none", "requested_slot": "public_control"}
    _, events = _validate(tracker_for("non, on est autonomes", "inform", slots=slots, active_loop="screening_form"))
    assert SlotSet("public_control", False) in events
    _, events = _validate(tracker_for("on est autonomes", "inform", slots=slots, active_loop="screening_form"))
    assert not any(e.get("name") == "public_control" for e in events)
