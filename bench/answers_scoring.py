"""Pure scoring of `make bench-answers` (bench/answers.py): no server, no Rasa, no bank file.

What the question writers were promised (bench/answer_bank/*.yml):

* Before matching, the bot's answer AND each regex are normalised alike (`normalise`, `normalise_regex`):
  lower case, accents stripped, every kind of white space (non-breaking, narrow no-break, tabs,
  new lines) made one plain space, and a space between two digits deleted ("30 000 $" → "30000 $").
  Regexes are Python `re`, searched case-insensitively in that normalised text.
* The answer to a single question is the concatenation of the texts of all the bot's replies to it.

Every single question gets exactly one verdict, by this precedence (the first that applies wins):

  invented > wrong_fact > dialogue_failure > misunderstood > right > incomplete

* invented: the answer holds a number (amount, percentage, year, count), an e-mail, a phone number
  or a URL found in none of the seed documents (../shared/seeds/*.txt), see `SeedFacts`.
* wrong_fact: one of the item's `must_not` regexes matches.
* dialogue_failure: the request failed (timeout, HTTP error), the bot said nothing, or it said one
  of its "something broke" apologies (`FAILURE_PATTERNS`).
* misunderstood: a reply is one of the project's fallback texts (`Fallbacks`: utter_default,
  utter_out_of_scope, utter_ask_rephrase, the screening's "je n'ai pas saisi", the two-stage
  fallback's "Vouliez-vous dire" buttons); or the answer holds only generic turns (greeting, list of
  capabilities, "avec plaisir", …) and misses a `must`; or nothing was matched and no source was
  cited (an off-topic answer).
* right: every `must` matches and, for a `silent: true` item, the answer admits the sources do not
  say (`ADMISSION_PATTERNS`).
* incomplete: the rest: at least one `must` matched, or the answer cites a source ("Source : …"), or a
  silent item was admitted but some `must` is missing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

VERDICTS = ("right", "incomplete", "wrong_fact", "invented", "misunderstood", "dialogue_failure")
VOLET_STATUSES = ("eligible", "not_eligible", "unknown")

# --------------------------------------------------------------------------- normalisation

# Every character Python counts as white space (U+00A0, U+202F, U+2009, tabs, new lines…), plus
# the zero-width ones that are not (they would split a word or a number invisibly).
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_DIGIT_SPACE_DIGIT = re.compile(r"(?<=\d) (?=\d)")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def normalise(text: Optional[str]) -> str:
    """Lower case, accents stripped, typographic apostrophes → "'", any white space → one space,
    a space between two digits deleted, trimmed. Applied to answers, seeds and (via
    `normalise_regex`) regexes alike."""
    if not text:
        return ""
    text = _strip_accents(str(text).translate(_APOSTROPHES)).lower()
    text = _SPACES.sub(" ", text).strip()
    return _DIGIT_SPACE_DIGIT.sub("", text)


def normalise_regex(pattern: str) -> str:
    """`normalise` for a regex: the letter after a backslash keeps its case (`\\D`, `\\S`, `\\W`,
    `\\B`, `\\A`, `\\Z` mean something else in lower case); everything else is folded like text."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(_strip_accents(ch.translate(_APOSTROPHES)).lower())
        i += 1
    folded = _SPACES.sub(" ", "".join(out))
    return _DIGIT_SPACE_DIGIT.sub("", folded)


class BadRegex(ValueError):
    pass


@lru_cache(maxsize=8192)
def compile_regex(pattern: str) -> "re.Pattern[str]":
    try:
        return re.compile(normalise_regex(pattern), re.IGNORECASE)
    except re.error as exc:
        raise BadRegex(f"invalid regex {pattern!r}: {exc}") from exc


def matches(pattern: str, normalised_text: str) -> bool:
    """`pattern` (as written in the bank) found in already normalised text. A regex that does not
    compile never matches (and is reported by `check_regexes`)."""
    try:
        return compile_regex(pattern).search(normalised_text) is not None
    except BadRegex:
        return False


def check_regexes(patterns: Iterable[str]) -> List[str]:
    """The error message of every pattern that does not compile."""
    errors = []
    for p in patterns:
        try:
            compile_regex(str(p))
        except BadRegex as exc:
            errors.append(str(exc))
    return errors


# --------------------------------------------------------------------------- the bot's own words

