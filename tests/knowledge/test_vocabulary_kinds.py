"""knowledge.vocabulary declares, once, which vocabulary kind each field and NLU entity refers to.

Checked against the files that use those names: the entities of domain/*.yml (core.yml notes
"→ vocabulary.<kind>" beside each vocabulary entity), their slots, the lookup tables of
data/nlu/lookups.yml and the kinds of knowledge/sources/vocabulary.yml.
"""

from __future__ import annotations

import re

import yaml

from knowledge import paths
from knowledge.vocabulary import ENTITY_FIELDS, ENTITY_KINDS, FIELD_KINDS, KINDS, LOOKUP_KINDS

DOMAIN_FILES = sorted((paths.REPO_ROOT / "domain").glob("*.yml"))
VOCABULARY_FILE = paths.SOURCES_DIR / "vocabulary.yml"
LOOKUPS_FILE = paths.REPO_ROOT / "data" / "nlu" / "lookups.yml"
ANNOTATED = re.compile(r"^\s*-\s*(?P<entity>\w+)\s*#.*→\s*vocabulary\.(?P<kind>\w+)", re.MULTILINE)


def _domain(key: str) -> set:
    out = set()
    for path in DOMAIN_FILES:
        section = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(key) or []
        out.update(e if isinstance(e, str) else next(iter(e)) for e in section)
    return out


def _annotated_entities() -> dict:
    """entity -> kind, from the "→ vocabulary.<kind>" notes of the domain files."""
    return {
        m["entity"]: m["kind"] for path in DOMAIN_FILES for m in ANNOTATED.finditer(path.read_text(encoding="utf-8"))
    }


def _vocabulary_kinds() -> set:
    return set(yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))) - {"version"}


def test_kinds_are_the_kinds_of_vocabulary_yml():
    assert set(KINDS) == _vocabulary_kinds()
    for table in (FIELD_KINDS, ENTITY_KINDS, LOOKUP_KINDS):
        assert set(table.values()) <= set(KINDS), table


def test_every_vocabulary_entity_of_the_domain_has_a_kind():
    annotated = _annotated_entities()
    assert annotated, "domain/core.yml no longer notes « → vocabulary.<kind> » beside its entities"
    entities = _domain("entities")
    for entity, kind in annotated.items():
        assert entity in entities
        assert entity in ENTITY_KINDS, f"entity « {entity} » is read into no profile field"
        assert LOOKUP_KINDS[entity] == kind, entity
    # and the other way round: nothing declared for an entity the domain does not have
    assert set(ENTITY_FIELDS) == set(annotated)
    # a domain entity named like a vocabulary field is a vocabulary entity
    assert {e for e in entities if e in FIELD_KINDS} <= set(ENTITY_FIELDS)


def test_entities_are_read_into_slots_of_the_domain():
    slots = _domain("slots")
    assert set(ENTITY_FIELDS.values()) <= slots
    for entity, field in ENTITY_FIELDS.items():
        assert ENTITY_KINDS[entity] == FIELD_KINDS[field]


def test_technology_is_read_as_a_need_but_taught_with_the_technologies():
    assert ENTITY_FIELDS["technology"] == "needs" and ENTITY_KINDS["technology"] == "needs"
    assert LOOKUP_KINDS["technology"] == "technologies"


def test_lookup_tables_are_the_vocabulary_entities():
    data = yaml.safe_load(LOOKUPS_FILE.read_text(encoding="utf-8"))
    assert [block["lookup"] for block in data["nlu"]] == list(LOOKUP_KINDS)
