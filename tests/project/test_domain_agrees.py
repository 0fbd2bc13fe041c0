"""domain/*.yml, the Python field lists and the advisors' labels agree with knowledge/sources/eligibility.yml.

Adding a question to eligibility.yml means adding its field to domain/core.yml (entity, slot, the
screening form's required_slots) and a label to prescreen's FIELD_LABEL; common.profile reads the
field lists from eligibility.yml itself. These tests say what is missing.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from common import profile
from knowledge import loader
from prescreen.knowledge_glue import FIELD_LABEL

REPO = Path(__file__).resolve().parents[2]
SRC = loader.load_file("eligibility.yml")
KIND = {q.field: q.kind for q in SRC.questions}
# Every field a criterion asks about: the field it tests and the ones deciding whether it applies.
CRITERION_FIELDS = list(
    dict.fromkeys([c.field for c in SRC.criteria] + [f for c in SRC.criteria for f in (c.applies_if or {})])
)
SLOT_TYPE = {"boolean": "any", "choice": "text"}  # True/False, or the option's value


def _domain() -> dict:
    merged: dict = {"entities": [], "slots": {}, "forms": {}}
    for path in sorted((REPO / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["entities"] += data.get("entities") or []
        merged["slots"].update(data.get("slots") or {})
        merged["forms"].update(data.get("forms") or {})
    return merged


DOMAIN = _domain()
FORM_SLOTS = DOMAIN["forms"]["screening_form"]["required_slots"]


def test_every_criterion_field_has_a_question():
    assert set(CRITERION_FIELDS) == set(KIND)


def test_every_criterion_field_is_a_slot_filled_by_the_actions():
    for field in CRITERION_FIELDS:
        slot = DOMAIN["slots"].get(field)
        assert slot is not None, f"domain: no slot « {field} »"
        assert slot["type"] == SLOT_TYPE[KIND[field]], field
        assert slot["mappings"] == [{"type": "custom"}], field  # validate_screening_form fills it


def test_every_criterion_field_is_an_entity():
    # Button answers come as /inform{"<field>": value} or /affirm, /deny; free text as entities.
    missing = [f for f in CRITERION_FIELDS if f not in DOMAIN["entities"]]
    assert not missing, f"domain: entities missing: {missing}"


def test_every_criterion_field_is_required_by_the_screening_form():
    """validate_screening_form.required_slots returns only the engine's next question (actions/
    screening.py), so the order of the domain's list does not matter; but Rasa's form still reads
    that list: only slot events of listed slots (and the requested one) count as form answers, and
    only listed slots already filled are validated when the form starts."""
    missing = [f for f in CRITERION_FIELDS if f not in FORM_SLOTS]
    assert not missing, f"screening_form.required_slots is missing {missing}"


def test_every_slot_of_the_screening_form_is_a_criterion_field():
    assert len(FORM_SLOTS) == len(set(FORM_SLOTS))
    extra = [s for s in FORM_SLOTS if s not in CRITERION_FIELDS]
    assert not extra, f"screening_form asks about fields no criterion tests: {extra}"


def test_python_field_lists_are_the_questions_of_eligibility_yml():
    assert profile.BOOLEAN_FIELDS == tuple(q.field for q in SRC.questions if q.kind == "boolean")
    assert profile.CHOICE_FIELDS == tuple(q.field for q in SRC.questions if q.kind == "choice")
    assert set(profile.PROFILE_SLOTS) == set(FORM_SLOTS)


def test_every_criterion_field_has_a_label_on_the_advisors_cards():
    missing = [f for f in CRITERION_FIELDS if not FIELD_LABEL.get(f)]
    assert not missing, f"prescreen.knowledge_glue.FIELD_LABEL is missing {missing}"