# A silent item (the sources do not give the fact) is right only if the answer says so. Searched in
# normalised text (no accents, lower case, "'" apostrophes).
ADMISSION_PATTERNS: Tuple[str, ...] = (
    # "ne précisent pas", "ne le disent pas", "n'en donnent pas", "ne mentionnent toutefois pas"
    r"\b(ne |n')(le |la |les |l'|en |y |leur |lui )?(precis|dis|dit|donn|mentionn|indiqu|fourni|publi|specifi|"
    r"chiffr|detaill)\w*( \w+)? pas\b",
    r"\bpas (d'|de |d )?informations?\b",
    r"\bne (le |la |les )?sais pas\b",
    r"\bn'(est|sont) pas (precise|indique|connu|mentionne|donne|publie|communique|specifie)e?s?\b",
    r"\bnon (precise|indique|connu|mentionne|communique|specifie)e?s?\b",
    r"\baucune? (information|donnee|montant|date|chiffre|precision|mention)\b",
    r"\bsources ne\b",
    # "une subvention…, sans en donner le montant"
    r"\bsans (en |le |la |les )?(donner|preciser|indiquer|mentionner|chiffrer|citer)\b",
    r"\bje n'ai pas (ce|cette|cet|ces|d'|de |l'|le |la |les )",
    r"\bje ne (trouve|connais|dispose) pas\b",
    r"\bne figurent? pas\b",
    r"\bje n'ai aucune\b",
    r"\bnos documents ne\b",
)

# "Something broke" apologies: the REST guard (rasa_server/guard.py, UNAVAILABLE_TEXT), the
# knowledge-base guard (actions/kb.py, KB_DOWN_MESSAGE), a failed lead save (domain/leads.yml).
FAILURE_PATTERNS: Tuple[str, ...] = (
    r"je n'ai pas pu preparer ma reponse",
    r"un de mes services ne repond pas",
    r"je n'arrive pas a consulter ma base de connaissances",
    r"je n'ai pas pu enregistrer vos coordonnees",
    r"\b(internal server error|traceback|exception)\b",
)

SOURCE_CITED = re.compile(r"\bsources? ?:")

# Fallback-like responses of domain/*.yml: the bot did not understand / refused the topic.
FALLBACK_RESPONSES = (
    "utter_default",
    "utter_out_of_scope",
    "utter_ask_rephrase",
    "utter_screening_not_understood",
    "utter_screening_not_understood_choice",
    "utter_contact_empty_answer",
)
# Generic turns: right for a greeting, an answer to nothing for a question on the programme.
GENERIC_RESPONSES = (
    "utter_greet",
    "utter_capabilities",
    "utter_thank",
    "utter_goodbye",
    "utter_iamabot",
    "utter_ok_noted",
    "utter_anything_else",
    "utter_restarted",
)
# The two-stage fallback's question is built by actions/fallback.py (not in the domain).
TWO_STAGE_FALLBACK = (
    "je ne suis pas certain d'avoir compris",
    "vouliez-vous parler de l'un de ces sujets",
    "vouliez-vous dire",
)


def _first_sentence(text: str) -> str:
    """The normalised text up to its first full stop / question mark / exclamation mark, cut at 80
    characters (a response is recognised by its opening, slots and variations come later)."""
    norm = normalise(re.sub(r"\{[^}]*\}", "", text))
    head = re.split(r"(?<=[.?!])\s", norm, maxsplit=1)[0]
    if len(head) < 20:  # "D'accord." or "Bonjour !" alone would match far too much
        head = norm
    return head[:80].rstrip(" .?!")


@dataclass
class Fallbacks:
    """Openings of the fallback and generic responses, read from domain/*.yml at run time."""

    fallback: List[str] = field(default_factory=lambda: list(TWO_STAGE_FALLBACK))
    generic: List[str] = field(default_factory=list)

    @classmethod
    def from_domain(cls, domain_dir: Path) -> "Fallbacks":
        import yaml

        found = cls()
        for path in sorted(Path(domain_dir).glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for name, variants in (data.get("responses") or {}).items():
                target = (
                    found.fallback
                    if name in FALLBACK_RESPONSES
                    else (found.generic if name in GENERIC_RESPONSES else None)
                )
                if target is None:
                    continue
                for variant in variants or []:
                    head = _first_sentence((variant or {}).get("text") or "")
                    if len(head) >= 12 and head not in target:
                        target.append(head)
        return found

    def is_fallback(self, reply_text: str) -> bool:
        norm = normalise(reply_text)
        return any(head in norm for head in self.fallback)

    def is_generic(self, reply_text: str) -> bool:
        norm = normalise(reply_text)
        return any(head in norm for head in self.generic)


# --------------------------------------------------------------------------- seed facts

_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
_TLDS = r"(?:com|org|net|ca|coop|quebec|info|gouv|qc|io|fr)"
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'«»()\[\]]+"
    rf"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.{_TLDS}\b(?:/[^\s<>\"'«»()\[\]]*)?"
)
# After digit-space folding "514 555-1234" is "514555-1234" and "1 800 555 1234" is "18005551234".
_PHONE = re.compile(r"(?<![\w.,])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?![\w])")
# Not inside an identifier: "004_f41160bf…txt" has no number ("2e", "47,8G$" do: 2, 47,8).
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\d_])")


