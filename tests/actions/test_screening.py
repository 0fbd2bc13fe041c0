"""The screening form: next question from the engine, several answers at once, skip, result; typed
button labels, corrections, hypotheses, the way out after three unreadable answers; facts noted
outside the form; the one-line eligibility answers."""

from __future__ import annotations

import asyncio
import json

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import eligibility, fallback, screening
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
    # a co-op is none of the excluded categories, and the region says it is in Québec: neither is asked
    assert events[-1] == SlotSet("requested_slot", "public_control")


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
    assert events == [
        SlotSet("screening_unread", "legal_form"),
        SlotSet("screening_failures", {"legal_form": 1}),
        SlotSet("requested_slot", "legal_form"),
    ]
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
    assert (
        "un conseiller confirme" in t
        and "Prochaines étapes (volet 2) : 1) Joindre le bureau régional de la CDRQ" in t
        and "autoexamen" in t
    )
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
    # nothing was asked yet, so nothing is "not understood": what is known is said back, then the
    # first question follows
    assert [m.get("response") for m in msgs] == [None, None]
    assert msgs[0]["text"].startswith(
        "Je note déjà : réseau (fédération ou association sectorielle) ; secteur : loisirs"
    )
    assert msgs[1]["text"] == "Quelle est la forme juridique de votre organisation ?"


def test_reset_forgets_answers():
    _, events = run(screening.ActionResetScreening(), tracker_for(slots=PASSING))
    assert SlotSet("legal_form", None) in events and SlotSet("screening_result", None) in events
    assert SlotSet("screening_failures", None) in events


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
    # without a yes/no word, the words that state the fact answer too (they did not before)
    _, events = _validate(tracker_for("on est autonomes", "inform", slots=slots, active_loop="screening_form"))
    assert SlotSet("public_control", False) in events
    _, events = _validate(tracker_for("on vient d'ouvrir", "inform", slots=slots, active_loop="screening_form"))
    assert not any(e.get("name") == "public_control" for e in events)


# -- typed labels, extra words, negation ---------------------------------------------------------

FORM = "screening_form"


def _slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_typed_button_label_answers_whatever_the_intent(kb):
    """The NLU reads "Mutuelle" as a definition request, "Ordre professionnel" as an eligibility
    question, "Autre" as a skip: typed as the whole answer to the question asked, they answer it."""
    for text, intent, slots, field, value in [
        ("Mutuelle", "ask_definition", {}, "legal_form", "mutual"),
        ("Coopérative", "inform", {}, "legal_form", "cooperative"),
        ("OBNL", "inform", {}, "legal_form", "nonprofit"),
        ("Autre", "skip_question", {}, "legal_form", "other"),
        ("Ordre professionnel", "ask_eligibility", {"legal_form": "cooperative"}, "org_category", "professional_order"),
        ("Non, aucune de ces catégories", "inform", {"legal_form": "cooperative"}, "org_category", "none"),
    ]:
        slots = {**slots, "requested_slot": field}
        msgs, events = _validate(tracker_for(text, intent, slots=slots, active_loop=FORM))
        assert _slot_events(events).get(field) == value, text
        assert not any((m.get("response") or "").startswith("utter_screening_not") for m in msgs), text
    slots = {"legal_form": "cooperative", "org_category": "none", "requested_slot": "is_network"}
    _, events = _validate(tracker_for("Non, une seule entreprise", "ask_eligibility", slots=slots, active_loop=FORM))
    assert _slot_events(events)["is_network"] is False


def test_yes_no_with_extra_words_and_fact_words_answer(kb):
    nonprofit = {"legal_form": "nonprofit", "org_category": "none", "based_in_quebec": True}
    for text, intent, field, value in [
        ("oui comme je disais, des repas", "nlu_fallback", "market_activities", True),
        ("Un membre un vote, CA élu", "inform", "democratic_governance", True),
        ("on fait des ristournes", "inform", "surplus_limited", True),
        ("non on est autonomes", "inform", "public_control", False),
        ("la ville nous contrôle pas", "inform", "public_control", False),
    ]:
        slots = {**nonprofit, "requested_slot": field}
        _, events = _validate(tracker_for(text, intent, slots=slots, active_loop=FORM))
        assert _slot_events(events).get(field) == value, text


def test_a_negated_network_is_not_a_network(kb):
    msgs, events = _validate(
        tracker_for(
            "on est une petite coop, pas une fédération",
            "inform",
            [ent("legal_form", "coop"), ent("network", "fédération")],
            slots={"requested_slot": "legal_form"},
            active_loop=FORM,
        )
    )
    found = _slot_events(events)
    assert found["legal_form"] == "cooperative" and found["is_network"] is False
    assert msgs[0]["text"] == "Noté : une seule entreprise, pas un réseau."  # the fact beside the answer, said back


