"""common.pii: personal data masked whatever its shape, ordinary questions left alone (issue 20)."""

from __future__ import annotations

import pytest

from bench.pii import leaked, ordinary_samples, personal_samples
from common import pii
from common.contact import mask_contacts

PERSONAL = personal_samples()
ORDINARY = ordinary_samples()


def test_the_corpus_is_big_enough():
    assert len(PERSONAL) >= 100 and len(ORDINARY) >= 100
    assert all(s.secrets for s in PERSONAL)


def test_every_personal_datum_of_the_corpus_is_masked():
    missed = []
    for sample in PERSONAL:
        masked = pii.mask(sample.text)
        left = [p for secret in sample.secrets for p in leaked(masked, secret)]
        if left:
            missed.append((sample.text, masked, left))
    assert missed == []


def test_no_ordinary_question_is_masked():
    wrong = [(q, pii.mask(q)) for q in ORDINARY if pii.mask(q) != q]
    assert wrong == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("appelez au 514 555 01 99", "appelez au [téléphone masqué]"),
        ("555-0199", "[téléphone masqué]"),
        ("nom (at) domaine point com", "[courriel masqué]"),
        ("je m'appelle marie tremblay", "je m'appelle [nom masqué]"),
        ("1234 rue Saint-Denis, Montréal", "[adresse masquée], Montréal"),
        ("H2X 1Y4", "[code postal masqué]"),
        ("NAS 123 456 789", "NAS [NAS masqué]"),
        ("on a 80 000 $ et 5 à 19 employés", "on a 80 000 $ et 5 à 19 employés"),
    ],
)
def test_each_shape_has_its_mask(text, expected):
    assert pii.mask(text) == expected


def test_patterns_only_is_what_logs_and_prescreen_use():
    assert mask_contacts("écrivez à marie arobase coop.ca ou 555-0199") == (
        "écrivez à [courriel masqué] ou [téléphone masqué]"
    )


def test_names_published_by_the_sources_are_not_personal():
    assert pii.mask("Qui est Marie-Josée Paquette ?") == "Qui est Marie-Josée Paquette ?"
    assert pii.mask("Parlez-moi de Marie Ouimet-Paquette") != "Parlez-moi de Marie Ouimet-Paquette"


def test_metadata_is_masked_key_by_key():
    meta = {"courriel": "x", "contexte": {"note": "écrire à paul@coop.ca"}, "n": 3, "liste": ["555-0199"]}
    assert pii.mask_structure(meta) == {
        "courriel": "[masqué]",
        "contexte": {"note": "écrire à [courriel masqué]"},
        "n": 3,
        "liste": ["[téléphone masqué]"],
    }


def test_a_personal_sender_id_gets_a_stable_pseudonym(monkeypatch):
    monkeypatch.setattr(pii, "_key", b"k" * 32)
    one = pii.stored_sender_id("marie@coop.ca")
    assert one.startswith(pii.PSEUDONYM_PREFIX) and "marie" not in one
    assert pii.stored_sender_id("marie@coop.ca") == one != pii.stored_sender_id("paul@coop.ca")
    assert pii.stored_sender_id("3f9c2a7e-widget-session") == "3f9c2a7e-widget-session"
    assert pii.stored_sender_id(one) == one


@pytest.mark.parametrize("with_ner", [True, False])
def test_a_number_before_a_comma_is_still_a_number(with_ner):
    said = "appelez au 555-0199, ou NAS 123 456 789. Merci"
    assert pii.mask(said, with_ner=with_ner) == "appelez au [téléphone masqué], ou NAS [NAS masqué]. Merci"
    assert pii.mask("1,5 million ou 2.500.000 $", with_ner=with_ner) == "1,5 million ou 2.500.000 $"
