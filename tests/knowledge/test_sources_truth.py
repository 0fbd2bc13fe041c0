"""Every record names an existing seed document; figures we state appear in the cited document."""

from __future__ import annotations

import re

from knowledge import loader


def _all_records():
    src = loader.load_sources()
    for name, obj in src.files.items():
        if name == "vocabulary.yml":
            continue
        records = list(getattr(obj, "records", []))
        if name == "programme.yml":
            records = [obj.programme] + obj.volets + obj.facts
        if name == "eligibility.yml":
            records = obj.questions + obj.criteria
        for rec in records:
            yield name, rec


def test_every_record_has_a_source_naming_an_existing_seed(seeds_dir):
    seen = 0
    for name, rec in _all_records():
        sources = rec.all_sources()
        assert sources, f"{name}: {rec.id} has no source"
        for s in sources:
            assert (seeds_dir / s.document).is_file(), f"{name}: {rec.id} cites missing {s.document}"
            assert len(s.section) >= 2
        seen += 1
    assert seen > 600


def _digits(text: str) -> str:
    return re.sub(r"(?<=\d)[\s\u202f\u00a0](?=\d{3}\b)", "", text)


def test_survey_percentages_appear_in_the_cited_document(seeds_dir):
    """No invented number: each survey percentage is printed in its source document."""
    src = loader.load_sources()
    missing = []
    for st in src.files["statistics.yml"].records:
        text = _digits((seeds_dir / st.source.document).read_text(encoding="utf-8"))
        value = st.value
        shown = str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")
        if not re.search(rf"(?<![\d,]){re.escape(shown)}(?![\d])", text):
            missing.append((st.id, shown))
    assert not missing, missing[:10]


def test_case_head_counts_appear_in_the_cited_document(seeds_dir):
    src = loader.load_sources()
    for case in src.files["cases.yml"].records:
        if case.employees is None:
            continue
        text = (seeds_dir / case.source.document).read_text(encoding="utf-8")
        note = case.employees_note or ""
        numbers = [int(n) for n in re.findall(r"\d+", note)] or [case.employees]
        for n in numbers:
            assert str(n) in text, (case.id, n)


def test_deadline_year_is_not_invented():
    src = loader.load_sources()
    for d in src.files["deadlines.yml"].records:
        assert d.date.year is None, "the sources do not state the year of the filing dates"
        assert d.year_note
