"""Referrals ("le CQCM pourra vous confirmer…") name the partner the records designate, never a
name typed in the code: rename a partner or give a volet another coordinator in a copy of the
sources, and the answers follow."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

from actions import advice, money_and_dates, programme, screening
from actions.kb import KB_DOWN_MESSAGE
from common.formatting import partner_ref
from knowledge import deadlines, loader, lookup
from knowledge.db import get_engine
from knowledge.documents import cite_many
from prescreen import knowledge_glue as prescreen_glue
from rasa_server.guard import UNAVAILABLE_TEXT
from tests.actions.helpers import ent, run, texts, tracker_for

NOT_ELIGIBLE = {"legal_form": "nonprofit", "org_category": "union"}


def _build(sources: Path, url: str, edits: Dict[str, Dict[str, str]], monkeypatch) -> str:
    """A knowledge base built from `sources` after replacing text in its files ({file: {old: new}})."""
    for name, pairs in edits.items():
        path = sources / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs.items():
            assert old in text, f"{old!r} not in {name}: the test no longer edits anything"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    loader.build(get_engine(url), sources_dir=sources)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture()
def renamed_kb(sources_copy, fresh_db_url, monkeypatch) -> str:
    """The partners CDRQ and CQCM under other acronyms."""
    return _build(
        sources_copy,
        fresh_db_url,
        {"partners.yml": {"acronym: CDRQ": "acronym: CDRX", "acronym: CQCM": "acronym: CQCX"}},
        monkeypatch,
    )


@pytest.fixture()
def swapped_kb(sources_copy, fresh_db_url, monkeypatch) -> str:
    """Volet 2 coordinated by the Consortium, volet 3 by the Chantier."""
    return _build(
        sources_copy,
        fresh_db_url,
        {
            "programme.yml": {
                "coordinators: [cdrq]": "coordinators: [consortium]",
                "coordinators: [cqcm]": "coordinators: [chantier]",
            }
        },
        monkeypatch,
    )


def _no_advice(monkeypatch):
    monkeypatch.setattr(lookup, "advice", lambda **kw: [])
    monkeypatch.setattr(advice, "advice_asked", lambda text: [])


def _no_deadline(monkeypatch):
    monkeypatch.setattr(deadlines, "next_deadline", lambda *a, **kw: None)


def test_coordinator_follows_the_volet_records(kb):
    assert [lookup.coordinator(n)["id"] for n in (1, 2, 3)] == ["chantier", "cdrq", "cqcm"]
    assert lookup.coordinator()["id"] == "cqcm"  # the programme's coordinator
    assert lookup.coordinator(9) is None


def _referrals(monkeypatch):
    """The envelope, deadlines, not-eligible screening result and no-advice answers."""
    said = [
        texts(run(action, tracker)[0])
        for action, tracker in [
            (money_and_dates.ActionEnvelope(), tracker_for("reste-t-il des fonds", "ask_envelope")),
            (money_and_dates.ActionDeadlines(), tracker_for("date limite", "ask_deadlines")),
            (screening.ActionScreeningResult(), tracker_for(slots=NOT_ELIGIBLE)),
        ]
    ]
    _no_advice(monkeypatch)
    return said + [texts(run(advice.ActionAdvice(), tracker_for("comment faire mon site", "ask_advice"))[0])]


def test_referrals_name_the_partner_as_the_records_spell_it(renamed_kb, monkeypatch):
    envelope, dates, result, no_advice = _referrals(monkeypatch)
    assert "le CQCX pourra vous confirmer l'état actuel de l'enveloppe" in envelope
    assert "Vérifiez auprès du CQCX avant de préparer un dépôt." in dates
    assert "Un conseiller régional de la CDRX peut vous orienter vers d'autres ressources." in result
    assert "Un conseiller régional de la CDRX pourra vous guider." in no_advice
    assert prescreen_glue.adviser_referral() == "un conseiller régional de la CDRX"  # advisor cards
    _no_deadline(monkeypatch)
    msgs, _ = run(money_and_dates.ActionDeadlines(), tracker_for("date limite", "ask_deadlines"))
    assert texts(msgs).startswith("Nos sources n'annoncent aucune date limite. Le CQCX peut vous renseigner.")
    msgs, _ = run(
        money_and_dates.ActionDeadlines(), tracker_for("date limite du volet 2", "ask_deadlines", [ent("volet", "2")])
    )
    assert texts(msgs).startswith("Nos sources n'annoncent aucune date limite. La CDRX peut vous renseigner.")


def test_referrals_go_to_the_coordinator_of_the_volet(swapped_kb, monkeypatch):
    envelope, dates, result, no_advice = _referrals(monkeypatch)
    assert "le Chantier pourra vous confirmer" in envelope
    assert "Vérifiez auprès du Chantier avant" in dates
    assert "Un conseiller du Consortium peut vous orienter" in result  # no regional offices in its record
    assert "Un conseiller du Consortium pourra vous guider." in no_advice
    msgs, _ = run(programme.ActionNotCovered(), tracker_for("ca paye des logiciels?", "ask_not_covered"))
    assert "Le CQCM peut vous le préciser." in msgs[0]["text"]  # the programme's coordinator, not volet 3's
    assert prescreen_glue.adviser_referral() == "un conseiller du Consortium"


def _source_line(msgs) -> str:
    return texts(msgs).rsplit("\nSource : ", 1)[1]


def test_referrals_cite_the_partner_record(kb, monkeypatch):
    cdrq, cqcm = lookup.partner("cdrq"), lookup.partner("cqcm")
    msgs, _ = run(money_and_dates.ActionEnvelope(), tracker_for("reste-t-il des fonds", "ask_envelope"))
    facts = lookup.facts("envelope")
    assert _source_line(msgs) == cite_many(facts + [cqcm])
    assert cqcm["citation"].split(" ; ")[0] in _source_line(msgs)  # a source only the partner record adds
    msgs, _ = run(screening.ActionScreeningResult(), tracker_for(slots=NOT_ELIGIBLE))
    assert texts(msgs).endswith(
        f"Un conseiller régional de la CDRQ peut vous orienter vers d'autres ressources.\nSource : {cdrq['citation']}"
    )
    _no_advice(monkeypatch)
    msgs, _ = run(advice.ActionAdvice(), tracker_for("comment faire mon site", "ask_advice"))
    assert _source_line(msgs) == cdrq["citation"]
    _no_deadline(monkeypatch)
    msgs, _ = run(money_and_dates.ActionDeadlines(), tracker_for("date limite", "ask_deadlines"))
    assert _source_line(msgs) == cite_many([cqcm, lookup.programme()])


def test_not_covered_states_each_fact_with_its_own_source(kb):
    limits, after = lookup.facts("not_covered"), lookup.facts("next_step")
    msgs, _ = run(programme.ActionNotCovered(), tracker_for("ca paye des logiciels?", "ask_not_covered"))
    assert len(limits) == 2 and after and len(msgs) == 2
    first, second = (m["text"] for m in msgs)
    assert all(f["text"] in first for f in limits) and "Le CQCM peut vous le préciser." in first
    assert _source_line([msgs[0]]) == " ; ".join(f["citation"] for f in limits)
    assert "« En deux étapes » (pas pour acheter des outils)" in _source_line([msgs[0]])
    assert all(f["text"] in second for f in after) and "MEI" in second
    assert _source_line([msgs[1]]) == after[0]["citation"]


@pytest.mark.parametrize("message", [KB_DOWN_MESSAGE, UNAVAILABLE_TEXT])
def test_service_down_messages_name_no_organisation(kb, message):
    """Said when the records cannot be read (knowledge base or action server down)."""
    for p in lookup.partners():
        assert p["name"] not in message
        assert not p.get("acronym") or p["acronym"] not in message


@pytest.mark.parametrize(
    "prep, expected",
    [
        ("", ["le CQCM", "la CDRQ", "les Pôles régionaux d'économie sociale"]),
        ("de", ["du CQCM", "de la CDRQ", "des Pôles régionaux d'économie sociale"]),
        ("auprès de", ["auprès du CQCM", "auprès de la CDRQ", "auprès des Pôles régionaux d'économie sociale"]),
    ],
)
def test_partner_named_with_the_article_of_its_record(kb, prep, expected):
    assert [partner_ref(p, prep) for p in lookup.partners(["cqcm", "cdrq", "poles"])] == expected
    assert partner_ref({"acronym": "OBNL", "name": "x", "article": "l'"}, prep) == f"{prep} l'OBNL".strip()
