"""Failures left from the dev6 blind bank and seen on dev7 (3 December), each a family that recurs."""

from __future__ import annotations

from actions import cases
from knowledge.cases import all_cases
from tests.actions.helpers import ent, run, texts, tracker_for


def test_a_case_card_gives_its_whole_project_never_cut_mid_sentence(kb):
    """dev6 f091: « Quelles technologies la SODER envisage-t-elle pour le projet Bwat ? » got the card
    with the project cut at 420 characters (« … la… »), before the RFID it asked about."""
    for case in all_cases():
        msgs, _ = run(
            cases.ActionCases(), tracker_for("parle moi de ce cas", "ask_cases", [ent("case_name", case["id"])])
        )
        text = texts(msgs)
        assert case["project"] in text, case["id"]
        assert "…" not in text.split("Le projet : ", 1)[1].split("\n", 1)[0], case["id"]


def test_a_case_answer_adds_the_sentence_of_its_record_that_answers_the_question(kb):
    """dev7: « Avant sa plateforme de commerce en ligne, avec quoi La Mauve gérait-elle ses commandes
    et sa facturation ? » got the project, not the result that says Excel; « Quel inconvénient La
    Mauve voit-elle au fait d'utiliser une plateforme commerciale ? » missed its dependence."""
    from knowledge import retrieval
    from knowledge.cases import get

    mauve = get("case_08_la_mauve")
    # the answer shown was the project (the facet the question ranked first): the passage is another
    found = retrieval.best_passages(
        "case",
        mauve,
        "Avant sa plateforme de commerce en ligne, avec quoi La Mauve gérait-elle ses commandes et sa facturation?",
        shown=mauve["project"],
    )
    assert any("Excel" in x for x in found) and not any(x in mauve["project"] for x in found)
    found = retrieval.best_passages(
        "case", mauve, "Quel inconvénient La Mauve voit-elle au fait d'utiliser une plateforme commerciale ?"
    )
    assert any("dépendance" in x for x in found)
    # nothing said twice, nothing for a question that only names the case
    assert retrieval.best_passages("case", mauve, "parle moi de la mauve") == []
    shown = "\n".join(retrieval.case_passages(mauve))
    assert retrieval.best_passages("case", mauve, "avec quoi La Mauve gérait ses commandes ?", shown=shown) == []


def test_a_question_that_names_a_legal_form_but_asks_no_eligibility_is_answered_from_the_knowledge_base(kb):
    """dev7 g150, g177: the NLU read them as eligibility (they say « coop ») and they got « Coopérative :
    oui, sur ce point »."""
    from actions.eligibility import ActionEligibilityAnswer

    msgs, _ = run(
        ActionEligibilityAnswer(),
        tracker_for(
            "Des coops d'un même secteur ont-elles avantage à se regrouper pour un projet numérique?",
            "ask_eligibility",
            [ent("legal_form", "coops")],
        ),
    )
    assert "s'associer" in texts(msgs) and "sur ce point" not in texts(msgs)
    msgs, _ = run(
        ActionEligibilityAnswer(),
        tracker_for(
            "Par quelles étapes une coop doit-elle passer pour faire sa transition numérique avec la CDRQ?",
            "ask_eligibility",
            [ent("legal_form", "coop")],
        ),
    )
    assert "CDRQ" in texts(msgs) and "sur ce point" not in texts(msgs)
    # an eligibility question stays one
    for text in ("une mutuelle de services funeraires ca marche tu", "les syndicats sont tu exclus du programme"):
        msgs, _ = run(ActionEligibilityAnswer(), tracker_for(text, "ask_eligibility"))
        assert "s'associer" not in texts(msgs), text


def test_the_quebec_tu_and_inverted_subjects_make_a_question():
    """dev7 g120: « on est une coop on peut tu redistribuer nos surplus aux membres » was only noted."""
    from actions.answers import looks_like_question

    for text in ("on peut tu redistribuer nos surplus aux membres", "a-t-elle été fondée", "peut-on déposer"):
        assert looks_like_question(text), text
    for text in ("on est une coop a rimouski", "si tu veux", "merci beaucoup"):
        assert not looks_like_question(text), text
