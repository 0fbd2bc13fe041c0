"""Every criterion on both sides of its boundary, every exclusion, unknowns, and question order."""

from __future__ import annotations

import pytest

from knowledge import eligibility, loader
from knowledge.eligibility import CriterionStatus, Verdict

# A co-operative that passes every criterion of every volet (a network with a structuring project).
PASSING = {
    "legal_form": "cooperative",
    "org_category": "none",
    "based_in_quebec": True,
    "market_activities": True,
    "public_control": False,
    "democratic_governance": True,
    "serves_members_or_community": True,
    "surplus_limited": True,
    "dissolution_rule": True,
    "is_network": True,
    "structuring_project": True,
}
SRC = loader.load_sources().files["eligibility.yml"]
CRITERIA = {c.id: c for c in SRC.criteria}
NEEDED_BY = {cid: [r.volet for r in SRC.requirements if cid in r.criteria] for cid in CRITERIA}
FAILING_VALUE = {
    "collective_legal_form": "business",
    "not_excluded_category": "union",
    "market_activities": False,
    "serves_needs": False,
    "not_public_control": True,
    "democratic_governance": False,
    "surplus_limited": False,
    "dissolution_rule": False,
    "based_in_quebec": False,
    "is_network": False,
    "structuring_project": False,
}


def _status(result, volet):
    return result.volet(volet)


def test_fully_passing_profile_is_eligible_everywhere(kb):
    result = eligibility.evaluate(PASSING)
    assert result.eligible_volets == [1, 2, 3]
    assert result.complete and result.next_question is None


def test_failing_value_table_covers_every_criterion():
    assert set(FAILING_VALUE) == set(CRITERIA)


@pytest.mark.parametrize("criterion_id", sorted(CRITERIA))
def test_each_criterion_on_both_sides(kb, criterion_id):
    crit = CRITERIA[criterion_id]
    profile = dict(PASSING)
    if criterion_id == "market_activities":
        profile["legal_form"] = "nonprofit"  # only applies to non-profits
    passing = eligibility.evaluate(profile)
    profile[crit.field] = FAILING_VALUE[criterion_id]
    failing = eligibility.evaluate(profile)
    for volet in NEEDED_BY[criterion_id]:
        assert _status(passing, volet).status == Verdict.ELIGIBLE
        v = _status(failing, volet)
        assert v.status == Verdict.NOT_ELIGIBLE
        assert [c.id for c in v.decisive] == [criterion_id]
        assert v.decisive[0].explanation == crit.explanations.fail
        assert v.decisive[0].source
    for volet in {1, 2, 3} - set(NEEDED_BY[criterion_id]):
        assert _status(failing, volet).status == _status(passing, volet).status


@pytest.mark.parametrize(
    "category",
    ["professional_order", "professional_group", "employer_group", "political_party", "religious_org", "union"],
)
def test_each_exclusion_excludes_from_every_volet(kb, category):
    result = eligibility.evaluate({**PASSING, "org_category": category})
    assert result.eligible_volets == []
    assert all(v.decisive[0].id == "not_excluded_category" for v in result.volets)


@pytest.mark.parametrize("form", ["business", "public_body", "other"])
def test_non_collective_forms_are_excluded(kb, form):
    assert eligibility.evaluate({"legal_form": form}).eligible_volets == []
    assert all(v.status == Verdict.NOT_ELIGIBLE for v in eligibility.evaluate({"legal_form": form}).volets)


@pytest.mark.parametrize("form", ["cooperative", "mutual", "nonprofit"])
def test_collective_forms_pass_the_form_criterion(kb, form):
    v1 = _status(eligibility.evaluate({"legal_form": form, "org_category": "none"}), 1)
    crit = next(c for c in v1.criteria if c.id == "collective_legal_form")
    assert crit.status == CriterionStatus.PASS
    # the rest of the definition of a social-economy enterprise is still to be answered
    assert v1.status == Verdict.UNKNOWN and "democratic_governance" in [c.id for c in v1.missing]


@pytest.mark.parametrize(
    "failing", [{"public_control": True}, {"democratic_governance": False}, {"based_in_quebec": False}]
)
def test_volet_1_is_for_social_economy_enterprises_only(kb, failing):
    # a recreation corporation whose board the city appoints is not told it qualifies for volet 1
    result = eligibility.evaluate({"legal_form": "nonprofit", "org_category": "none", **failing})
    assert _status(result, 1).status == Verdict.NOT_ELIGIBLE
    assert _status(result, 2).status == Verdict.NOT_ELIGIBLE


def test_market_activities_do_not_apply_to_cooperatives(kb):
    result = eligibility.evaluate({**PASSING, "market_activities": False})
    assert result.eligible_volets == [1, 2, 3]
    crit = next(c for c in _status(result, 2).criteria if c.id == "market_activities")
    assert crit.status == CriterionStatus.NOT_APPLICABLE


