"""Failures seen on the dev9 blind bank (3 December, noon), each a family that recurs."""

from __future__ import annotations

from actions import screening
from actions.answers import looks_like_question
from tests.actions.helpers import ent, run, texts, tracker_for


def test_questions_asked_in_the_middle_of_a_sentence_are_questions():
    """dev9 j094, j170, j075: « elle dessert quels coins de mtl », « yont tu l'intention de s'y mettre »,
    « ça pose tu problème » were noted as facts about the visitor (« Noté : Montréal »)."""
    for text in (
        "la maisonnette sud-ouest elle dessert quels coins de mtl",
        "pis celles qui vendent pas en ligne, yont tu lintention de sy mettre",
        "cest notre CA elu qui decide de tout, ca pose tu probleme",
        "ils sont dans quelle region",
    ):
        assert looks_like_question(text), text
    for text in ("on est une coop a rimouski", "si tu veux", "merci beaucoup", "on est dans l'estrie"):
        assert not looks_like_question(text), text


def test_a_case_question_with_a_place_in_it_is_answered_not_noted(kb):
    """dev9 j094: the place named in a question about a case is not the visitor's region."""
    msgs, events = run(
        screening.ActionNoteProfile(),
        tracker_for("la maisonnette sud-ouest elle dessert quels coins de mtl", "inform", [ent("region", "mtl")]),
    )
    said = texts(msgs)
    assert "Saint-Henri" in said and "Noté" not in said


def test_subsidies_from_the_city_with_an_elected_board_is_no_public_control(kb):
    """dev9 j075: « on reçoit des subventions de la ville mais c'est notre CA élu qui décide de tout »."""
    from common.profile import read_answer

    text = "notre organisme recoit des subventions de la ville mais cest notre CA elu qui decide de tout"
    assert read_answer(text, "public_control") is False
    assert screening.asks_about_us(text + ", ca pose tu probleme")


def test_an_example_of_the_social_economy_is_said_to_be_one(kb):
    """dev9 j066, j067, j078, j079: « un CPE c'est tu de l'économie sociale ? », « une radio
    communautaire ça rentre tu là-dedans » got the criteria only; the report lists them among its
    examples (knowledge/sources/programme.yml, social_economy_examples)."""
    from actions import eligibility

    for text, entities, named in (
        ("un cpe cest tu de leconomie sociale ca?", [ent("sector", "cpe")], "« CPE »"),
        ("une radio communautaire ca rentre tu la dedans", [ent("sector", "radio communautaire")], "« Radio"),
        (
            "Les coops dhabitation font tu partie de l'économie sociale ?",
            [ent("legal_form", "coops")],
            "« Coop d'habitation »",
        ),
    ):
        msgs, _ = run(eligibility.ActionEligibilityAnswer(), tracker_for(text, "ask_eligibility", entities))
        said = texts(msgs)
        assert said.startswith(named) and "fait partie des exemples" in said, text
        assert "centres de la petite enfance" in said
    # a sector the report does not list is not said to be an example
    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for("une coop de taxi c'est admissible ?", "ask_eligibility", [ent("legal_form", "coop")]),
    )
    assert "fait partie des exemples" not in texts(msgs)


def test_two_forms_named_in_general_get_who_the_programme_is_for(kb):
    """dev9 j007: « c'est tu juste pour les coops ou ben les obnl peuvent embarquer aussi » was
    answered « Coopérative : oui, sur ce point »."""
    from actions import eligibility

    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for(
            "cest tu juste pour les coops ou ben les obnl peuvent embarquer aussi",
            "ask_eligibility",
            [ent("legal_form", "coops"), ent("legal_form", "obnl")],
        ),
    )
    said = texts(msgs)
    assert said.startswith("Entreprises collectives du Québec : coopératives, mutuelles et OBNL")
    assert "Coopérative : oui" not in said


def test_follow_ups_that_ask_again_or_ask_where(kb):
    """dev9 jc02, jc04, jc05: « Qui était le directeur interrogé, déjà ? » lost Sercovie; « Elle est où,
    cette coop-là ? » was answered « Oui, c'est une coopérative »; « par où on commence » was only
    noted."""
    from actions import answers

    assert answers.refers_back("Qui était le directeur interrogé, déjà ?")
    reply = answers.follow_up("Qui était le directeur interrogé, déjà ?", "case:case_01_sercovie", None)
    assert reply is not None and "Rémi Demers" in reply.text
    assert answers.case_form_asked("Elle est où, cette coop-là ?", "case_08_la_mauve") is None
    reply = answers.case_form_asked("c'est une coop?", "case_08_la_mauve")
    assert reply is not None and reply.text.startswith("Oui.")
    assert looks_like_question("on est une coop a jonquiere, par ou on commence avec la cdrq")


def test_the_cqcm_hope_and_the_programme_origin_are_reached(kb):
    """dev9 j003, j008, dev2 e008: « créé à la demande de qui ? », « à plus long terme, qu'espère le
    CQCM ? » missed the facts that say it."""
    from knowledge import retrieval

    for text, record in (
        ("le programme a ete cree a la demande de qui?", "why_distinct_programme"),
        ("À plus long terme, qu'espère le CQCM que ce soutien apporte aux entreprises ?", "springboard"),
        ("kossé que le CQCM souhaite que le programme donne aux coops a long terme", "springboard"),
        ("le sondage ca a ete fait comment pis par qui", "cefrio_survey_fieldwork"),
        (
            "combien dentreprises ont appele les partenaires jusqua date pour leur projet",
            "uptake_enterprises_contacted",
        ),
    ):
        top = retrieval.search(text, k=2)
        assert top[0].record_id == record, text
        assert top[0].score > 1.5 * top[1].score, text