# -- corrections and hypotheses -------------------------------------------------------------------


def test_a_correction_overwrites_and_says_what_changed(kb):
    slots = {"legal_form": "cooperative", "org_category": "none", "requested_slot": "based_in_quebec"}
    msgs, events = _validate(
        tracker_for(
            "en fait on est une association sectorielle",
            "inform",
            [ent("network", "association sectorielle")],
            slots=slots,
            active_loop=FORM,
        )
    )
    found = _slot_events(events)
    assert found["legal_form"] == "nonprofit" and found["is_network"] is True
    assert msgs[0]["text"] == "D'accord, je corrige : OBNL au lieu de coopérative."
    assert msgs[-1]["text"] == "Votre organisation est-elle établie au Québec ?"  # the question still pending


def test_a_hypothesis_is_answered_without_touching_the_answers(kb):
    slots = {"legal_form": "nonprofit", "org_category": "none", "requested_slot": "based_in_quebec"}
    msgs, events = _validate(
        tracker_for(
            "et si on devenait une coop ?",
            "ask_eligibility",
            [ent("legal_form", "coop")],
            slots=slots,
            active_loop=FORM,
        )
    )
    found = _slot_events(events)
    assert "legal_form" not in found and found["screening_hypothesis"] == {"legal_form": "cooperative"}
    t = msgs[0]["text"]
    assert t.startswith("Hypothèse : une coopérative. Je n'ai rien changé à vos réponses.")
    assert "Volet 1 (Information et formation) : à confirmer" in t and "Un conseiller confirmera." in t
    # the pending question is asked again: the real answers did not change
    assert found["requested_slot"] == "based_in_quebec"
    assert msgs[-1]["text"] == "Votre organisation est-elle établie au Québec ?"


# -- the form's start, and the way out ---------------------------------------------------------------


def test_the_start_says_back_what_is_known_and_skips_its_questions(kb):
    msgs, events = _validate(
        tracker_for(
            "suis-je admissible",
            "start_screening",
            slots={"legal_form": "cooperative", "region": "saguenay_lac_saint_jean"},
        )
    )
    assert msgs[0]["text"] == "Je note déjà : coopérative, Saguenay–Lac-Saint-Jean."
    # legal form known (a co-op: no excluded category); region → in Québec
    assert events[-1] == SlotSet("requested_slot", "public_control")


def test_three_unreadable_answers_offer_to_skip_or_stop(kb):
    slots = {"requested_slot": "legal_form", "screening_failures": {"legal_form": 2, "org_category": 1}}
    msgs, events = _validate(tracker_for("bof", "inform", slots=slots, active_loop=FORM))
    assert SlotSet("screening_failures", {"legal_form": 3, "org_category": 1}) in events
    assert len(msgs) == 1 and payloads(msgs) == ["/skip_question", "/stop"]  # no question again
    assert events[-1] == SlotSet("requested_slot", "legal_form")  # still answerable by typing it


# -- outside the form -------------------------------------------------------------------------------


def test_facts_outside_the_form_are_noted_and_the_screening_offered(kb):
    msgs, events = run(
        screening.ActionNoteProfile(),
        tracker_for("on est une coop au Saguenay", "inform", [ent("legal_form", "coop"), ent("region", "Saguenay")]),
    )
    assert SlotSet("legal_form", "cooperative") in events and SlotSet("region", "saguenay_lac_saint_jean") in events
    assert msgs[0]["text"].startswith("Noté : coopérative, Saguenay–Lac-Saint-Jean. Voulez-vous que je vérifie")
    assert payloads(msgs) == ["/start_screening", "/deny"]
    assert "forme juridique" not in texts(msgs)  # no form question


def test_an_inform_with_nothing_to_note_asks_nothing(kb):
    msgs, events = run(screening.ActionNoteProfile(), tracker_for("bof ok la on verra", "inform"))
    assert events == [] and "Je n'ai rien relevé" in texts(msgs) and "/start_screening" in payloads(msgs)


def test_an_inform_that_asks_a_question_gets_the_answer(kb):
    """Read as facts about the visitor's organisation, it is a question about a case study."""
    msgs, events = run(screening.ActionNoteProfile(), tracker_for("sercovie yont cmb demployes", "inform"))
    assert "Sercovie" in texts(msgs) and "\nSource : " in texts(msgs) and "forme juridique" not in texts(msgs)
    assert SlotSet("last_record", "case:case_01_sercovie") in events


