"""Fix 9 of rasa_server/patches.py: during a form, an answer to the question asked is read as an
answer (`inform`), whatever intent the model gave it, unless it asks something back."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

from rasa_server.patches import read_contact_answer_as_data, read_screening_answer_as_data


class FakeTracker:
    def __init__(self, loop: Optional[str], requested: Optional[str]):
        self.active_loop_name = loop
        self._slots = {"requested_slot": requested}

    def get_slot(self, name: str) -> Any:
        return self._slots.get(name)


def _parse(text: str, intent: str) -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.8}, "intent_ranking": [{"name": intent}]}


@pytest.mark.parametrize(
    "requested, text, intent",
    [
        ("dissolution_rule", "oui, ça irait à une autre coop ou à la fédération", "ask_eligibility"),
        ("structuring_project", "un projet de cybersécurité pour tout le réseau", "ask_advice"),
        ("surplus_limited", "non on fait pas de profits", "ask_amounts"),
        ("legal_form", "Coopérative", "ask_programme"),
    ],
)
def test_an_answer_to_the_screening_question_is_an_answer(kb, requested, text, intent):
    out = read_screening_answer_as_data(_parse(text, intent), FakeTracker("screening_form", requested))
    assert out["intent"]["name"] == "inform"
    assert out["intent_ranking"] == [{"name": intent}]  # the model's reading is kept


@pytest.mark.parametrize(
    "loop, requested, text, intent",
    [
        ("screening_form", "dissolution_rule", "c'est quoi la dissolution, une autre coop ?", "ask_definition"),
        ("screening_form", "structuring_project", "combien pour un projet structurant", "ask_amounts"),
        ("screening_form", "dissolution_rule", "arrête", "stop"),
        ("screening_form", "public_control", "c'est quoi le volet 3", "ask_volets"),
        (None, "dissolution_rule", "oui, ça irait à une autre coop", "ask_eligibility"),
        ("screening_form", None, "oui, ça irait à une autre coop", "ask_eligibility"),
    ],
)
def test_a_side_question_or_no_pending_question_keeps_the_model_intent(kb, loop, requested, text, intent):
    out = read_screening_answer_as_data(_parse(text, intent), FakeTracker(loop, requested))
    assert out["intent"]["name"] == intent


def test_the_contact_form_fix_still_applies(kb):
    out = read_contact_answer_as_data(
        _parse("annule.roy@coop.ca", "stop"), FakeTracker("contact_form", "contact_email")
    )
    assert out["intent"]["name"] == "inform"


def test_a_question_word_question_is_no_request_to_start_the_screening():
    ranking = [
        {"name": "start_screening", "confidence": 0.6},
        {"name": "ask_partners", "confidence": 0.2},
        {"name": "inform", "confidence": 0.1},
    ]
    parse = {
        **_parse("Qui pourrait nous accompagner dans notre planification ?", "start_screening"),
        "intent_ranking": ranking,
    }
    from rasa_server.patches import demote_start_screening

    assert demote_start_screening(parse)["intent"]["name"] == "ask_partners"
    for text in (
        "suis-je admissible ?",
        "quel est mon admissibilité",
        "vérifier mon admissibilité",
        "/start_screening",
    ):
        kept = demote_start_screening({**_parse(text, "start_screening"), "intent_ranking": ranking})
        assert kept["intent"]["name"] == "start_screening", text
    # a hypothesis does not start the screening (dev4 fc08: "et si on modifie nos règlements ?")
    for text in (
        "et si on modifie nos reglements a la prochaine AG?",
        "si on devenait une coop, on serait admissible ?",
    ):
        moved = demote_start_screening({**_parse(text, "start_screening"), "intent_ranking": ranking})
        assert moved["intent"]["name"] == "ask_partners", text


def test_statements_then_a_question_are_read_by_their_question():
    from rasa_server.patches import question_to_re_read, read_trailing_question

    text = "on est une petite coop de 4 personnes. on commence par quoi ?"
    for intent in ("nlu_fallback", "inform"):
        assert question_to_re_read(_parse(text, intent)) == "on commence par quoi ?"
    # a confident reading of the whole message, one sentence, or a button payload: no second parse
    assert question_to_re_read(_parse(text, "ask_how_to_start")) == ""
    assert question_to_re_read(_parse("on commence par quoi ?", "nlu_fallback")) == ""
    assert question_to_re_read(_parse("/inform", "inform")) == ""
    whole = {**_parse(text, "inform"), "entities": [{"entity": "legal_form", "value": "coop"}]}
    moved = read_trailing_question(whole, {"intent": {"name": "ask_how_to_start", "confidence": 0.85}})
    assert moved["intent"]["name"] == "ask_how_to_start" and moved["entities"] == whole["entities"]
    assert moved["text"] == text
    # the question cannot be placed alone either: the fallback's retrieval reads it
    fell = read_trailing_question(whole, {"intent": {"name": "nlu_fallback", "confidence": 0.4}})
    assert fell["intent"]["name"] == "nlu_fallback"
    # an unsure or non-question reading of the question keeps the whole message's
    for reading in ({"name": "ask_volets", "confidence": 0.3}, {"name": "greet", "confidence": 0.9}):
        assert read_trailing_question(whole, {"intent": reading})["intent"]["name"] == "inform"


def test_a_greeting_with_a_question_is_read_by_its_question():
    from rasa_server.patches import question_to_re_read, read_trailing_question

    text = "bonjour! on connait rien au numerique, par ou on commence"
    assert question_to_re_read(_parse(text, "greet")) == "par ou on commence"
    assert question_to_re_read(_parse("bonjour, c'est quoi le volet 2", "greet")) == "c'est quoi le volet 2"
    assert question_to_re_read(_parse("allo", "greet")) == ""
    greeted = _parse(text, "greet")
    moved = read_trailing_question(greeted, {"intent": {"name": "ask_how_to_start", "confidence": 0.94}})
    assert moved["intent"]["name"] == "ask_how_to_start"
    # what follows the greeting cannot be placed: the greeting's action reads it (actions/fallback.py)
    kept = read_trailing_question(greeted, {"intent": {"name": "nlu_fallback", "confidence": 0.4}})
    assert kept["intent"]["name"] == "greet"


def test_what_digital_tools_can_do_is_no_request_to_start_the_screening():
    from rasa_server.patches import demote_start_screening

    ranking = [{"name": "start_screening", "confidence": 0.47}, {"name": "ask_advice", "confidence": 0.2}]
    text = "le numerique peut tu nous aider pour nos AG pis la gouvernance democratique"
    parse = {**_parse(text, "start_screening"), "intent_ranking": ranking}
    assert demote_start_screening(parse)["intent"]["name"] == "ask_advice"