def _canon_url(url: str) -> str:
    url = re.sub(r"^(https?://)?(www\.)?", "", url.lower())
    return url.rstrip(".,;:!?/»)")


def _canon_number(token: str) -> str:
    """ "47,8" and "47.8" → "47.8"; "42,0" → "42"; "1.234.567" (several separators) → "1234567";
    "0030" → "30". Years and counts stay as written."""
    seps = re.findall(r"[.,]", token)
    if len(seps) > 1:
        return str(int(re.sub(r"[.,]", "", token)))
    if seps:
        whole, frac = re.split(r"[.,]", token)
        frac = frac.rstrip("0")
        whole = str(int(whole))
        return f"{whole}.{frac}" if frac else whole
    return str(int(token))


def _phone_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[-10:]


@dataclass
class Extracted:
    numbers: List[str]
    emails: List[str]
    urls: List[str]
    phones: List[str]


def extract_facts(normalised_text: str) -> Extracted:
    """Numbers, e-mails, URLs and phone numbers of normalised text; the digits of an e-mail, URL or
    phone number are not counted again as numbers."""
    text = normalised_text
    emails = _EMAIL.findall(text)
    text = _EMAIL.sub(" ", text)
    urls = [_canon_url(u) for u in _URL.findall(text)]
    text = _URL.sub(" ", text)
    phones = [_phone_digits(p) for p in _PHONE.findall(text)]
    text = _PHONE.sub(" ", text)
    numbers = [_canon_number(n) for n in _NUMBER.findall(text)]
    return Extracted(numbers=numbers, emails=emails, urls=urls, phones=phones)


class SeedFacts:
    """Every number, e-mail, URL and phone number of the seed documents, normalised like answers.

    A number of the answer is known when it is written in a seed, or when it is a seed's decimal
    rounded to one decimal (the bot prints one decimal: "41,67 %" may become "41,7 %"). A URL is known
    when it occurs in a seed's text (scheme and "www." ignored); a phone number by its 10 digits.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self.corpus = ""
        numbers: Set[str] = set()
        emails: Set[str] = set()
        urls: Set[str] = set()
        phones: Set[str] = set()
        parts = []
        for text in texts:
            norm = normalise(text)
            parts.append(norm)
            found = extract_facts(norm)
            numbers.update(found.numbers)
            emails.update(found.emails)
            urls.update(found.urls)
            phones.update(found.phones)
        for value in list(numbers):
            if "." in value:
                rounded = f"{float(value):.1f}"
                numbers.add(_canon_number(rounded))
        self.corpus = "\n".join(parts)
        self.numbers, self.emails, self.urls, self.phones = numbers, emails, urls, phones

    @classmethod
    def from_dir(cls, seeds_dir: Path) -> "SeedFacts":
        files = sorted(Path(seeds_dir).glob("*.txt"))
        if not files:
            raise FileNotFoundError(f"no seed documents (*.txt) in {seeds_dir}")
        return cls(p.read_text(encoding="utf-8", errors="replace") for p in files)

    def unknown(self, answer: str) -> List[str]:
        """What the answer states that no seed gives: ["number 123456", "email x@y.ca", …]."""
        found = extract_facts(normalise(answer))
        out = []
        for e in found.emails:
            if e not in self.emails:
                out.append(f"email {e}")
        for u in found.urls:
            if u and u not in self.urls and u not in self.corpus:
                out.append(f"url {u}")
        for p in found.phones:
            if p not in self.phones:
                out.append(f"phone {p}")
        for n in found.numbers:
            if n not in self.numbers:
                out.append(f"number {n}")
        return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- single questions


def answer_text(replies: Optional[Sequence[Mapping[str, Any]]]) -> str:
    """The concatenated texts of the bot's replies to one message."""
    return "\n".join(str(r.get("text")) for r in (replies or []) if r.get("text"))


