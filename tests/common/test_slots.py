"""common/slots.py and domain/*.yml name the same slots, and Python code takes slot names from there."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml
from rasa_sdk.forms import REQUESTED_SLOT as RASA_REQUESTED_SLOT

from common import slots
from common.profile import PROFILE_SLOTS

REPO = Path(__file__).resolve().parents[2]
# Packages whose code reads or writes slots (knowledge/ never sees a tracker).
PYTHON_DIRS = ("actions", "common", "leads", "prescreen", "rasa_server", "web")
# Literals equal to a slot name that do not name the slot: the same word for something else.
NOT_SLOTS = {
    ("leads/store.py", "screening_result"): "a lead record's field (table leads), filled from the slot by the action",
    ("leads/store.py", "consent_given_at"): "a lead record's field (consented_contacts())",
    ("prescreen/cards.py", "consent"): "the card's contact block",
    ("prescreen/cards.py", "consent_given_at"): "a lead record's field",
    ("prescreen/readers.py", "consent"): "the « Consentement : » line of call notes",
    ("prescreen/writers.py", "consent"): "the card's contact block",
}


def _domain() -> dict:
    merged: dict = {"slots": {}, "responses": {}}
    for path in sorted((REPO / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in merged:
            merged[key].update(data.get(key) or {})
    return merged


DOMAIN_SLOTS = set(_domain()["slots"])


def _constants() -> dict:
    return {name: value for name, value in vars(slots).items() if name.isupper()}


def _declared() -> set:
    """Every slot name common/slots.py declares (single names and groups)."""
    out = set()
    for name, value in _constants().items():
        if name.endswith("_SLOT"):
            out.add(value)
        elif name.endswith("_SLOTS"):
            out.update(value)
    return out


def test_every_constant_is_a_slot_name_or_a_documented_value():
    for name, value in _constants().items():
        if name.endswith("_SLOT"):
            assert isinstance(value, str), name
        elif name.endswith("_SLOTS"):
            assert isinstance(value, tuple) and all(isinstance(v, str) for v in value), name
        else:
            assert name == "SKIPPED", f"{name}: a slot constant ends in _SLOT or _SLOTS"


def test_every_declared_slot_is_in_the_domain():
    assert slots.REQUESTED_SLOT == RASA_REQUESTED_SLOT  # Rasa's own, not declared in domain/
    assert slots.REQUESTED_SLOT not in DOMAIN_SLOTS
    missing = _declared() - {slots.REQUESTED_SLOT} - DOMAIN_SLOTS
    assert not missing, f"in common/slots.py but not in domain/*.yml: {sorted(missing)}"


def test_every_domain_slot_is_declared_or_a_profile_field():
    undeclared = DOMAIN_SLOTS - _declared() - set(PROFILE_SLOTS)
    assert not undeclared, f"slots of domain/*.yml missing from common/slots.py: {sorted(undeclared)}"
    assert not _declared() & set(PROFILE_SLOTS)  # the screening answers' slots come from eligibility.yml


def test_the_skip_value_is_the_one_the_domain_tests():
    variants = _domain()["responses"]["utter_ask_contact_phone"]
    conditions = [c for v in variants for c in v.get("condition") or []]
    assert {(c["name"], c["value"]) for c in conditions} == {(slots.CONTACT_EMAIL_SLOT, slots.SKIPPED)}


def test_python_code_takes_slot_names_from_common_slots():
    """No slot name typed as a string outside common/slots.py (profile fields excepted: they are
    the eligibility fields and the context fields, named the same in the knowledge base)."""
    names = (DOMAIN_SLOTS | {slots.REQUESTED_SLOT}) - set(PROFILE_SLOTS) - set(slots.CONTEXT_SLOTS)
    found = []
    for folder in PYTHON_DIRS:
        for path in sorted((REPO / folder).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel == "common/slots.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in names and (rel, node.value) not in NOT_SLOTS:
                    found.append(f"{rel}:{node.lineno} {node.value!r}")
    assert not found, "import these slot names from common.slots: " + ", ".join(found)