def test_once_started_the_offer_is_to_resume(kb):
    tracker = Tracker(
        sender_id="t",
        slots={"legal_form": "cooperative"},
        latest_message={
            "text": "on est à Rimouski",
            "intent": {"name": "inform"},
            "entities": [ent("region", "Rimouski")],
        },
        events=[{"event": "active_loop", "name": "screening_form"}, {"event": "active_loop", "name": None}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    msgs, _ = run(screening.ActionNoteProfile(), tracker)
    assert "Noté : Bas-Saint-Laurent." in texts(msgs) and msgs[0]["buttons"][0]["title"] == "Reprendre le questionnaire"


def test_a_correction_and_a_hypothesis_outside_the_form(kb):
    msgs, events = run(
        screening.ActionNoteProfile(),
        tracker_for(
            "finalement on est un OBNL", "inform", [ent("legal_form", "OBNL")], slots={"legal_form": "cooperative"}
        ),
    )
    assert events == [SlotSet("legal_form", "nonprofit")]
    assert texts(msgs).startswith("D'accord, je corrige : OBNL au lieu de coopérative.")
    msgs, events = run(
        screening.ActionNoteProfile(),
        tracker_for(
            "si on était une fédération", "inform", [ent("network", "fédération")], slots={"legal_form": "cooperative"}
        ),
    )
    assert events == [SlotSet("screening_hypothesis", {"is_network": True})]  # is_network itself untouched
    assert texts(msgs).startswith("Hypothèse : un réseau")


# -- wording of the verdicts -----------------------------------------------------------------------


def test_the_result_says_what_its_criteria_are_and_who_the_similar_cases_are(kb):
    msgs, _ = run(screening.ActionScreeningResult(), tracker_for(slots=PASSING))
    t = texts(msgs)
    assert t.startswith(screening.CRITERIA_BASIS + " :") and "Selon les critères publiés" not in t
    # the 2017 report's cases led a project of their own; none went through this programme
    assert "Des organisations semblables ont mené un projet numérique : " in t and "l'ont fait" not in t
    assert "soutenues par le programme" not in t
    network = {**PASSING, "is_network": True, "structuring_project": True, "sector": "retail_local_services"}
    msgs, _ = run(screening.ActionScreeningResult(), tracker_for(slots={**network, "needs": ["online_sales"]}))
    assert "Des organisations semblables ont été soutenues par le programme : Les Librairies indépendantes" in texts(
        msgs
    )


def test_one_line_answers_answer_the_point_asked(kb):
    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for("une mutuelle c admissible?", "ask_eligibility", [ent("legal_form", "mutuelle")]),
    )
    t = texts(msgs)
    assert t.startswith("Mutuelle : oui, sur ce point. " + screening.CRITERIA_BASIS + " : ")
    assert "possible" not in t and "Un conseiller confirmera." in t and "/start_screening" in payloads(msgs)
    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for(
            "une coop seule peut-elle demander le volet 3",
            "ask_eligibility",
            [ent("legal_form", "coop"), ent("volet", "3")],
        ),
    )
    assert texts(msgs).startswith("Coopérative : non admissible pour le volet 3.")


def test_a_one_line_hypothesis_keeps_the_real_answers(kb):
    msgs, events = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for(
            "et si on se transforme en coop ?",
            "ask_eligibility",
            [ent("legal_form", "coop")],
            slots={"legal_form": "nonprofit", "org_category": "none"},
        ),
    )
    assert events == [SlotSet("screening_hypothesis", {"legal_form": "cooperative"})]
    assert texts(msgs).startswith("Hypothèse : une coopérative. Je n'ai rien changé à vos réponses.")


def test_an_answer_denied_is_forgotten_and_an_option_of_another_question_corrects(kb):
    msgs, events = run(
        screening.ActionNoteProfile(),
        tracker_for(
            "en fait non, on est un OBNL, pas un regroupement patronal",
            "inform",
            [ent("legal_form", "OBNL"), ent("org_category", "regroupement patronal")],
            slots={"legal_form": "mutual", "org_category": "employer_group"},
        ),
    )
    assert SlotSet("legal_form", "nonprofit") in events and SlotSet("org_category", None) in events
    assert texts(msgs).startswith("D'accord, je corrige : OBNL au lieu de mutuelle ; pas un regroupement patronal.")
    # "Coopérative" typed while the excluded categories are asked: the legal form, corrected
    slots = {"legal_form": "mutual", "requested_slot": "org_category"}
    msgs, events = _validate(
        tracker_for("Coopérative", "inform", [ent("term", "coopérative")], slots=slots, active_loop=FORM)
    )
    assert SlotSet("legal_form", "cooperative") in events
    assert msgs[0]["text"] == "D'accord, je corrige : coopérative au lieu de mutuelle."
