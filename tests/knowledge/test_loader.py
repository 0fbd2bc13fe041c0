"""The loader builds every kind, and rejects broken files with a message naming file, record, field."""

from __future__ import annotations

import pytest
import yaml

from knowledge import loader
from knowledge.db import get_engine
from tests import databases as testdb


def test_build_counts_every_kind(fresh_db_url):
    counts = loader.build(get_engine(fresh_db_url))
    assert counts["cases"] == 15
    assert counts["volets"] == 3
    assert counts["deadlines"] == 2
    for kind in (
        "programme",
        "facts",
        "partners",
        "questions",
        "criteria",
        "statistics",
        "sector_figures",
        "glossary",
        "advice",
        "digital_uses",
        "vocabulary",
    ):
        assert counts.get(kind, 0) > 0, kind


def test_rebuild_is_idempotent(fresh_db_url):
    engine = get_engine(fresh_db_url)
    assert loader.build(engine) == loader.build(engine)


def test_every_value_fits_its_column(fresh_db_url):
    """Issue 22: `make kb` on PostgreSQL stopped with "value too long for type character
    varying(64)" (kb_advice.source_document: a record citing two documents); SQLite stores any
    length, so the check is made here on either database."""
    loader.build(get_engine(fresh_db_url))
    assert testdb.overlong(fresh_db_url) == []


def _edit(path, mutate):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_wrong_type_names_file_record_and_field(sources_copy):
    case_id = yaml.safe_load((sources_copy / "cases.yml").read_text())["records"][2]["id"]
    _edit(sources_copy / "cases.yml", lambda d: d["records"][2].__setitem__("employees", "beaucoup"))
    with pytest.raises(loader.SourceError) as err:
        loader.load_sources(sources_copy)
    msg = str(err.value)
    assert "cases.yml" in msg and "enregistrement n°3" in msg and case_id in msg and "employees" in msg


def test_missing_source_is_rejected(sources_copy):
    _edit(
        sources_copy / "glossary.yml",
        lambda d: d["records"][0].pop("source", None) or d["records"][0].pop("sources", None),
    )
    with pytest.raises(loader.SourceError, match=r"glossary\.yml, enregistrement n°1 .*source"):
        loader.load_sources(sources_copy)


def test_source_must_name_a_seed_document(sources_copy):
    _edit(sources_copy / "deadlines.yml", lambda d: d["records"][0]["source"].__setitem__("document", "wikipedia.txt"))
    with pytest.raises(loader.SourceError, match=r"deadlines\.yml.*champ « source\.document »"):
        loader.load_sources(sources_copy)


def test_unknown_vocabulary_id_is_rejected(sources_copy):
    _edit(sources_copy / "cases.yml", lambda d: d["records"][0].__setitem__("sector", "astronautics"))
    with pytest.raises(loader.SourceError, match=r"cases\.yml, enregistrement n°1 .*champ « sector ».*astronautics"):
        loader.load_sources(sources_copy)


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d["programme"].__setitem__("coordinator", "cqmc"), "coordinator"),
        (lambda d: d["volets"][1].__setitem__("coordinators", ["crdq"]), "coordinators"),
        (lambda d: d["programme"]["partners"].append("chantiers"), "partners"),
    ],
)
def test_unknown_partner_id_is_rejected(sources_copy, mutate, field):
    """Referrals read these ids: a typo must stop the build, not drop the referral."""
    _edit(sources_copy / "programme.yml", mutate)
    with pytest.raises(
        loader.SourceError, match=rf"programme\.yml, .*champ « {field} ».*n'est pas un id de partners\.yml"
    ):
        loader.load_sources(sources_copy)


def test_duplicate_id_is_rejected(sources_copy):
    _edit(sources_copy / "advice.yml", lambda d: d["records"].append(dict(d["records"][0])))
    with pytest.raises(loader.SourceError, match="en double"):
        loader.load_sources(sources_copy)


def test_invalid_yaml_and_missing_file(sources_copy):
    (sources_copy / "partners.yml").write_text("records: [unclosed", encoding="utf-8")
    with pytest.raises(loader.SourceError, match=r"partners\.yml : YAML invalide"):
        loader.load_sources(sources_copy)
    (sources_copy / "partners.yml").unlink()
    with pytest.raises(loader.SourceError, match=r"partners\.yml : fichier manquant"):
        loader.load_sources(sources_copy)


def test_criterion_test_must_have_one_key(sources_copy):
    _edit(sources_copy / "eligibility.yml", lambda d: d["criteria"][0].__setitem__("test", {}))
    with pytest.raises(loader.SourceError, match=r"eligibility\.yml, criteria\[1\] \(id « collective_legal_form »\)"):
        loader.load_sources(sources_copy)


