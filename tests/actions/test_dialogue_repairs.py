"""Ordinary replies that derailed the dialogue, seen in a blind bank's conversations (dev2): a
thanks read as a question, an eligibility question read as off-topic, a correction after a verdict
answered by an unrelated record, a question about "us" that lost the profile said before, a
description of the members not taken as a yes, a definition question answered with head counts."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions import answers, fallback, money_and_dates, screening
from common.profile import read_answer
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
