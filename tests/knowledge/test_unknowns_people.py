"""What the sources do not say (lookup.unknowns) and the people they name (lookup.people / person)."""

from __future__ import annotations

import pytest

from knowledge import lookup


def test_unknown_resolves_the_partners_who_can_answer(kb):
    u = lookup.unknown("volet_1_2_amounts")
    assert [p["id"] for p in u["ask_partners"]] == ["cdrq", "chantier"]
    assert u["ask_refs"] == ["la CDRQ", "le Chantier"]
    assert "30 000 $ à 250 000 $" in u["known"] and "volets 1 et 2" in u["known"]
    assert u["citation"].startswith("article-bilan du programme")
    assert all(p["citation"] for p in u["ask_partners"])


def test_unknowns_filter_by_topic_and_volet(kb):
    everything = lookup.unknowns()
    assert len(everything) >= 13 and all(u["ask_partners"] for u in everything)
    assert {u["topic"] for u in lookup.unknowns(topic="funding")} == {"funding"}
    assert {u["id"] for u in lookup.unknowns(volet=3)} == {"filing_dates_year", "top_up_outcome", "refused_projects"}
    assert lookup.unknown("no_such_question") is None


def test_filing_dates_year_says_the_year_is_not_given(kb):
    u = lookup.unknown("filing_dates_year")
    assert "24 janvier" in u["known"] and "sans préciser l'année" in u["known"]
    assert u["ask_refs"] == ["le CQCM"]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("C'est gratuit ?", "organisation_cost"),
        ("combien de temps prend l'autoexamen", "self_assessment_duration"),
        ("le numéro de téléphone de la CDRQ svp", "phone_email"),
        ("le 24 janvier c'est quelle année", "filing_dates_year"),
        ("Y a-t-il un nombre minimum d'employés ?", "minimum_size"),
        ("quand le programme a ete lance", "programme_launch_year"),
        ("quel est le budget total du programme", "total_envelope"),
        ("combien donne le volet 2", "volet_1_2_amounts"),
        ("quel pourcentage des couts est rembourse", "funding_rate"),
        ("où est le formulaire de demande", "application_form"),
        ("jusqu'à quand le programme est offert", "programme_end_date"),
        ("y a t il d'autres subventions du gouvernement", "other_programmes"),
        ("dans combien de temps un conseiller va me rappeler", "advisor_response_time"),
    ],
)
def test_match_unknown(kb, question, expected):
    found = lookup.match_unknown(question)
    assert found and found["id"] == expected


def test_match_unknown_without_a_match(kb):
    assert lookup.match_unknown("") is None
    assert lookup.match_unknown("bonjour") is None
    # "une coop qui se lance dans un projet" is not the programme's launch (dev d127)
    assert (
        lookup.match_unknown("Quels conseils donneriez-vous à une coop qui se lance dans un projet numérique ?") is None
    )
    # a survey share is not the programme's funding rate (dev4 fc12)
    assert lookup.match_unknown("c'est quoi le pourcentage des orgs en loisirs/culture qui vendent en ligne?") is None


def test_person_by_full_name_or_surname(kb):
    p = lookup.person("Qui est Marie-Josée Paquette ?")
    assert (p["role"], p["holder"]["id"]) == ("directrice générale", "cqcm")
    assert "paragraphe 2" in p["citation"]
    assert lookup.person("que fait M. Ethier")["name"] == "Bruno Éthier"
    assert lookup.person("qui est la personne qui s'appelle personne") is None


def test_person_on_a_partner_and_a_case(kb):
    p = lookup.person("martin noel")
    assert p["holder"] == {"kind": "partner", "id": "cdrq", "name": "Coopérative de développement régional du Québec"}
    assert [h["id"] for h in p["also"]] == ["case_librairies_independantes_quebec"]


def test_people_lists_every_holder_kind(kb):
    everyone = lookup.people()
    kinds = {p["holder"]["kind"] for p in everyone}
    assert kinds == {"partner", "case", "programme"}
    thanked = [p for p in everyone if p["holder"]["id"] == "case_03_csad_haute_cote_nord"]
    assert [(p["name"], p["role"]) for p in thanked] == [("Sylvie Gagnon", "directrice générale")]