def test_single_enterprise_is_not_eligible_to_volet_3(kb):
    result = eligibility.evaluate({**PASSING, "is_network": False})
    assert result.eligible_volets == [1, 2]
    assert "réseaux" in _status(result, 3).decisive[0].explanation


@pytest.mark.parametrize("garbage", [None, "", "banane", 42, "<script>", "'; DROP TABLE kb_cases; --", "🙂", ["x"]])
def test_unknown_or_malformed_answers_never_crash(kb, garbage):
    result = eligibility.evaluate({"legal_form": garbage, "public_control": garbage, "bogus_field": garbage})
    assert all(v.status == Verdict.UNKNOWN for v in result.volets)
    assert result.next_question.field == "legal_form"


def test_accepts_user_words_for_answers(kb):
    result = eligibility.evaluate({"legal_form": "coop", "org_category": "aucun", "public_control": "non"})
    assert result.profile == {"legal_form": "cooperative", "org_category": "none", "public_control": False}


def test_cooperative_or_mutual_is_no_excluded_category(kb):
    # a co-op or a mutual is not a union, an order, a party…: the question is not asked; an OBNL may be one
    for form in ("cooperative", "mutual"):
        result = eligibility.evaluate({"legal_form": form})
        assert result.profile["org_category"] == "none" and "org_category" not in result.missing_fields
        assert next(c for c in result.volet(1).criteria if c.id == "not_excluded_category").status == "pass"
    assert "org_category" in eligibility.evaluate({"legal_form": "nonprofit"}).missing_fields
    # what the user said wins over the derivation
    assert (
        eligibility.evaluate({"legal_form": "cooperative", "org_category": "union"}).volet(1).status == "not_eligible"
    )


def test_region_implies_quebec(kb):
    assert eligibility.evaluate({"region": "Saguenay"}).profile["based_in_quebec"] is True


def test_exclusions_are_asked_first_then_shared_criteria(kb):
    assert eligibility.evaluate({}).next_question.field == "legal_form"
    assert eligibility.evaluate({"legal_form": "nonprofit"}).next_question.field == "org_category"
    nxt = eligibility.evaluate({"legal_form": "cooperative", "org_category": "none"}).next_question
    assert nxt.volets_affected == 3  # a criterion of the definition, shared by the three volets


def test_applicability_is_settled_before_dependent_question(kb):
    missing = eligibility.evaluate({"org_category": "none"}).missing_fields
    assert missing[0] == "legal_form" and "market_activities" not in missing


def test_network_question_comes_before_structuring_project(kb):
    missing = eligibility.evaluate({"legal_form": "cooperative", "org_category": "none"}).missing_fields
    assert missing.index("is_network") < missing.index("structuring_project")


def test_a_non_network_is_never_asked_about_structuring_projects(kb):
    profile = {**PASSING, "is_network": False}
    del profile["structuring_project"]
    assert "structuring_project" not in eligibility.evaluate(profile).missing_fields


def test_skipped_questions_are_not_asked_again(kb):
    result = eligibility.evaluate({}, skipped=["legal_form"])
    assert result.next_question.field != "legal_form"
    assert "legal_form" not in result.missing_fields


def test_every_question_has_a_source_and_options(kb):
    for q in SRC.questions:
        question = eligibility.question(q.field)
        assert question["citation"] and question["options"]


def test_statuses_are_plain_strings_in_text_and_dicts(kb):
    result = eligibility.evaluate({"legal_form": "business"})
    assert f"{Verdict.NOT_ELIGIBLE}" == str(Verdict.NOT_ELIGIBLE) == "not_eligible"
    data = result.as_dict()
    statuses = [v["status"] for v in data["volets"]] + [c["status"] for v in data["volets"] for c in v["criteria"]]
    assert statuses and all(type(s) is str for s in statuses)
    assert list(data) == [
        "profile",
        "volets",
        "eligible_volets",
        "undecided_volets",
        "next_question",
        "missing_fields",
        "complete",
        "validation_note",
    ]
    assert list(data["volets"][0]) == ["volet", "name", "status", "criteria", "decisive", "missing", "note"]
    assert list(data["volets"][0]["criteria"][0]) == ["id", "label", "field", "status", "explanation", "source"]
    assert data["volets"][0]["decisive"] == [c for c in data["volets"][0]["criteria"] if c["status"] == "fail"]


def test_next_question_as_dict(kb):
    nxt = eligibility.evaluate({}).next_question.as_dict()
    assert list(nxt) == ["field", "question", "kind", "options", "criteria", "volets_affected", "source"]
    assert nxt["field"] == "legal_form" and nxt["kind"] == "choice"


def test_screening_fields_are_the_questions_of_eligibility_yml_in_order():
    assert eligibility.screening_fields() == tuple(q.field for q in SRC.questions)
    for kind in ("boolean", "choice"):
        assert eligibility.screening_fields(kind) == tuple(q.field for q in SRC.questions if q.kind == kind)