def test_boolean_answers_stay_booleans():
    """YAML `true` in a criterion test must stay a bool, not become the string 'True'."""
    src = loader.load_sources()
    tests = [c.test.equals for c in src.files["eligibility.yml"].criteria if c.test.equals is not None]
    assert True in tests and False in tests


def test_nlu_lookups_follow_the_vocabulary():
    from knowledge import export_nlu

    assert export_nlu.TARGET.read_text(encoding="utf-8") == export_nlu.render(), (
        "data/nlu/lookups.yml is stale: run python -m knowledge.export_nlu"
    )


def test_rebuilding_the_knowledge_base_keeps_the_leads(fresh_db_url):
    """Leads and the knowledge base share a database and a declarative base: `make kb` drops and
    recreates the kb_* tables only."""
    from knowledge import clock
    from leads import store
    from leads.db import get_engine as leads_engine

    url = fresh_db_url
    loader.build(get_engine(url))
    saved = store.save_lead(
        consent=store.ConsentRecord(True, clock.utcnow()),
        sender_id="kb-rebuild",
        name="Martin Gagnon",
        email="martin@coop.example",
        engine=leads_engine(url),
    )
    loader.build(get_engine(url))
    [lead] = store.find_by_sender("kb-rebuild", engine=leads_engine(url))
    assert lead["reference"] == saved.reference and lead["email"] == "martin@coop.example"
    assert len(lead["consents"]) == 1


def test_build_loads_the_unknowns(fresh_db_url):
    counts = loader.build(get_engine(fresh_db_url))
    assert counts["unknowns"] == len(loader.load_sources().records("unknowns.yml")) >= 13


def test_unknown_with_a_bad_partner_id_is_rejected(sources_copy):
    """unknowns.yml `ask` names who can answer: a typo must stop the build, naming file, record and field."""
    rec_id = yaml.safe_load((sources_copy / "unknowns.yml").read_text(encoding="utf-8"))["records"][1]["id"]
    _edit(sources_copy / "unknowns.yml", lambda d: d["records"][1].__setitem__("ask", ["cdrq", "cqmc"]))
    with pytest.raises(loader.SourceError) as err:
        loader.load_sources(sources_copy)
    msg = str(err.value)
    assert (
        f"unknowns.yml, enregistrement n°2 (id « {rec_id} »), champ « ask » : « cqmc » n'est pas un id de partners.yml"
        in msg
    )
    assert "cdrq" not in msg


def test_unknown_needs_a_partner_to_ask(sources_copy):
    _edit(sources_copy / "unknowns.yml", lambda d: d["records"][0].__setitem__("ask", []))
    with pytest.raises(loader.SourceError, match=r"unknowns\.yml, enregistrement n°1 .*champ « ask »"):
        loader.load_sources(sources_copy)


def test_unknown_keywords_are_folded(sources_copy):
    _edit(sources_copy / "unknowns.yml", lambda d: d["records"][0]["keywords"].append("Année"))
    with pytest.raises(loader.SourceError, match=r"unknowns\.yml, enregistrement n°1 .*champ « keywords.*minuscules"):
        loader.load_sources(sources_copy)


def test_person_with_a_bad_partner_id_is_rejected(sources_copy):
    def mutate(d):
        case = next(r for r in d["records"] if r["id"] == "case_librairies_independantes_quebec")
        next(p for p in case["people"] if p.get("partner"))["partner"] = "crdq"

    _edit(sources_copy / "cases.yml", mutate)
    with pytest.raises(
        loader.SourceError,
        match=r"cases\.yml, enregistrement n°\d+ \(id « case_librairies_independantes_quebec »\), "
        r"champ « people\.partner » .*« crdq » n'est pas un id de partners\.yml",
    ):
        loader.load_sources(sources_copy)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.__setitem__("name", "Madame Marie Houde"), "Madame"),
        (lambda p: p.pop("source", None) or p.pop("sources", None), "source"),
        (lambda p: p.__setitem__("role", ""), "role"),
    ],
)
def test_person_record_is_checked(sources_copy, change, message):
    _edit(sources_copy / "partners.yml", lambda d: change(d["records"][0]["people"][0]))
    with pytest.raises(
        loader.SourceError, match=rf"partners\.yml, enregistrement n°1 \(id « cqcm »\), champ « people\.0.*{message}"
    ):
        loader.load_sources(sources_copy)


def test_person_listed_twice_on_a_record_is_rejected(sources_copy):
    _edit(sources_copy / "partners.yml", lambda d: d["records"][0]["people"].append(dict(d["records"][0]["people"][0])))
    with pytest.raises(loader.SourceError, match=r"partners\.yml, enregistrement n°1 .*champ « people ».*en double"):
        loader.load_sources(sources_copy)
