"""Load the YAML sources: validate each file against its schema, then (re)build the tables.

Errors name the file, the record and the field, e.g.
    cases.yml, enregistrement n°3 (id « case_03_x »), champ « employees » : value is not a valid integer
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from knowledge import clock, models, paths
from knowledge.db import get_engine, session_scope
from knowledge.schema import FILE_SCHEMAS
from knowledge.vocabulary import FIELD_KINDS, KINDS

REQUIRED_FILES = tuple(FILE_SCHEMAS)
# libyaml's parser is ~10x faster than the pure-Python one on statistics.yml; same safe subset.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceError(ValueError):
    """A source file is missing, unreadable or invalid; the message says where."""


@dataclass
class KnowledgeSources:
    files: Dict[str, Any] = field(default_factory=dict)  # file name -> validated pydantic object
    digest: str = ""

    def records(self, file_name: str) -> List[Any]:
        obj = self.files[file_name]
        return list(getattr(obj, "records", []))


def _record_label(raw: Any, loc: tuple) -> str:
    """Turn a pydantic error location into 'enregistrement n°N (id « x »), champ « y »'."""
    parts = list(loc)
    where = []
    if len(parts) >= 2 and isinstance(parts[1], int):
        section, index = parts[0], parts[1]
        rec_id = None
        try:
            rec_id = raw[section][index].get("id")
        except Exception:
            pass
        label = f"{section}[{index + 1}]" if section != "records" else f"enregistrement n°{index + 1}"
        where.append(label + (f" (id « {rec_id} »)" if rec_id else ""))
        parts = parts[2:]
    elif parts and parts[0] in ("programme",):
        try:
            where.append(f"programme (id « {raw['programme'].get('id')} »)")
        except Exception:
            where.append("programme")
        parts = parts[1:]
    fld = ".".join(str(p) for p in parts if p != "__root__")
    if fld:
        where.append(f"champ « {fld} »")
    return ", ".join(where) or "fichier"


def _validate_file(path: Path) -> Any:
    schema = FILE_SCHEMAS[path.name]
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise SourceError(f"{path.name} : fichier manquant ({path})") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"{path.name} : YAML invalide : {exc}") from exc
    if not isinstance(raw, dict):
        raise SourceError(f"{path.name} : le fichier doit contenir un dictionnaire (version, records…)")
    try:
        return schema.parse_obj(raw)
    except ValidationError as exc:
        msgs = [f"{path.name}, {_record_label(raw, err['loc'])} : {err['msg']}" for err in exc.errors()]
        raise SourceError("\n".join(msgs)) from exc


def load_file(name: str, sources_dir: Optional[Path] = None) -> Any:
    """One source file (e.g. "eligibility.yml") validated against its schema; no database, no
    cross-file check (load_sources does those)."""
    return _validate_file(Path(sources_dir or paths.SOURCES_DIR) / name)


def _check_cross_references(src: KnowledgeSources) -> None:
    vocab = src.files["vocabulary.yml"]
    known = {kind: {e.id for e in getattr(vocab, kind)} for kind in KINDS}
    errors: List[str] = []
    for name, obj in src.files.items():
        if name == "vocabulary.yml":
            continue
        recs = list(getattr(obj, "records", []))
        seen = Counter(r.id for r in recs)
        errors += [f"{name} : id « {i} » en double" for i, n in seen.items() if n > 1]
        for idx, rec in enumerate(recs, 1):
            for fld, kind in FIELD_KINDS.items():  # a record field named like a profile field holds ids
                value = getattr(rec, fld, None)
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str) and v not in known[kind]:
                        errors.append(
                            f"{name}, enregistrement n°{idx} (id « {rec.id} »), champ « {fld} » : "
                            f"« {v} » n'est pas dans vocabulary.yml ({kind})"
                        )
            group = getattr(rec, "group", None)
            if group is not None and group.dimension in ("size", "sector"):
                kind = "size_bands" if group.dimension == "size" else "sectors"
                if group.value not in known[kind]:
                    errors.append(
                        f"{name}, enregistrement n°{idx} (id « {rec.id} »), champ « group.value » : "
                        f"« {group.value} » inconnu ({kind})"
                    )
    partner_ids = {p.id for p in src.records("partners.yml")}
    prog_file = src.files["programme.yml"]
    partner_refs = [
        ("programme", prog_file.programme.id, "coordinator", [prog_file.programme.coordinator]),
        ("programme", prog_file.programme.id, "partners", prog_file.programme.partners),
    ]
    for volet in prog_file.volets:
        partner_refs += [
            ("volet", volet.id, "coordinators", volet.coordinators),
            ("volet", volet.id, "contacts", volet.contacts),
        ]
    for what, rec_id, fld, values in partner_refs:  # a typo would silently drop a referral
        errors += [
            f"programme.yml, {what} (id « {rec_id} »), champ « {fld} » : « {v} » n'est pas un id de partners.yml"
            for v in values
            if v not in partner_ids
        ]
    # unknowns.yml `ask`: who the bot names as able to answer; a typo would drop the referral.
    for idx, unk in enumerate(src.records("unknowns.yml"), 1):
        errors += [
            f"unknowns.yml, enregistrement n°{idx} (id « {unk.id} »), champ « ask » : "
            f"« {v} » n'est pas un id de partners.yml"
            for v in unk.ask
            if v not in partner_ids
        ]
    # people's `partner`: the partner they belong to, when listed on a case or the programme.
    holders = [("programme.yml", "programme", prog_file.programme)]
    holders += [(n, i, r) for n in ("partners.yml", "cases.yml") for i, r in enumerate(src.records(n), 1)]
    for name, idx, rec in holders:
        where = "programme" if idx == "programme" else f"enregistrement n°{idx}"
        for pos, person in enumerate(rec.people, 1):
            if person.partner is not None and person.partner not in partner_ids:
                errors.append(
                    f"{name}, {where} (id « {rec.id} »), champ « people.partner » (personne n°{pos}, {person.name}) : "
                    f"« {person.partner} » n'est pas un id de partners.yml"
                )
    glossary_ids = {t.id for t in src.records("glossary.yml")}
    for idx, term in enumerate(src.records("glossary.yml"), 1):
        for rel in term.related:
            if rel not in glossary_ids:
                errors.append(
                    f"glossary.yml, enregistrement n°{idx} (id « {term.id} »), champ « related » : "
                    f"« {rel} » n'existe pas"
                )
    if errors:
        raise SourceError("\n".join(errors))


def load_sources(sources_dir: Optional[Path] = None) -> KnowledgeSources:
    sources_dir = Path(sources_dir or paths.SOURCES_DIR)
    src = KnowledgeSources()
    digest = hashlib.sha256()
    for name in REQUIRED_FILES:
        path = sources_dir / name
        src.files[name] = _validate_file(path)
        digest.update(path.read_bytes())
    _check_cross_references(src)
    src.digest = digest.hexdigest()
    return src


def _provenance(rec: Any) -> Dict[str, Any]:
    srcs = rec.all_sources()
    as_of = rec.as_of.isoformat() if isinstance(rec.as_of, dt.date) else (str(rec.as_of) if rec.as_of else None)
    return {
        "source_document": ";".join(s.document for s in srcs),
        "source_section": " ; ".join(s.section for s in srcs),
        "as_of": as_of,
    }


def _dump(rec: Any) -> Dict[str, Any]:
    return rec.dict(by_alias=True, exclude_none=False)


def build(engine: Optional[Engine] = None, sources_dir: Optional[Path] = None) -> Dict[str, int]:
    """Validate the sources and rebuild every kb_* table. Returns the count per kind."""
    src = load_sources(sources_dir)
    engine = engine or get_engine()
    models.Base.metadata.drop_all(engine, tables=models.KB_TABLES)
    models.Base.metadata.create_all(engine, tables=models.KB_TABLES)
    counts: Counter = Counter()
    with session_scope(engine) as s:
        vocab = src.files["vocabulary.yml"]
        for kind in KINDS:
            for e in getattr(vocab, kind):
                s.add(models.VocabularyEntry(kind=kind, id=e.id, label=e.label, synonyms=e.synonyms, data=e.dict()))
                counts["vocabulary"] += 1

        prog = src.files["programme.yml"]
        s.add(models.ProgrammeRow(id=prog.programme.id, data=_dump(prog.programme), **_provenance(prog.programme)))
        counts["programme"] += 1
        for v in prog.volets:
            s.add(models.VoletRow(id=v.id, number=v.number, data=_dump(v), **_provenance(v)))
            counts["volets"] += 1
        for f in prog.facts:
            s.add(models.FactRow(id=f.id, topic=f.topic, data=_dump(f), **_provenance(f)))
            counts["facts"] += 1

        for p in src.records("partners.yml"):
            s.add(models.PartnerRow(id=p.id, data=_dump(p), **_provenance(p)))
            counts["partners"] += 1

        elig = src.files["eligibility.yml"]
        for q in elig.questions:
            s.add(models.QuestionRow(id=q.id, field=q.field, data=_dump(q), **_provenance(q)))
            counts["questions"] += 1
        for c in elig.criteria:
            s.add(models.CriterionRow(id=c.id, field=c.field, data=_dump(c), **_provenance(c)))
            counts["criteria"] += 1
        for r in elig.requirements:
            for pos, cid in enumerate(r.criteria):
                s.add(models.RequirementRow(volet=r.volet, criterion_id=cid, position=pos))

        for d in src.records("deadlines.yml"):
            s.add(
                models.DeadlineRow(
                    id=d.id,
                    volet=d.volet,
                    year=d.date.year,
                    month=d.date.month,
                    day=d.date.day,
                    status=d.status,
                    data=_dump(d),
                    **_provenance(d),
                )
            )
            counts["deadlines"] += 1
        for c in src.records("cases.yml"):
            s.add(
                models.CaseRow(
                    id=c.id,
                    sector=c.sector,
                    legal_form=c.legal_form,
                    region=c.region,
                    size_band=c.size_band,
                    data=_dump(c),
                    **_provenance(c),
                )
            )
            counts["cases"] += 1
        for st in src.records("statistics.yml"):
            s.add(
                models.StatisticRow(
                    id=st.id,
                    topic=st.topic,
                    technology=st.technology,
                    group_dimension=st.group.dimension,
                    group_value=st.group.value,
                    data=_dump(st),
                    **_provenance(st),
                )
            )
            counts["statistics"] += 1
        for sf in src.records("sector_figures.yml"):
            s.add(models.SectorFigureRow(id=sf.id, indicator=sf.indicator, data=_dump(sf), **_provenance(sf)))
            counts["sector_figures"] += 1
        for t in src.records("glossary.yml"):
            s.add(models.TermRow(id=t.id, data=_dump(t), **_provenance(t)))
            counts["glossary"] += 1
        for a in src.records("advice.yml"):
            s.add(models.AdviceRow(id=a.id, category=a.category, data=_dump(a), **_provenance(a)))
            counts["advice"] += 1
        for u in src.records("digital_uses.yml"):
            s.add(models.DigitalUseRow(id=u.id, kind=u.kind, data=_dump(u), **_provenance(u)))
            counts["digital_uses"] += 1
        for k in src.records("unknowns.yml"):
            s.add(models.UnknownRow(id=k.id, topic=k.topic, volet=k.volet, data=_dump(k), **_provenance(k)))
            counts["unknowns"] += 1
        s.add(models.KbMeta(key="digest", value=src.digest))
        s.add(models.KbMeta(key="built_at", value=clock.utcnow().replace(tzinfo=dt.timezone.utc).isoformat()))
    return dict(counts)
