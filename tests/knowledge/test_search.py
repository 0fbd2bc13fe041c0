"""Case ranking, statistics look-up and comparison, glossary and vocabulary matching."""

from __future__ import annotations

import pytest

from knowledge import cases, lookup, statistics, vocabulary


def test_technology_ranks_cases_that_used_it_first(kb):
    found = cases.search(technology="ERP")
    assert found and all("erp" in r["case"]["technologies"] for r in found)
    assert all(any("Progiciel" in reason for reason in r["reasons"]) for r in found)


def test_more_matching_criteria_rank_higher(kb):
    found = cases.search(text="des exemples de coop en alimentation", limit=5)
    top = found[0]["case"]
    assert top["sector"] == "agri_resources_energy" and top["legal_form"] == "cooperative"
    assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)
    assert found[0]["matched"] == ["legal_form", "sector"] and found[1]["matched"] == ["legal_form"]


def test_need_search(kb):
    found = cases.search(need="cybersécurité")
    assert found[0]["case"]["name"].startswith("Culture Saguenay")


def test_search_without_criteria_returns_nothing(kb):
    assert cases.search() == []
    assert cases.search(text="zzz qqq") == []


def test_similar_to_profile(kb):
    similar = cases.similar_to(
        {"legal_form": "nonprofit", "sector": "leisure_tourism_culture", "region": "saguenay_lac_saint_jean"}
    )
    assert similar and similar[0]["case"]["region"] == "saguenay_lac_saint_jean"


@pytest.mark.parametrize(
    "name", ["librairies independantes", "Les Librairies indépendantes du Québec", "librairies indépendentes"]
)
def test_get_named_case_tolerates_typos(kb, name):
    assert cases.get(name)["name"] == "Les Librairies indépendantes du Québec"


def test_fifteen_cases_have_citations(kb):
    every = cases.all_cases()
    assert len(every) == 15 and all(c["citation"] for c in every)


def test_headline_figure_first(kb):
    top = statistics.find(text="combien vendent en ligne ?")[0]
    assert top["id"] == "web_online_sales_total" and top["value"] == 29 and top["base_n"] == 403


def test_sector_question_prefers_the_sector_group(kb):
    top = statistics.find(text="% des entreprises en loisirs sur les medias sociaux")[0]
    assert top["group"] == {"dimension": "sector", "value": "leisure_tourism_culture"} and top["value"] == 89


def test_compare_profile_to_its_groups(kb):
    c = statistics.compare({"sector": "leisure_tourism_culture", "employees": 3}, "médias sociaux")
    assert (c["total"]["value"], c["sector"]["value"], c["size"]["value"]) == (71, 89, 69)


def test_sector_figures_keep_both_dates(kb):
    figs = statistics.sector_figures("enterprises")
    values = {f["value"] for f in figs}
    assert {7000, 11200} <= values


@pytest.mark.parametrize(
    "question, term_id",
    [("c koi un crm", "crm"), ("ça veut dire quoi infonuagique", "cloud"), ("sociofinancement?", "crowdfunding")],
)
def test_define(kb, question, term_id):
    assert lookup.define(question)["id"] == term_id


def test_define_unknown(kb):
    assert lookup.define("quantique flux capacitor") is None


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("legal_forms", "coop de travail", "cooperative"),
        ("legal_forms", "OBNL", "nonprofit"),
        ("regions", "a Saguenay", "saguenay_lac_saint_jean"),
        ("sectors", "alimentaton", "agri_resources_energy"),
        ("excluded_categories", "un syndicat", "union"),
        ("legal_forms", "😀", None),
        ("legal_forms", "", None),
    ],
)
def test_vocabulary_normalize(kb, kind, text, expected):
    assert vocabulary.normalize(kind, text) == expected


@pytest.mark.parametrize(
    "value, text, expected",
    [
        # the entity model cut the span: the longer form around it in the message decides
        ("but lucratif", "Je gère un CPE, un organisme sans but lucratif.", "nonprofit"),
        ("but lucratif", "on est une entreprise a but lucratif", "business"),
        ("coop", "une coop de travail", "cooperative"),  # no longer form: plain normalize
        ("but lucratif", "", "business"),
    ],
)
def test_vocabulary_normalize_in_context(kb, value, text, expected):
    assert vocabulary.normalize_in("legal_forms", value, text) == expected


def test_partner_lookup_gives_only_sourced_contacts(kb):
    cdrq = lookup.partner("la CDRQ")
    assert cdrq["website"] == "www.cdrq.coop" and cdrq["phone"] is None and cdrq["email"] is None