def admits(normalised_answer: str) -> bool:
    return any(re.search(p, normalised_answer) for p in ADMISSION_PATTERNS)


def is_failure_text(normalised_answer: str) -> bool:
    return any(re.search(p, normalised_answer) for p in FAILURE_PATTERNS)


def classify_single(
    item: Mapping[str, Any],
    replies: Optional[Sequence[Mapping[str, Any]]],
    seeds: SeedFacts,
    fallbacks: Fallbacks,
    error: Optional[str] = None,
) -> Dict[str, Any]:
    """The verdict of one single question and why: {"verdict", "missing", "matched_must_not",
    "invented", "reason", "answer"}. `error`: the request's own failure (timeout, HTTP status)."""
    text = answer_text(replies)
    norm = normalise(text)
    must = [str(p) for p in item.get("must") or []]
    must_not = [str(p) for p in item.get("must_not") or []]
    silent = bool(item.get("silent"))
    matched = [p for p in must if matches(p, norm)]
    missing = [p for p in must if p not in matched]
    bad = [p for p in must_not if matches(p, norm)]
    # What the visitor typed is not invented when the bot says it back ("Noté : 45 employés").
    typed = extract_facts(normalise(str(item.get("text") or "")))
    echoed = {*typed.numbers, *typed.emails, *typed.urls, *typed.phones}
    invented = [x for x in (seeds.unknown(text) if text else []) if x.split(" ", 1)[-1] not in echoed]
    admitted = admits(norm)
    texts = [str(r.get("text") or "") for r in replies or [] if r.get("text")]
    fallback = any(fallbacks.is_fallback(t) for t in texts)
    generic_only = bool(texts) and all(fallbacks.is_generic(t) for t in texts)
    cited = SOURCE_CITED.search(norm) is not None
    result: Dict[str, Any] = {
        "answer": text,
        "missing": missing,
        "matched_must_not": bad,
        "invented": invented,
        "admitted": admitted,
        "cited": cited,
    }

    def done(verdict: str, reason: str) -> Dict[str, Any]:
        result.update(verdict=verdict, reason=reason)
        return result

    if invented:
        return done("invented", "not in the seeds: " + ", ".join(invented))
    if bad:
        return done("wrong_fact", "must_not matched: " + ", ".join(bad))
    if error:
        return done("dialogue_failure", error)
    if not text.strip():
        return done("dialogue_failure", "no reply")
    if is_failure_text(norm):
        return done("dialogue_failure", "error apology")
    if fallback:
        return done("misunderstood", "fallback reply")
    complete = not missing and (admitted or not silent)
    if generic_only and not complete:
        return done("misunderstood", "generic reply only")
    if complete:
        return done("right", "")
    why = ([f"missing: {', '.join(missing)}"] if missing else []) + (
        ["silent item: no admission that the sources do not say"] if silent and not admitted else []
    )
    if matched or cited or (silent and admitted):
        return done("incomplete", "; ".join(why))
    return done("misunderstood", "off-topic (nothing asked for, no source); " + "; ".join(why))


# --------------------------------------------------------------------------- volet verdicts

_VOLET_MENTION = re.compile(r"\bvolets? ?(\d(?:(?: ?, ?| et | ou |-)\d)*)\b")
# Alternatives tried left to right at each position: "non admissible" wins over "admissible".
_STATUS = re.compile(
    r"(?P<not_eligible>\bnon admissibles?\b|\bpas admissibles?\b|\binadmissibles?\b|\bexclue?s?\b|"
    r"\bne (sont|est) pas admissibles?\b|\bnon\b(?! (?:precise|lucratif))|\bne semble pas\b)"
    r"|(?P<unknown>\ba confirmer\b|\bpossibles?\b|\bpourrai(?:t|ent|s)\b|\bil manque\b|\bindetermine|"
    r"\bincertaine?s?\b|\bsous reserve\b|\bpeut-etre\b)"
    r"|(?P<eligible>\badmissibles?\b|\boui\b|\bvous y avez droit\b)"
)
# The whole programme refused without naming a volet (actions/eligibility.py, actions/screening.py).
# Older wording ("Selon les critères publiés, non") and today's ("Syndicat : non. D'après la
# définition d'une entreprise d'économie sociale…").
_ALL_REFUSED = re.compile(
    r"selon les criteres publies, non\b|le programme ne semble pas vous convenir|"
    r"^[^:\n]{1,80} : non(?: admissible au programme)?\. (?=apres la definition|d.apres la definition)",
    re.MULTILINE,
)
_VERDICT_BLOCK = re.compile(
    r"selon les criteres publies|apres la definition d.une entreprise d.economie sociale|prochaine etape|"
    r"ne semble pas vous convenir|il me manque des reponses pour conclure"
)


