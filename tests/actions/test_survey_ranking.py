"""Questions that rank survey figures rather than ask one: "la préoccupation la plus citée", "quel
secteur utilise le plus le Web", "les petites orgs utilisent quoi surtout", "le commerce de détail
veut investir dans quoi". Before, retrieval picked the figure whose label shared most words with
the question (the top concern, 83 %, was left out) or nothing confident at all."""

from __future__ import annotations

from actions import answers


def _values(reply):
    return [line.rsplit(" : ", 1)[1].split(" %")[0] for line in reply.text.splitlines()]


def test_the_most_cited_concern_comes_first_whatever_the_words_around_it(kb):
    for question in (
        "Quelle est la préoccupation d'affaires la plus citée par les entreprises sondées ?",
        "Quelle est la préoccupation d'affaires la plus répandue chez les entreprises interrogées ?",
        "c'est quoi les principales préoccupations des dirigeants",
    ):
        reply = answers.figures_answer(question)
        assert reply is not None, question
        first = reply.text.splitlines()[0]
        assert "qualité de leurs produits et services" in first and "83 %" in first, (question, first)
        assert _values(reply) == sorted(_values(reply), key=int, reverse=True)


def test_which_sector_compares_one_figure_across_the_sectors(kb):
    reply = answers.figures_answer("quel secteur utilise le plus le web")
    assert reply is not None
    lines = reply.text.splitlines()
    assert all("secteur" in line for line in lines)
    assert "loisirs" in lines[0] and "84 %" in lines[0]
    # one figure compared, not four figures of one group
    assert len({line.split(" — ")[0] for line in lines}) == 1


def test_the_leading_tools_of_a_size_group_and_of_a_sector(kb):
    reply = answers.uses_by_group("on est 3 employes. les petites orgs comme nous utilisent quoi surtout comme outils")
    assert reply is not None
    assert reply.text.splitlines()[0].startswith(
        "• Entreprises qui utilisent une suite bureautique — entreprises de moins de 5"
    )
    assert "93 %" in reply.text and "69 %" in reply.text
    reply = answers.uses_by_group("les compagnies du commerce de detail veulent investir dans quoi")
    assert reply is not None and "prévoient investir" in reply.text and "31 %" in reply.text
    assert all("commerce de détail" in line for line in reply.text.splitlines())
    # "le moins": from the bottom, but only where the report prints the whole table
    least = answers.uses_by_group("quel outil est le moins utilise dans le secteur loisirs")
    assert least is not None and _values(least) == sorted(_values(least), key=int)
    assert answers.uses_by_group("quelle technologie est la moins utilisée par les petites entreprises") is None


def test_a_sector_typed_with_its_article_glued_on_is_found(kb):
    reply = answers.uses_by_group("les coops dhabitation ca utilise tu le numerique")
    assert reply is not None and "habitation et location" in reply.text and "81 %" in reply.text


def test_questions_that_are_not_about_a_groups_tools_are_left_alone(kb):
    for question in (
        "La Mauve utilise quoi comme logiciel",  # a case's own tools
        "comment utiliser l'autoexamen",
        "combien d'entreprises utilisent les médias sociaux",  # one technology named
        "c'est quoi le volet 2",
    ):
        assert answers.uses_by_group(question) is None, question


def test_a_figure_line_names_its_group_once(kb):
    reply = answers.uses_by_group("les entreprises de 20 employés et plus utilisent quoi")
    assert reply is not None
    for line in reply.text.splitlines():
        assert line.count("20 employés et plus") == 1, line


def test_statements_before_a_question_are_kept_and_the_question_is_answered(kb):
    from actions import fallback
    from tests.actions.helpers import run, texts, tracker_for

    text = "on est une petite coop de 4 personnes. quels outils on a pour s'autoevaluer"
    entities = [{"entity": "legal_form", "value": "coop"}]  # what the NLU finds in it
    msgs, events = run(fallback.ActionAnswerOrClarify(), tracker_for(text, "nlu_fallback", entities))
    said = texts(msgs)
    assert "Autoexamen" in said and "MaisonNette" not in said
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots.get("legal_form") == "cooperative"
    # one sentence: nothing is stated before the question, no slot is guessed
    one = tracker_for("la coop: quels outils on a pour s'autoevaluer", "nlu_fallback", entities)
    _, events = run(fallback.ActionAnswerOrClarify(), one)
    assert not any(e.get("name") == "legal_form" for e in events if e.get("event") == "slot")


def test_the_group_a_question_names(kb):
    assert answers.survey_group("les entreprises sans ressource TI investissent dans quoi") == {
        "dimension": "it_resource",
        "value": "without",
    }
    assert answers.survey_group("celles avec un informaticien")["value"] == "with"
    # human resources are no IT person
    assert answers.survey_group("une ressource humaine de plus")["dimension"] == "total"
