"""Failures seen on a fresh blind bank (dev6, 2 December evening), each a family that recurs: a rule
asked about members ("une coopérative a-t-elle le droit de distribuer ses surplus à ses membres ?")
answered with the term "ristourne" alone; a case's results asked with a verb ("qu'a permis
d'économiser", "permis d'amasser", "ça a donné quoi concrètement") answered with its lessons; "par où
on commence" read as a request to start the screening; thanks with the visitor's own next step
searched as a question; "dautre financement" read as the legal form "autre"; numbered questions
whose number was read as a volet. (The answer to "établie au Québec ?" naming a province outside
Québec, read as a yes because Québec was named beside it: tests/common/test_profile.py.)"""

from __future__ import annotations

from actions import answers
from knowledge import retrieval
from rasa_server.patches import demote_start_screening


def test_a_rule_asked_about_members_gives_the_rule_then_the_term(kb):
    reply = answers.rule_asked("Une coopérative a-t-elle le droit de distribuer ses surplus à ses membres ?")
    assert reply is not None
    assert reply.text.startswith("Distribution des surplus limitée : ") and "limitent" in reply.text
    assert "\nRistourne : " in reply.text
    # the term alone is still the term's answer
    assert answers.rule_asked("une coop peut tu faire des ristournes?") is None


def test_results_asked_with_a_verb_find_the_results_facet(kb):
    for text, case in (
        ("Qu'a permis d'économiser la refonte du logiciel de gestion chez Sercovie ?", "case_01_sercovie"),
        ("Combien la campagne de sociofinancement de L'Euguélienne a-t-elle permis d'amasser ?", "case_12_euguelienne"),
        ("sercovie ca a donné quoi concretement", "case_01_sercovie"),
    ):
        top = retrieval.search(text, k=1)[0]
        assert (top.record["id"], top.facet) == (case, "results"), text


def test_par_ou_on_commence_is_a_question_not_the_screening():
    ranking = [
        {"name": "start_screening", "confidence": 0.5},
        {"name": "ask_how_to_start", "confidence": 0.3},
    ]
    parse = {
        "text": "par ou on commence si on veut prendre le virage numerique",
        "intent": {"name": "start_screening", "confidence": 0.5},
        "intent_ranking": ranking,
        "entities": [],
    }
    assert demote_start_screening(parse)["intent"]["name"] == "ask_how_to_start"


def test_thanks_with_the_visitors_own_next_step_is_a_closing():
    """dev6 fc12: "ok je vais en parler au CA, merci" got a statistic on « parler »."""
    from actions import fallback

    assert fallback.closing("ok je vais en parler au CA, merci") == "thank"
    assert fallback.closing("ok je vais verifier pis je reviens, merci, bonne journee") == "both"
    # a question, or a wish to reach someone (their contact helps), is not only a closing
    assert fallback.closing("merci, on va faire quoi apres?") == ""
    assert fallback.closing("merci, on va contacter la cdrq") == ""


def test_other_is_a_legal_form_only_when_said_as_one(kb):
    """dev6 f027: "on peut tu avoir dautre financement" was read as the legal form « autre », and the
    visitor told that no volet was open to them."""
    from common.profile import read_answer
    from knowledge import vocabulary

    assert vocabulary.find_all("legal_forms", "apres le plan strategique on peut tu avoir dautre financement") == []
    assert read_answer("Autre", "legal_form") == "other"  # the form's button, typed


def test_numbered_questions_keep_the_volet_of_the_first(kb):
    """dev6 fc03: "2 questions : 1) … déposer au volet 3? 2) cest quoi le montant max?" answered the
    second with volet 2's amount: « 2) » was read as the volet, and the volet named before was lost."""
    text = (
        "2 questions : 1) une fédération de coops d'habitation peut tu déposer au volet 3? 2) cest quoi le montant max?"
    )
    parts = answers.split_questions(text)
    assert parts[1] == "cest quoi le montant max"
    replies = answers.answers_for_parts(parts)
    assert replies is not None and "250 000 $" in replies[1].text and "Volet 2" not in replies[1].text