def _volet_numbers(group: str) -> List[int]:
    if "-" in group and re.fullmatch(r"\d-\d", group):
        a, b = int(group[0]), int(group[2])
        return list(range(a, b + 1))
    return [int(d) for d in re.findall(r"\d", group)]


def _status_of(window: str, *, before: bool = False) -> Optional[str]:
    found = list(_STATUS.finditer(window))
    if not found:
        return None
    m = found[-1] if before else found[0]
    return m.lastgroup


def detect_verdicts(text: str) -> Dict[int, str]:
    """{volet number: "eligible" | "not_eligible" | "unknown"} stated in a bot text.

    Reads "• Volet 2 (Accompagnement…) : admissible", "• Volets 1, 2 et 3 : non admissibles.",
    "• Volet 3 : possible, si…", "Volet 1 : oui." and, looking back in the same sentence when
    nothing follows, "vous seriez admissible au volet 2". The status is the first status word after
    the mention (its parenthesised name skipped), before the next volet mention and the line's end.
    "Selon les critères publiés, non : …", "Syndicat : non admissible au programme. D'après la définition…"
    and "Le programme ne semble pas vous convenir" refuse
    every volet not otherwise stated.
    """
    norm = normalise_lines(text)
    out: Dict[int, str] = {}
    for line in norm.split("\n"):
        mentions = list(_VOLET_MENTION.finditer(line))
        for i, m in enumerate(mentions):
            end = mentions[i + 1].start() if i + 1 < len(mentions) else len(line)
            after = line[m.end() : end]
            after = re.sub(r"^ ?\([^)]*\)", "", after).lstrip()  # the volet's name
            if after[:1] in (":", "—", "-"):  # "Volet 2 : admissible…": up to the sentence's end
                after = re.split(r"[.!?;](?:\s|$)", after, maxsplit=1)[0][:120]
            else:  # "au volet 2, mais…": only the clause that follows
                after = re.split(r"[,.!?;:(]", after, maxsplit=1)[0][:40]
            status = _status_of(after)
            if status is None:
                start = mentions[i - 1].end() if i else 0
                before = line[start : m.start()]
                before = re.split(r"[.!?;:]\s", before)[-1][-80:]
                status = _status_of(before, before=True)
            if status is None:
                continue
            for n in _volet_numbers(m.group(1)):
                out[n] = status
    if _ALL_REFUSED.search(norm):
        for n in (1, 2, 3):
            out.setdefault(n, "not_eligible")
    return out


def normalise_lines(text: str) -> str:
    """`normalise` line by line (line breaks kept: a verdict's scope is its line)."""
    return "\n".join(normalise(line) for line in str(text or "").splitlines())


def is_verdict_turn(text: str) -> bool:
    """A reply that concludes (screening result or one-line eligibility answer)."""
    norm = normalise(text)
    return bool(detect_verdicts(text)) and _VERDICT_BLOCK.search(norm) is not None


# --------------------------------------------------------------------------- screening topics

# (topic, keywords in the normalised question): the first topic with a keyword wins, so the more
# specific questions come first ("structurer tout votre réseau" is the project, not the network;
# "regroupement professionnel" is an excluded category, not a network).
TOPIC_KEYWORDS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("legal_form", ("forme juridique", "statut juridique", "quel type d'organisation", "quelle sorte d'organisation")),
    (
        "org_category",
        ("ordre professionnel", "syndicat", "parti politique", "organisme religieux", "regroupement patronal"),
    ),
    ("project", ("structurer", "structurant", "le projet vise", "votre projet", "quel projet")),
    ("is_network", ("reseau", "federation", "regroupement", "association sectorielle")),
    ("public_control", ("controle decisionnel", "organismes publics", "organisme public", "autonome")),
    (
        "governance",
        ("gouvernance", "democratique", "un membre = un vote", "assemblee generale", "conseil d'administration"),
    ),
    ("profits", ("surplus", "ristourne", "profits", "benefices", "excedents")),
    ("dissolution", ("dissolution",)),
    (
        "members",
        ("besoins de ses membres", "besoins de vos membres", "collectivite", "vos membres", "combien de membres"),
    ),
    ("market", ("vend-il", "vendez-vous", "biens ou des services", "revenus de location", "activites marchandes")),
    ("quebec", ("etablie au quebec", "etabli au quebec", "situee au quebec", "au quebec ?")),
    ("sector", ("secteur", "domaine d'activite", "dans quel domaine")),
    ("region", ("region", "ou etes-vous", "ou se trouve", "ou est situe", "quelle ville")),
    ("staff", ("employe", "salarie", "combien de personnes", "taille de votre")),
    ("need", ("besoin", "aimeriez", "cherchez", "defi", "priorite")),
)

