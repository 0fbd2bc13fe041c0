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


# --- people, unknowns, home-care figures -----------------------------------------------------


def _people(src):
    """(file, holder id, person) for every person listed on a programme, partner or case record."""
    prog = src.files["programme.yml"].programme
    yield from (("programme.yml", prog.id, p) for p in prog.people)
    for name in ("partners.yml", "cases.yml"):
        for rec in src.records(name):
            yield from ((name, rec.id, p) for p in rec.people)


def _words(text: str) -> str:
    """Accents, case, apostrophes, hyphens and line breaks folded: 'Marie-Josée\\nPaquette' → 'marie josee paquette'."""
    from knowledge.text import fold

    return f" {fold(text)} "


def test_every_person_is_named_in_each_cited_document(seeds_dir):
    """No invented person: each name is printed in every document cited for it (sources and quotes)."""
    src = loader.load_sources()
    texts = {}
    seen, missing = 0, []
    for file_name, holder, person in _people(src):
        cited = person.all_sources() + list(person.quoted_in)
        assert cited, (file_name, holder, person.name)
        for s in cited:
            assert (seeds_dir / s.document).is_file(), (
                f"{file_name}: {holder} / {person.name} cites missing {s.document}"
            )
            if s.document not in texts:
                texts[s.document] = _words((seeds_dir / s.document).read_text(encoding="utf-8"))
            if _words(person.name) not in texts[s.document]:
                missing.append((holder, person.name, s.document))
        seen += 1
    assert not missing, missing
    assert seen >= 40


def test_the_people_asked_about_are_there():
    src = loader.load_sources()
    by_holder = {}
    for _, holder, person in _people(src):
        by_holder.setdefault(holder, {})[person.name] = person.role
    assert by_holder["cqcm"]["Marie-Josée Paquette"] == "directrice générale"
    assert by_holder["chantier"]["Béatrice Alain"] == "directrice générale"
    assert by_holder["cdrq"]["Mathieu Vigneault"] == "directeur général"
    assert by_holder["cdrq"]["Bruno Éthier"] == "directeur de la transition numérique"
    assert by_holder["consortium"]["J. Benoit Caron"] == "directeur général"
    assert by_holder["cefrio"]["Jacqueline Dubé"] == "présidente-directrice générale"
    assert by_holder["case_03_csad_haute_cote_nord"] == {"Sylvie Gagnon": "directrice générale"}
    assert "case_04_maisonnette_sud_ouest" not in by_holder  # the report thanks no one for it
    assert by_holder["case_librairies_independantes_quebec"]["Jean-Benoît Dumais"] == "directeur général"
    # every case of the report that ends with a « Merci à » names its person
    thanked = {f"case_{n:02d}" for n in (1, 2, 3, 5, 6, 7, 8, 9, 11, 12, 13)}
    assert thanked <= {h[:7] for h in by_holder if h.startswith("case_")}


def _numbers(text: str):
    """Numbers a text states, volet numbers and list markers aside ('volet 3', 'volets 1 et 2', '2)')."""
    text = re.sub(r"\bvolets? \d(?: et \d)?|(?<!\w)\d\)", " ", _digits(text))
    return re.findall(r"\d+(?:,\d+)?", text)


def _in_documents(number: str, documents, seeds_dir) -> bool:
    for doc in documents:
        text = _digits((seeds_dir / doc).read_text(encoding="utf-8"))
        if re.search(rf"(?<![\d,]){re.escape(number)}(?![\d])", text):
            return True
    return False


def test_numbers_in_unknowns_glossary_and_case_profiles_appear_in_the_cited_document(seeds_dir):
    """`known` of unknowns.yml, glossary definitions (the EÉSAD figures) and the profile texts of
    cases.yml: every number is printed in a cited document."""
    src = loader.load_sources()
    missing = []
    texts = [(u, u.known) for u in src.records("unknowns.yml")]
    texts += [(t, t.definition) for t in src.records("glossary.yml")]
    for rec, text in texts:
        docs = [s.document for s in rec.all_sources()]
        missing += [(rec.id, n) for n in _numbers(text) if not _in_documents(n, docs, seeds_dir)]
    for case in src.records("cases.yml"):
        docs = [s.document for s in case.all_sources()]
        for text in (case.clients, case.revenue, case.it_budget):
            missing += [(case.id, n) for n in _numbers(text or "") if not _in_documents(n, docs, seeds_dir)]
    assert not missing, missing


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def test_sector_figures_appear_in_the_cited_document(seeds_dir):
    """Each sector figure is printed in its document: as digits, or as 'N milliards' / 'N millions'."""
    src = loader.load_sources()
    missing = []
    for f in src.records("sector_figures.yml"):
        text = _digits((seeds_dir / f.source.document).read_text(encoding="utf-8"))
        forms = [_shown(f.value)]
        for scale, word in ((1e9, "milliards"), (1e6, "millions")):
            if f.value >= scale:
                forms.append(f"{_shown(f.value / scale)} {word}")
        if not any(re.search(rf"(?<![\d,]){re.escape(s)}(?![\d])", text) for s in forms):
            missing.append((f.id, forms))
    assert not missing, missing


def test_home_care_profile_is_tied_to_case_3_and_says_so():
    """The one profile under the shared title of cases 3 and 4 (EÉSAD) goes to the CSAD HCN, with a note."""
    cases = {c.id: c for c in loader.load_sources().records("cases.yml")}
    csad, maisonnette = cases["case_03_csad_haute_cote_nord"], cases["case_04_maisonnette_sud_ouest"]
    assert (csad.employees, csad.revenue) == (28, "527 000 $ par an")
    assert csad.clients and "270" in csad.clients and "85 ans" in csad.clients
    assert "1 500 $" in csad.it_budget
    assert csad.figures_note and "cas 3 et 4" in csad.figures_note
    assert maisonnette.employees is maisonnette.revenue is maisonnette.it_budget is maisonnette.clients is None
    assert maisonnette.figures_note


def test_unknowns_cover_the_questions_the_sources_leave_open():
    src = loader.load_sources()
    ids = {u.id for u in src.records("unknowns.yml")}
    assert {
        "programme_launch_year",
        "programme_end_date",
        "total_envelope",
        "funding_rate",
        "volet_1_2_amounts",
        "filing_dates_year",
        "self_assessment_duration",
        "minimum_size",
        "advisor_response_time",
        "other_programmes",
        "phone_email",
        "application_form",
        "organisation_cost",
    } <= ids
    for u in src.records("unknowns.yml"):
        # `known` states only what the sources say: never a phone number, never a year for the filing dates
        assert not re.search(r"\d{3}[ -]\d{3}-\d{4}", u.known), u.id
        assert "2017" not in u.known or u.id in ("phone_email", "programme_website"), u.id
