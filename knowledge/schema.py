"""Schemas of the YAML sources. Validation errors name the file, the record and the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, Field, StrictBool, StrictStr, ValidationError, root_validator, validator

from knowledge.text import strip_accents

SEED_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True


class Source(Strict):
    document: str
    section: str = Field(..., min_length=2)

    @validator("document")
    def _seed_name(cls, v: str) -> str:
        if not SEED_NAME.match(v):
            raise ValueError(f"« {v} » n'est pas un nom de document source (attendu : 004_f41160bf7fba2b24.txt)")
        return v


class Record(Strict):
    id: str
    source: Optional[Source] = None
    sources: Optional[List[Source]] = None
    as_of: Optional[Union[int, dt.date]] = None

    @validator("id")
    def _id_format(cls, v: str) -> str:
        if not ID.match(v):
            raise ValueError("un id est en minuscules, chiffres et _ (snake_case)")
        return v

    @root_validator(skip_on_failure=True)
    def _has_source(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if not values.get("source") and not values.get("sources"):
            raise ValueError("chaque enregistrement doit nommer sa source (source: {document, section})")
        return values

    def all_sources(self) -> List[Source]:
        return [self.source] if self.source else list(self.sources or [])


# --- people -----------------------------------------------------------------------------------

HONORIFIC = re.compile(r"^(?:(?:madame|monsieur|mme|mlle|mx|dr)\b|m\.\s)", re.IGNORECASE)


class Person(Strict):
    """A person the seeds name with a role, listed on the record of the organisation, case or
    programme they belong to (`people:`). Names as printed in the seed, without « Madame »,
    « Monsieur », « mx »; roles as the seed gives them."""

    name: str = Field(..., min_length=3)
    role: str = Field(..., min_length=2)
    organisation: Optional[str] = None  # when not the record's own organisation (e.g. MESI, TÉLUQ)
    partner: Optional[str] = None  # id of partners.yml when they belong to a partner (checked by the loader)
    context: Optional[str] = None  # why the seed names them (e.g. "équipe de projet du rapport du CEFRIO")
    as_of: Optional[int] = None  # year the role is stated for, when the seed dates it
    quoted_in: List[Source] = []  # every passage that quotes them or reports their words
    source: Optional[Source] = None  # where the seed names them with this role
    sources: Optional[List[Source]] = None

    @validator("name")
    def _no_honorific(cls, v: str) -> str:
        if HONORIFIC.match(v) or "," in v:
            raise ValueError("le nom seul, sans « Madame », « Monsieur », « mx » ni virgule")
        return v

    @root_validator(skip_on_failure=True)
    def _has_source(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if not values.get("source") and not values.get("sources"):
            raise ValueError("chaque personne doit nommer sa source (source: {document, section})")
        return values

    def all_sources(self) -> List[Source]:
        return [self.source] if self.source else list(self.sources or [])


def _unique_people(people: List[Person]) -> List[Person]:
    names = [p.name for p in people]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise ValueError(f"personne en double : {', '.join(doubles)}")
    return people


# --- vocabulary -----------------------------------------------------------------------------


class VocabEntry(Strict):
    id: str
    label: str
    synonyms: List[str] = []
    # English forms, read in visitors' messages (vocabulary.find_all) but not given to the NLU as
    # lookup features: the model is trained on French
    english: List[str] = []
    min: Optional[int] = None
    max: Optional[int] = None


class VocabularyFile(Strict):
    version: int
    legal_forms: List[VocabEntry]
    excluded_categories: List[VocabEntry]
    sectors: List[VocabEntry]
    size_bands: List[VocabEntry]
    technologies: List[VocabEntry]
    needs: List[VocabEntry]
    regions: List[VocabEntry]


# --- programme -------------------------------------------------------------------------------


class Amount(Strict):
    min: Optional[int] = None
    max: Optional[int] = None
    currency: Literal["CAD"] = "CAD"
    note: Optional[str] = None


class Programme(Record):
    name: str
    short_name: str
    purpose: str
    offers: List[str]
    audience: str
    funder: str
    funder_channel: str
    coordinator: str  # id of a partners.yml record (checked by the loader)
    partners: List[str]
    pays_for: str
    validation_note: str
    people: List[Person] = []  # e.g. the author of the programme's review article

    _people = validator("people", allow_reuse=True)(_unique_people)


class Volet(Record):
    number: int = Field(..., ge=1, le=3)
    name: str
    aliases: List[str] = []  # what the sources also call it ("service de transition numérique")
    summary: str
    offers: List[str]
    audience: str
    tools: List[str] = []
    amount: Optional[Amount] = None
    amount_unknown_note: Optional[str] = None
    how_to_start: List[str]
    coordinators: List[str] = []  # ids of partners.yml records (checked by the loader)
    contacts: List[str] = []
    status: Optional[str] = None
    status_note: Optional[str] = None


class Fact(Record):
    label: str
    text: str
    value: Optional[float] = None
    unit: Optional[str] = None
    topic: str
    # what the fact lists, each as a visitor may name it ("radio communautaire", "CPE"): the
    # social-economy examples of the CEFRIO report's definition
    examples: List[str] = []


class ProgrammeFile(Strict):
    version: int
    programme: Programme
    volets: List[Volet]
    facts: List[Fact]


# --- partners ---------------------------------------------------------------------------------


class Partner(Record):
    name: str
    article: Literal["le", "la", "les", "l'"]  # of the short name: acronym, else name
    acronym: Optional[str] = None
    aliases: List[str] = []
    kind: Literal["partner", "funder", "research", "other"]
    description: str
    programme_role: Optional[str] = None
    volets: List[int] = []
    website: Optional[str] = None
    website_note: Optional[str] = None
    how_to_reach: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    regions: Optional[str] = None
    people: List[Person] = []  # its people the seeds name, with their role

    _people = validator("people", allow_reuse=True)(_unique_people)


class PartnersFile(Strict):
    version: int
    records: List[Partner]


# --- eligibility ------------------------------------------------------------------------------


class Option(Strict):
    value: Union[StrictBool, StrictStr]
    label: str


class Question(Record):
    field: str
    question: str
    help: Optional[str] = None
    kind: Literal["choice", "boolean"]
    options: List[Option]


class Test(Strict):
    """How an answer maps to pass/fail: exactly one of `in`, `not_in`, `equals`."""

    in_: Optional[List[Union[StrictBool, StrictStr]]] = Field(None, alias="in")
    not_in: Optional[List[Union[StrictBool, StrictStr]]] = None
    equals: Optional[Union[StrictBool, StrictStr]] = None

    class Config:
        extra = "forbid"
        allow_population_by_field_name = True

    @root_validator(skip_on_failure=True)
    def _exactly_one(cls, values):
        given = [k for k in ("in_", "not_in", "equals") if values.get(k) is not None]
        if len(given) != 1:
            raise ValueError("un test a exactement une clé parmi in, not_in, equals")
        return values


class Explanations(Strict):
    pass_: str = Field(..., alias="pass")
    fail: str
    unknown: str

    class Config:
        extra = "forbid"
        allow_population_by_field_name = True


class Criterion(Record):
    field: str
    label: str
    test: Test
    applies_if: Optional[Dict[str, Test]] = None
    explanations: Explanations
    excludes_everywhere: bool = False
    priority: int = 50


class Requirement(Strict):
    volet: int = Field(..., ge=1, le=3)
    criteria: List[str]


class EligibilityFile(Strict):
    version: int
    questions: List[Question]
    criteria: List[Criterion]
    requirements: List[Requirement]

    @root_validator(skip_on_failure=True)
    def _references(cls, values):
        fields = {q.field for q in values["questions"]}
        crit_ids = {c.id for c in values["criteria"]}
        for c in values["criteria"]:
            if c.field not in fields:
                raise ValueError(f"critère « {c.id} » : champ « {c.field} » sans question")
            for f in c.applies_if or {}:
                if f not in fields:
                    raise ValueError(f"critère « {c.id} » : applies_if sur « {f} » sans question")
        for r in values["requirements"]:
            for cid in r.criteria:
                if cid not in crit_ids:
                    raise ValueError(f"volet {r.volet} : critère inconnu « {cid} »")
        return values


# --- deadlines --------------------------------------------------------------------------------


class PartialDate(Strict):
    year: Optional[int] = None
    month: int = Field(..., ge=1, le=12)
    day: int = Field(..., ge=1, le=31)

    @root_validator(skip_on_failure=True)
    def _real_day(cls, values):
        dt.date(values.get("year") or 2000, values["month"], values["day"])  # 2000: leap year
        return values


class Deadline(Record):
    volet: Optional[int] = None
    purpose: str
    audience: Optional[str] = None
    date: PartialDate
    year_note: Optional[str] = None
    status: Literal["announced", "passed", "funds_committed", "cancelled"]
    status_note: Optional[str] = None


class DeadlinesFile(Strict):
    version: int
    records: List[Deadline]


# --- cases ------------------------------------------------------------------------------------


class Case(Record):
    number: Optional[str] = None
    name: str
    aliases: List[str] = []
    legal_form: Optional[str] = None
    legal_form_detail: Optional[str] = None
    is_network: bool = False
    sector: Optional[str] = None
    activity: Optional[str] = None
    region: Optional[str] = None
    place: Optional[str] = None
    employees: Optional[int] = None
    employees_note: Optional[str] = None
    size_band: Optional[str] = None
    volunteers: Optional[int] = None
    members: Optional[int] = None
    revenue: Optional[str] = None
    it_budget: Optional[str] = None
    technologies: List[str] = []
    needs: List[str] = []
    summary: str
    project: str
    results: List[str] = []
    lessons: List[str] = []
    tags: List[str] = []
    clients: Optional[str] = None  # the profile's « Clientèle » line, as given
    figures_note: Optional[str] = None  # how the profile figures are tied to this case, when the source is ambiguous
    people: List[Person] = []  # people the case names (thanked director, quoted staff, advisers)

    _people = validator("people", allow_reuse=True)(_unique_people)


class CasesFile(Strict):
    version: int
    records: List[Case]


# --- statistics -------------------------------------------------------------------------------


class Group(Strict):
    dimension: Literal["total", "size", "sector", "it_resource", "revenue"]
    value: str


class Statistic(Record):
    topic: str
    label: str
    value: float
    unit: Literal["percent", "count", "dollars"]
    technology: Optional[str] = None
    group: Group
    base_n: Optional[int] = None
    year: Optional[int] = None
    published: Optional[int] = None


class StatisticsFile(Strict):
    version: int
    records: List[Statistic]


class SectorFigure(Record):
    indicator: str
    scope: str
    label: str
    value: float
    unit: Literal["count", "dollars", "percent", "people"]
    approximate: bool = False
    reference_year: Optional[int] = None
    published: Optional[int] = None
    note: Optional[str] = None


class SectorFiguresFile(Strict):
    version: int
    records: List[SectorFigure]


# --- glossary, advice, digital uses -----------------------------------------------------------


class Term(Record):
    term: str
    aliases: List[str] = []
    definition: str
    related: List[str] = []


class GlossaryFile(Strict):
    version: int
    records: List[Term]


class Advice(Record):
    category: Literal["advice", "supplier", "challenge", "winning_condition"]
    title: str
    text: str
    needs: List[str] = []
    tags: List[str] = []


class AdviceFile(Strict):
    version: int
    records: List[Advice]


class DigitalUse(Record):
    kind: Literal["application_field", "usage_family", "trend", "characteristic"]
    label: str
    items: List[str] = []
    description: Optional[str] = None


class DigitalUsesFile(Strict):
    version: int
    records: List[DigitalUse]


# --- unknowns: what the sources do not say --------------------------------------------------


class Unknown(Record):
    """A question people ask that the seeds do not answer: what they do say nearby, and who can
    answer. `source` is the section that shows the nearby fact (or the silence, e.g. a date
    without its year)."""

    topic: Literal["programme", "funding", "deadlines", "process", "eligibility", "contact"]
    volet: Optional[int] = Field(None, ge=1, le=3)
    question: str  # how a visitor would ask, in French
    variants: List[str] = Field(..., min_items=3)  # other ways to ask, with and without accents
    keywords: List[str] = Field(..., min_items=2)  # lower-case, accent-free words and phrases
    known: str  # what the sources DO say nearby, 1–2 French sentences
    ask: List[str] = Field(..., min_items=1)  # ids of partners.yml who can answer (checked by the loader)

    @validator("keywords", each_item=True)
    def _folded(cls, v: str) -> str:
        if strip_accents(v).lower() != v:
            raise ValueError(f"« {v} » : mot-clé en minuscules et sans accents")
        return v


class UnknownsFile(Strict):
    version: int
    records: List[Unknown]


FILE_SCHEMAS: Dict[str, type] = {
    "vocabulary.yml": VocabularyFile,
    "programme.yml": ProgrammeFile,
    "partners.yml": PartnersFile,
    "eligibility.yml": EligibilityFile,
    "deadlines.yml": DeadlinesFile,
    "cases.yml": CasesFile,
    "statistics.yml": StatisticsFile,
    "sector_figures.yml": SectorFiguresFile,
    "glossary.yml": GlossaryFile,
    "advice.yml": AdviceFile,
    "digital_uses.yml": DigitalUsesFile,
    "unknowns.yml": UnknownsFile,
}

__all__ = ["FILE_SCHEMAS", "ValidationError"] + [n for n in dir() if n[0].isupper()]