# Which keys of the bank's `answers` may answer each topic, in order of preference. The bank's keys
# are legal_form, is_network, sector, region, staff, project, governance, profits, members, need;
# a key named after the form's slot (org_category, market_activities, …) is used too when present.
TOPIC_ANSWER_KEYS: Dict[str, Tuple[str, ...]] = {
    "legal_form": ("legal_form",),
    "org_category": ("org_category",),
    "project": ("project", "structuring_project"),
    "is_network": ("is_network", "network"),
    "public_control": ("public_control",),
    "governance": ("governance", "democratic_governance"),
    "profits": ("profits", "surplus_limited", "surplus"),
    "dissolution": ("dissolution_rule", "dissolution"),
    "members": ("members", "serves_members_or_community"),
    "market": ("market_activities", "market", "sales"),
    "quebec": ("based_in_quebec",),
    "sector": ("sector",),
    "region": ("region",),
    "staff": ("staff", "employees"),
    "need": ("need", "needs", "project"),
}

DONT_KNOW = "je ne sais pas"
SKIP = "passer"
NOT_EXCLUDED = "non, aucun de ceux-là"


def map_topic(question: str) -> Optional[str]:
    """The screening topic a bot question asks about, or None."""
    norm = normalise(question)
    for topic, keywords in TOPIC_KEYWORDS:
        if any(k in norm for k in keywords):
            return topic
    return None


NOT_PUBLIC = "non, elle est autonome"
# Legal forms of the social economy (knowledge/sources/vocabulary.yml ids): a persona who says it is
# one of them is, unless it says otherwise, neither an excluded category nor run by a public body.
SOCIAL_ECONOMY_FORMS = ("cooperative", "mutual", "nonprofit")

Vocab = Mapping[str, Mapping[str, Iterable[str]]]  # kind → vocabulary id → folded forms


def _names(vocab: Vocab, kind: str, text: str, ids: Optional[Iterable[str]] = None) -> bool:
    """Whether `text` names one of the vocabulary entries of `kind` (only `ids` when given)."""
    from knowledge.text import fold, phrase_pattern

    folded = fold(text)
    entries = vocab.get(kind) or {}
    wanted = set(ids) if ids is not None else None
    return any(
        f and phrase_pattern(f).search(folded)
        for vid, forms in entries.items()
        if wanted is None or vid in wanted
        for f in forms
    )


def choose_answer(
    topic: Optional[str], answers: Mapping[str, str], *, vocab: Optional[Vocab] = None, attempt: int = 0
) -> str:
    """What the persona types for `topic`. `attempt`: how many times this topic was already answered
    in a row (the bot asked again: it did not read the answer): then "je ne sais pas", then "passer".

    Three questions of the form have no key of their own in the bank; their answer is derived from
    the others with the knowledge base's vocabulary (`vocab`: kind → id → folded forms):
    * org_category: an answer naming an excluded category (syndicat, ordre…), else "non, aucun de
      ceux-là" when the legal_form answer names a social-economy form (coop, mutuelle, OBNL);
    * public_control: "oui, " + the legal_form or governance answer that names a public body
      (municipalité, ministère…), else "non, elle est autonome" when the legal_form answer names a
      social-economy form;
    * based_in_quebec: "oui, " + the region answer when it names a Québec region.
    Anything else without an answer: "je ne sais pas".
    """
    if attempt == 1:
        return DONT_KNOW
    if attempt >= 2:
        return SKIP
    vocab = vocab or {}
    answers = {k: str(v) for k, v in (answers or {}).items() if v not in (None, "")}
    for key in TOPIC_ANSWER_KEYS.get(topic or "", ()):
        if key in answers:
            return answers[key]
    legal = answers.get("legal_form", "")
    social = bool(legal) and _names(vocab, "legal_forms", legal, SOCIAL_ECONOMY_FORMS)
    if topic == "org_category":
        for value in answers.values():
            if _names(vocab, "excluded_categories", value):
                return value
        if social:
            return NOT_EXCLUDED
    if topic == "public_control":
        for value in (legal, answers.get("governance", "")):
            if value and _names(vocab, "legal_forms", value, ("public_body",)):
                return "oui, " + value
        if social:
            return NOT_PUBLIC
    if topic == "quebec" and "region" in answers and _names(vocab, "regions", answers["region"]):
        return "oui, " + answers["region"]
    return DONT_KNOW


