"""Ordinary replies that derailed the dialogue, seen in a blind bank's conversations (dev2): a
thanks read as a question, an eligibility question read as off-topic, a correction after a verdict
answered by an unrelated record, a question about "us" that lost the profile said before, a
description of the members not taken as a yes, a definition question answered with head counts."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answers, fallback, money_and_dates, screening
from common.profile import extract_profile, read_answer
from tests.actions.helpers import ent, run, texts, tracker_for

SYNDICATE_VERDICT = (
    "D'après ce que vous m'avez dit (syndicat), et d'après la définition d'une entreprise d'économie sociale "
    "(rapport du CEFRIO, 2017) et ce que le programme annonce pour chaque volet :\n• Volets 1, 2 et 3 : non admissibles."
)


def _with_history(tracker: Tracker, *bot_texts: str) -> Tracker:
    events = [{"event": "bot", "text": t} for t in bot_texts] + list(tracker.events)
    return Tracker(
        sender_id=tracker.sender_id,
        slots=tracker.slots,
        latest_message=tracker.latest_message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop=tracker.active_loop,
        latest_action_name="action_listen",
    )


def _responses(messages):
    return [m.get("response") for m in messages if m.get("response")]


def test_closings_are_told_apart_from_questions():
    assert fallback.closing("merci beaucoup, bonne journee!") == "both"
    assert fallback.closing("ok parfait merci quand meme") == "thank"
    assert fallback.closing("bye") == "goodbye"
    assert fallback.closing("merci, c'est quoi le volet 2 ?") == ""
    assert fallback.closing("bonne journée de formation ?") == ""
    assert fallback.closing("") == ""


def test_thanks_and_goodbye_misread_by_the_nlu_close_the_conversation(kb):
    msgs, _ = run(fallback.ActionAnswerOrClarify(), tracker_for("merci beaucoup, bonne journee!", "nlu_fallback"))
    assert _responses(msgs) == ["utter_thank", "utter_goodbye"]
    assert "Source" not in texts(msgs)


def test_an_eligibility_question_read_as_off_topic_gets_its_verdict(kb):
    text = (
        "bonjour on est un obnl de diffusion de spectacle a chicoutimi, on vend des billets. "
        "ca serait tu possible d'avoir le programme"
    )
    msgs, _ = run(fallback.ActionAnswerOrOutOfScope(), tracker_for(text, "out_of_scope", [ent("legal_form", "obnl")]))
    said = texts(msgs)
    assert said.startswith("D'après ce que vous m'avez dit (OBNL")
    assert "utter_out_of_scope" not in _responses(msgs)


def test_a_fact_stated_after_a_verdict_gets_the_verdict_again(kb):
    tracker = _with_history(
        tracker_for(
            "mais on est un obnl pourtant?",
            "inform",
            [ent("legal_form", "obnl")],
            slots={"org_category": "union"},
        ),
        SYNDICATE_VERDICT,
    )
    msgs, events = run(screening.ActionNoteProfile(), tracker)
    said = texts(msgs)
    assert "non admissibles" in said and "syndicats sont exclus" in said
    assert any(e.get("name") == "legal_form" and e.get("value") == "nonprofit" for e in events)


def test_a_question_about_us_uses_what_was_said_before(kb):
    tracker = tracker_for(
        "ok cool. pis le volet 3 avec l'argent, on peut tu l'avoir nous autres?",
        "ask_amounts",
        slots={"legal_form": "cooperative", "region": "cote_nord"},
    )
    msgs, _ = run(money_and_dates.ActionAmounts(), tracker)
    said = texts(msgs)
    assert said.startswith("D'après ce que vous m'avez dit (coopérative")
    assert "Volet 3 (Aide financière aux réseaux pour des projets structurants) : à confirmer" in said


def test_naming_the_members_answers_the_members_question():
    field = "serves_members_or_community"
    assert read_answer("des coopératives d'alimentation", field) is True
    assert read_answer("les gens du quartier", field) is True
    assert read_answer("non, le but c'est de faire du profit pour nos actionnaires", field) is False
    assert read_answer("je ne sais pas", field) is None


def test_a_definition_question_is_not_a_head_count(kb):
    assert (
        answers.sector_figures_asked(
            "Sous quelles formes juridiques une entreprise d'économie sociale peut-elle exister ?"
        )
        == []
    )
    assert answers.sector_figures_asked("qu'est-ce qu'une entreprise d'économie sociale selon la loi") == []
    assert answers.sector_figures_asked("combien d'entreprises d'économie sociale au Québec ?")
    assert answers.sector_figures_asked("l'économie sociale emploie 220 000 personnes ?")


def test_selling_services_to_members_says_nothing_of_dissolution(kb):
    message = {
        "text": "oui, on vend de la formation et des services de billetterie partagée à nos membres",
        "intent": {"name": "affirm"},
        "entities": [],
    }
    assert extract_profile(message, requested="market_activities") == {"market_activities": True}
    # said of the assets on dissolution, the same words still count
    closing_rule = {"text": "en cas de fermeture les biens sont partagés entre les membres", "entities": []}
    assert extract_profile(closing_rule) == {"dissolution_rule": False}


def test_no_profits_means_nothing_is_distributed():
    assert read_answer("non on fait pas de profits", "surplus_limited") is True
    assert read_answer("aucun surplus, on est sans but lucratif", "surplus_limited") is True
    assert read_answer("non, on verse des dividendes aux actionnaires", "surplus_limited") is False


def test_describing_the_organisation_answers_the_excluded_categories_question():
    assert read_answer("association sectorielle d'entreprises collectives", "org_category") == "none"
    assert read_answer("organisme à but non lucratif de réinsertion", "org_category") == "none"
    assert read_answer("on est un syndicat d'entreprises collectives", "org_category") == "union"


def test_not_knowing_inside_an_answer_passes_the_question(kb):
    slots = {
        "legal_form": "nonprofit",
        "org_category": "none",
        "public_control": False,
        "requested_slot": "democratic_governance",
    }
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(
        "on a un CA mais je sais pas s'il est élu par des membres", "inform", slots=slots, active_loop="screening_form"
    )
    events = asyncio.run(screening.ValidateScreeningForm().run(dispatcher, tracker, {}))
    assert SlotSet("screening_skipped", ["democratic_governance"]) in events
    assert "Je n'ai pas saisi" not in texts(dispatcher.messages)
    assert events[-1].get("name") == "requested_slot" and events[-1].get("value") != "democratic_governance"


def test_more_ways_of_asking_whether_it_is_for_us():
    assert screening.asks_about_us(
        "salut! on est une coop d'habitation de 24 logements, ca compte tu comme entreprise d'economie sociale?"
    )
    assert screening.asks_about_us(
        "Bonjour, nous sommes une mutuelle d'assurance régionale. Le programme s'adresse-t-il aussi aux mutuelles ?"
    )
    assert not screening.asks_about_us("le programme s'adresse à qui ?")  # nothing said about "us"


def test_s_adresser_is_no_question_of_address():
    assert answers.asked_value("Le programme s'adresse-t-il aussi aux mutuelles ?") is None
    assert answers.asked_value("c'est quoi l'adresse de la CDRQ ?") == "address"


def test_the_federation_that_would_receive_the_assets_is_not_the_visitor_s_network():
    message = {
        "text": "oui, ça irait à une autre coop ou à la fédération",
        "intent": {"name": "inform"},
        "entities": [{"entity": "network", "value": "fédération", "start": 41, "end": 51}],
    }
    assert extract_profile(message, requested="dissolution_rule") == {"dissolution_rule": True}
    assert extract_profile({**message, "text": "oui on est une fédération"}, requested="legal_form").get("is_network")


def test_what_blocks_us_after_a_verdict_lists_what_fails_and_what_is_left(kb):
    from actions import advice

    tracker = _with_history(
        tracker_for(
            "Qu'est-ce qui nous bloque exactement ?",
            "ask_advice",
            slots={"legal_form": "nonprofit", "org_category": "none", "public_control": True},
        ),
        SYNDICATE_VERDICT,
    )
    msgs, _ = run(advice.ActionAdvice(), tracker)
    said = texts(msgs)
    assert said.startswith("Ce qui bloque, d'après la définition")
    assert "Autonomie face aux organismes publics : " in said and "Ce qui reste à vérifier : " in said
    # without a verdict before, the same words are an ordinary question
    msgs, _ = run(advice.ActionAdvice(), tracker_for("Qu'est-ce qui nous bloque exactement ?", "ask_advice"))
    assert "Ce qui bloque" not in texts(msgs)


def test_a_question_beside_facts_is_answered_by_its_own_action(kb):
    from actions import programme  # noqa: F401  (registers the question actions, as the server does)

    tracker = tracker_for(
        "Nous sommes une coop à Chicoutimi. Par où commencer pour profiter du programme ?",
        "inform",
        [ent("legal_form", "coop"), ent("region", "Chicoutimi")],
        ranking=[{"name": "inform", "confidence": 0.55}, {"name": "ask_how_to_start", "confidence": 0.3}],
    )
    msgs, events = run(screening.ActionNoteProfile(), tracker)
    said = texts(msgs)
    assert "CDRQ" in said and "Source : " in said
    assert any(e.get("name") == "legal_form" and e.get("value") == "cooperative" for e in events)


def test_the_question_intents_answer_as_the_rules_say():
    import yaml

    from tests.conftest import REPO

    rules = yaml.safe_load((REPO / "data" / "rules" / "answers.yml").read_text(encoding="utf-8"))["rules"]
    pairs = {}
    for rule in rules:
        steps = rule.get("steps") or []
        if len(steps) >= 2 and "intent" in steps[0] and "action" in steps[1]:
            pairs[steps[0]["intent"]] = steps[1]["action"]
    for intent, action in screening.QUESTION_INTENT_ACTIONS.items():
        assert pairs.get(intent) == action, intent


def test_an_objection_to_a_verdict_gets_the_reason(kb):
    tracker = _with_history(
        tracker_for("ben on a une mission sociale pourtant??", "nlu_fallback", slots={"legal_form": "business"}),
        "Entreprise privée à but lucratif : non admissible au programme. D'après la définition d'une entreprise d'économie sociale "
        "(rapport du CEFRIO, 2017) et ce que le programme annonce pour chaque volet : le programme vise…",
    )
    msgs, _ = run(fallback.ActionAnswerOrClarify(), tracker)
    said = texts(msgs)
    assert said.startswith("Ce qui bloque") and "entreprise privée" in said.lower()


def test_not_knowing_with_a_question_gets_the_answer_outside_the_screening(kb):
    msgs, _ = run(
        fallback.ActionSkipOrAnswer(), tracker_for("je sais pas pour la dissolution, c'est important?", "skip_question")
    )
    said = texts(msgs)
    assert said.startswith("Dévolution des biens en cas de dissolution : ") and "objectifs semblables" in said
    msgs, _ = run(fallback.ActionSkipOrAnswer(), tracker_for("je sais pas", "skip_question"))
    assert _responses(msgs) == ["utter_anything_else"]


def test_answers_of_the_blind_screenings_dev3_are_read():
    # a place outside Québec said in passing; a place of members is not the organisation's
    outside = extract_profile({"text": "nous sommes une coopérative francophone d'Ottawa. Pouvons-nous participer ?"})
    assert outside == {"based_in_quebec": False}
    assert "based_in_quebec" not in extract_profile({"text": "on a des membres en Ontario aussi"})
    # the city appoints the board: under public control
    said = "c'est un obnl mais c'est le conseil municipal qui nomme le CA"
    assert extract_profile({"text": said}).get("public_control") is True
    # a count of members answers the members question, and is not a head count of staff
    members = {
        "text": "300, dont une vingtaine à Gatineau",
        "intent": {"name": "inform"},
        "entities": [{"entity": "employees", "value": "une vingtaine"}],
    }
    assert extract_profile(members, requested="serves_members_or_community") == {"serves_members_or_community": True}
    assert screening.asks_about_us("Nous voulons un ERP commun pour nos coops membres. Quel volet nous convient ?")


def test_a_legal_form_the_model_did_not_tag_still_gets_the_verdict(kb):
    from actions import eligibility

    text = "Salut! On est une PME inc. avec une mission sociale. On est une entreprise sociale, donc on a droit au programme?"
    msgs, _ = run(eligibility.ActionEligibilityAnswer(), tracker_for(text, "ask_eligibility"))
    said = texts(msgs)
    assert said.startswith("D'après ce que vous m'avez dit (entreprise privée") and "non admissibles" in said


def test_thanks_after_facts_offer_once_to_finish_the_check(kb):
    tracker = tracker_for("Merci beaucoup.", "thank", slots={"legal_form": "cooperative", "is_network": True})
    msgs, _ = run(screening.ActionThank(), tracker)
    assert screening.FINISH_OFFER in texts(msgs) and "/start_screening" in str(msgs)


def test_the_surplus_question_is_asked_so_that_no_means_no_distribution(kb):
    # "Vos règles interdisent-elles ou limitent-elles… ?" was answered "non" by people who distribute
    # nothing: the question now asks whether surpluses are distributed, and its "Non" fills True
    field = "surplus_limited"
    assert read_answer("non", field) is True and read_answer("non aucun", field) is True
    assert read_answer("oui", field) is False
    assert read_answer("oui, des ristournes au prorata", field) is True  # a ristourne is a limited distribution
    dispatcher = CollectingDispatcher()
    screening.ask_question(dispatcher, field)
    buttons = {b["title"]: b["payload"] for b in dispatcher.messages[0]["buttons"]}
    assert buttons["Non, ils restent dans l'organisation"] == "/deny" and buttons["Oui"] == "/affirm"
    assert extract_profile({"text": "/deny", "intent": {"name": "deny"}}, requested=field) == {field: True}


def test_more_answers_of_dev3_are_read():
    assert screening.asks_about_us("je gere un CPE, on est un OBNL. est-ce que le programme est pour nous?")
    assert read_answer("CPE", "org_category") == "none"
    assert read_answer("les parents, 80", "serves_members_or_community") is True
    # a question about a criterion's words states no fact
    assert extract_profile({"text": "Ah bon, pourquoi les ventes comptent ?"}) == {}
    assert extract_profile({"text": "on vend des billets"}) == {"market_activities": True}


def test_thanks_after_a_paused_screening_offer_to_finish_it(kb):
    tracker = tracker_for("merci!", "thank")
    tracker.events.insert(0, {"event": "active_loop", "name": "screening_form"})
    msgs, _ = run(screening.ActionThank(), tracker)
    assert screening.FINISH_OFFER in texts(msgs)


def test_why_a_criterion_counts_after_a_verdict_gets_its_rule(kb):
    tracker = _with_history(tracker_for("Ah bon, pourquoi les ventes comptent ?", "nlu_fallback"), SYNDICATE_VERDICT)
    msgs, _ = run(fallback.ActionAnswerOrClarify(), tracker)
    assert texts(msgs).startswith("Activités marchandes (OBNL) : ")