def pending_question(replies: Sequence[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    """The last reply of a bot turn that ends with a question mark, if any (an answer that merely
    offers buttons, "Le volet 3 en détail", asks nothing)."""
    for reply in reversed(list(replies or [])):
        if str(reply.get("text") or "").rstrip().endswith("?"):
            return reply
    return None


def start_screening_button(replies: Sequence[Mapping[str, Any]]) -> Optional[str]:
    for reply in replies or []:
        for b in reply.get("buttons") or []:
            if str(b.get("payload", "")).startswith("/start_screening"):
                return str(b["payload"])
    return None


# --------------------------------------------------------------------------- conversations


def check_turn(
    turn: Mapping[str, Any], replies: Optional[Sequence[Mapping[str, Any]]], error: Optional[str] = None
) -> List[str]:
    """The failed checks of one scripted turn (empty: it passed)."""
    text = answer_text(replies)
    norm = normalise(text)
    failed = []
    if error:
        failed.append(f"dialogue_failure: {error}")
    elif not text.strip():
        failed.append("dialogue_failure: no reply")
    elif is_failure_text(norm):
        failed.append("dialogue_failure: error apology")
    failed += [f"must missing: {p}" for p in turn.get("must") or [] if not matches(str(p), norm)]
    failed += [f"must_not matched: {p}" for p in turn.get("must_not") or [] if matches(str(p), norm)]
    return failed


# A reply about a hypothesis ("et si on ajoutait une AG annuelle ?"): its verdicts are of that case,
# not of the organisation, whose answers it says it left as they were.
_HYPOTHETICAL = re.compile(r"^hypothese\b|\bje n.ai rien change a vos reponses\b")


def final_verdicts(bot_texts: Sequence[str]) -> Dict[int, str]:
    """Each volet's last stated verdict over a conversation's bot texts, in order; the verdicts of a
    hypothesis the visitor asked about ("Hypothèse : … Je n'ai rien changé à vos réponses.") are not
    the organisation's and are left out."""
    out: Dict[int, str] = {}
    for text in bot_texts:
        if _HYPOTHETICAL.search(normalise(text)):
            continue
        out.update(detect_verdicts(text))
    return out


def evaluate_conversation(
    conv: Mapping[str, Any], turn_failures: Sequence[Sequence[str]], bot_texts: Sequence[str]
) -> Dict[str, Any]:
    """{"right": bool, "reasons": [(category, detail)], "verdicts": {...}} of a played conversation.
    Categories: turn, dialogue_failure, expect_must, expect_must_not, verdict."""
    reasons: List[Tuple[str, str]] = []
    for index, failed in enumerate(turn_failures):
        for f in failed:
            category = "dialogue_failure" if f.startswith("dialogue_failure") else "turn"
            reasons.append((category, f"turn {index + 1}: {f}"))
    expect = conv.get("expect") or {}
    whole = normalise("\n".join(bot_texts))
    for p in expect.get("must") or []:
        if not matches(str(p), whole):
            reasons.append(("expect_must", f"missing: {p}"))
    for p in expect.get("must_not") or []:
        if matches(str(p), whole):
            reasons.append(("expect_must_not", f"matched: {p}"))
    stated = final_verdicts(bot_texts)
    for key, wanted in (expect.get("verdict") or {}).items():
        number = int(re.sub(r"\D", "", str(key)) or 0)
        got = stated.get(number)
        if got != str(wanted):
            reasons.append(("verdict", f"volet {number}: expected {wanted}, got {got or 'not stated'}"))
    return {"right": not reasons, "reasons": reasons, "verdicts": {str(k): v for k, v in sorted(stated.items())}}


# --------------------------------------------------------------------------- knowledge-base reach


def _words(text: Any, count: int) -> str:
    return " ".join(normalise(str(text or "")).split()[:count])


def _number_forms(value: Any) -> List[str]:
    if value is None:
        return []
    try:
        v = float(value)
    except (TypeError, ValueError):
        return []
    if math.isnan(v):
        return []
    from common.formatting import number

    forms = [number(v)]
    if abs(v) >= 1_000_000_000:
        forms.append(number(round(v / 1_000_000_000, 1)))
    elif abs(v) >= 1_000_000:
        forms.append(number(round(v / 1_000_000, 1)))
    return [normalise(f) for f in forms]


_MONTHS = (
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
)


def reach_signatures(snap: Mapping[str, Any]) -> Dict[str, List[Tuple[str, List[Tuple[str, ...]], bool]]]:
    """kind → [(record id, signatures, same_line)]: a record is reached when every part of one of
    its signatures (normalised strings) is in one bot reply (in one line when same_line)."""
    out: Dict[str, List[Tuple[str, List[Tuple[str, ...]], bool]]] = {}

    def add(kind: str, rid: str, sigs: Iterable[Tuple[str, ...]], same_line: bool = False) -> None:
        sigs = [tuple(p for p in s if p) for s in sigs]
        sigs = [s for s in sigs if s]
        if sigs:
            out.setdefault(kind, []).append((rid, sigs, same_line))

    if snap.get("programme"):
        p = snap["programme"]
        add("programme", p.get("id", "programme"), [(normalise(p.get("name")),), (_words(p.get("purpose"), 6),)])
    for v in snap.get("volets") or []:
        add("volets", v["id"], [(f"volet {v['number']}", normalise(v.get("name"))), (_words(v.get("summary"), 6),)])
    for f in snap.get("facts") or []:
        add("facts", f["id"], [(_words(f.get("text"), 6),), (normalise(f.get("label")),)])
    for p in snap.get("partners") or []:
        sigs = [(normalise(p.get("name")),)]
        if p.get("acronym"):
            sigs.append((normalise(p["acronym"]),))
        add("partners", p["id"], sigs)
    for q in snap.get("questions") or []:
        add("questions", q["id"], [(_words(q.get("question"), 8),)])
    for c in snap.get("criteria") or []:
        add("criteria", c["id"], [(normalise(c.get("label")),)])
    for d in snap.get("deadlines") or []:
        date = d.get("date") or {}
        if date.get("day") and date.get("month"):
            add("deadlines", d["id"], [(f"{date['day']} {_MONTHS[int(date['month']) - 1]}",)])
    for c in snap.get("cases") or []:
        add("cases", c["id"], [(normalise(str(c.get("name", "")).split(" (")[0]),)])
    for s in snap.get("statistics") or []:
        add(
            "statistics",
            s["id"],
            [(normalise(s.get("label")), form) for form in _number_forms(s.get("value"))],
            same_line=True,
        )
    for f in snap.get("sector_figures") or []:
        add(
            "sector_figures",
            f["id"],
            [(normalise(f.get("label")), form) for form in _number_forms(f.get("value"))]
            or [(normalise(f.get("label")),)],
            same_line=True,
        )
    for t in snap.get("glossary") or []:
        add("glossary", t["id"], [(normalise(t.get("term")), _words(t.get("definition"), 5))])
    for a in snap.get("advice") or []:
        add("advice", a["id"], [(normalise(a.get("title")),), (_words(a.get("text"), 7),)])
    for u in snap.get("digital_uses") or []:
        items = u.get("items") or []
        add(
            "digital_uses",
            u["id"],
            [(normalise(u.get("label")), normalise(items[0]) if items else _words(u.get("description"), 5))],
        )
    return out


def kb_reach(
    signatures: Mapping[str, Sequence[Tuple[str, Sequence[Tuple[str, ...]], bool]]], bot_texts: Iterable[str]
) -> Dict[str, Any]:
    """Share of records reached by at least one bot reply: overall and per kind."""
    replies = [normalise_lines(t) for t in bot_texts if t]
    joined = [r.replace("\n", " ") for r in replies]
    lines = [line for r in replies for line in r.split("\n") if line]
    per_kind: Dict[str, Dict[str, Any]] = {}
    total = reached_total = 0
    for kind, records in signatures.items():
        reached = []
        for rid, sigs, same_line in records:
            pool = lines if same_line else joined
            if any(all(part in text for part in sig) for sig in sigs for text in pool):
                reached.append(rid)
        per_kind[kind] = {"records": len(records), "reached": len(reached)}
        total += len(records)
        reached_total += len(reached)
    kinds = [v["reached"] / v["records"] for v in per_kind.values() if v["records"]]
    return {
        "records": total,
        "reached": reached_total,
        "share": reached_total / total if total else None,
        "macro_share": sum(kinds) / len(kinds) if kinds else None,
        "per_kind": per_kind,
    }
