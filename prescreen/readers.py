"""Read every input kind into a `Conversation` (or a `Rejected` with a clear French message).

Kinds:
* ``tracker_store`` — conversations in Rasa's SQL tracker store (``events`` table);
* ``tracker_json`` — Rasa tracker exports: one tracker ``{"sender_id", "events": [...]}``, a
  list of them, ``{"trackers": [...]}``, a bare list of events, or JSON lines of trackers;
* ``chat`` — speaker-labelled lines ("Visiteur :", "Client :", "Utilisateur :" for the
  organisation; "Assistant :", "Conseiller :", "Bot :" for our side), timestamps allowed;
* ``email`` — a message with headers (De/From, À/To, Objet/Subject, Date); quoted replies
  are dropped;
* ``call_notes`` — an advisor's notes ("Notes d'appel", "Organisme : …", "Contact : …",
  "Consentement : oui"), the rest is content;
* ``prose`` — anything else: free text about the organisation.

No profile is read here: the text goes to the NLU model (prescreen.nlu). Readers only
find the structure (who speaks, headers, the contact details to mask) and reject garbage:
empty, binary, too large, not French.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from common.contact import find_emails, find_phones
from common.slots import (
    CONSENT_GIVEN_AT_SLOT,
    CONSENT_SLOT,
    CONTACT_EMAIL_SLOT,
    CONTACT_NAME_SLOT,
    CONTACT_ORG_SLOT,
    CONTACT_PHONE_SLOT,
    LEAD_REFERENCE_SLOT,
    SKIPPED,
)
from knowledge.text import fold_keep_punctuation

DEFAULT_MAX_BYTES = 256 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".eml", ".json", ".jsonl", ".log", ".csv", ".html", ".htm", ""}

USER_LABELS = {"visiteur", "visiteuse", "client", "cliente", "utilisateur", "utilisatrice", "usager", "usagere"}
BOT_LABELS = {
    "assistant",
    "assistante",
    "conseiller",
    "conseillere",
    "bot",
    "virage",
    "agent",
    "agente",
    "robot",
    "chatbot",
}
_SPEAKER_RE = re.compile(
    r"^\s*(?:\[[^\]]{1,25}\]\s*|\(?\d{1,2}[:h]\d{2}(?::\d{2})?\)?\s*[-–]?\s*|\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?\s*[-–]?\s*)?"
    r"(?P<label>[^\W\d_][\w'’-]{1,20})(?:\s+\d+)?(?:\s*\([^)]{0,40}\))?\s*[:：]\s?(?P<text>.*)$"
)
_EMAIL_HEADERS = {"de", "from", "a", "to", "objet", "subject", "date", "envoye", "sent", "cc", "cci", "bcc", "reply-to"}
_HEADER_RE = re.compile(r"^(?P<name>[A-Za-zÀ-ÿ-]{1,12})\s*:\s*(?P<value>.*)$")
_QUOTE_START = re.compile(
    r"^(?:>|-{2,}\s*(?:original message|message d'origine|message original)|le .{3,80} a écrit\s*:|"
    r"on .{3,80} wrote\s*:|de\s*:.*\benvoy[ée]\s*:)",
    re.IGNORECASE,
)
_SIGNATURE_START = re.compile(r"^(?:--\s*$|cordialement|bien à vous|salutations|merci et bonne journée)", re.IGNORECASE)
_CALL_TITLE = re.compile(
    r"\b(notes? d'appel|compte[- ]rendu|appel t[ée]l[ée]phonique|entretien t[ée]l[ée]phonique|"
    r"r[ée]sum[ée] d'appel|notes? de suivi|note au dossier|appel (?:entrant|sortant|du|de))\b",
    re.IGNORECASE,
)
CALL_FIELDS = {
    "organisme": "organisation",
    "organisation": "organisation",
    "entreprise": "organisation",
    "nom de l'organisme": "organisation",
    "contact": "name",
    "interlocuteur": "name",
    "interlocutrice": "name",
    "personne": "name",
    "nom": "name",
    "telephone": "phone",
    "tel": "phone",
    "cellulaire": "phone",
    "courriel": "email",
    "email": "email",
    "e-mail": "email",
    "consentement": "consent",
    "date": "date",
    "conseiller": "advisor",
    "conseillere": "advisor",
    "duree": "duration",
    "objet": "subject",
    "suivi": None,
    "notes": None,
    "resume": None,
    "besoin": None,
    "besoins": None,
    "secteur": None,
    "region": None,
    "forme juridique": None,
    "statut": None,
    "employes": None,
    "taille": None,
}
_CALL_FIELD_RE = re.compile(r"^\s*[-•*]?\s*(?P<name>[A-Za-zÀ-ÿ' .-]{2,22}?)\s*:\s*(?P<value>.+)$")
_CONSENT_YES = re.compile(r"^\s*(oui|obtenu|donn[ée]|accord[ée]?|accept[ée]|verbal)", re.IGNORECASE)

FR_STOP = {
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "un",
    "une",
    "et",
    "est",
    "nous",
    "vous",
    "on",
    "je",
    "pour",
    "dans",
    "avec",
    "que",
    "qui",
    "pas",
    "sur",
    "au",
    "aux",
    "en",
    "notre",
    "nos",
    "votre",
    "mon",
    "ma",
    "sommes",
    "avons",
    "c'est",
    "cest",
    "bonjour",
    "merci",
    "oui",
    "non",
    "ce",
    "ca",
    "ça",
    "il",
    "elle",
    "mais",
    "ou",
    "par",
    "plus",
    "tres",
    "très",
    "aussi",
    "comme",
    "son",
    "sa",
    "ses",
    "leur",
    "employes",
    "employés",
    "cooperative",
    "coop",
    "organisme",
    "avoir",
    "etre",
    "être",
    "fait",
    "faire",
}
ES_STOP = {
    "el",
    "los",
    "las",
    "somos",
    "una",
    "con",
    "para",
    "por",
    "y",
    "es",
    "del",
    "queremos",
    "podemos",
    "muchas",
    "gracias",
    "hola",
    "nuestra",
    "nuestro",
    "nuestros",
    "tenemos",
    "empleados",
    "muy",
    "pero",
    "como",
    "esta",
    "este",
    "estamos",
    "sobre",
    "cooperativa",
    "informacion",
    "información",
    "programa",
}
EN_STOP = {
    "the",
    "and",
    "is",
    "are",
    "we",
    "you",
    "our",
    "of",
    "to",
    "in",
    "for",
    "with",
    "that",
    "this",
    "have",
    "has",
    "it",
    "be",
    "not",
    "hello",
    "thanks",
    "thank",
    "please",
    "would",
    "like",
    "what",
    "how",
    "can",
    "do",
    "does",
    "my",
    "an",
    "at",
    "on",
    "from",
    "about",
    "yes",
    "no",
    "hi",
    "will",
    "employees",
    "company",
    "business",
    "which",
    "they",
    "their",
    "there",
    "was",
    "were",
    "i",
    "i'm",
}


@dataclass
class Turn:
    speaker: str  # "user" | "bot"
    text: str
    slots: Dict[str, Any] = field(default_factory=dict)  # slots set right after this turn (tracker)
    contact_answer: Optional[str] = None  # "name"/"organisation"/"email"/"phone": answer to our contact form


# The contact form's own questions (domain/leads.yml): the answers are contact details, not profile.
CONTACT_PROMPTS = (
    ("organisation", "nom de votre organisation"),
    ("name", "quel est votre nom"),
    ("email", "adresse courriel"),
    ("phone", "numero de telephone"),
)
CONSENT_PROMPT = "acceptez-vous que nous conservions ces renseignements"


def contact_prompt(bot_text: str) -> Optional[str]:
    folded = fold_keep_punctuation(bot_text)
    for key, marker in CONTACT_PROMPTS:
        if marker in folded:
            return key
    return None


def mark_contact_answers(turns: List[Turn], contacts: Dict[str, Any]) -> None:
    """Flag the answers to the contact form's questions; keep name/organisation as contacts."""
    asked = None
    for turn in turns:
        if turn.speaker == "bot":
            asked = contact_prompt(turn.text)
            continue
        if asked:
            turn.contact_answer = asked
            if asked in ("name", "organisation") and not turn.text.startswith("/"):
                contacts.setdefault(asked, turn.text.strip()[:120])
        asked = None


@dataclass
class Conversation:
    id: str
    source: str
    kind: str
    turns: List[Turn]
    slots: Dict[str, Any] = field(default_factory=dict)  # final slot values (tracker inputs)
    contacts: Dict[str, Any] = field(default_factory=dict)  # name, organisation, emails, phones
    consent: Optional[Dict[str, Any]] = None  # {"given": True, "how": "...", "at": ...}
    sender_id: Optional[str] = None
    notes: List[str] = field(default_factory=list)

    @property
    def user_text(self) -> str:
        return "\n".join(t.text for t in self.turns if t.speaker == "user")


@dataclass
class Rejected:
    id: str
    source: str
    message: str


Item = Union[Conversation, Rejected]


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------
def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} Mo".replace(".", ",")
    if n >= 1024:
        return f"{n / 1024:.0f} Ko"
    return f"{n} octets"


def decode(raw: bytes) -> Tuple[Optional[str], Optional[str]]:
    """(text, None) or (None, French reason) — binary content is refused."""
    head = raw[:8192]
    if b"\x00" in head:
        return None, "fichier binaire (octets nuls) : ce n'est pas du texte."
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("latin-1")
    sample = text[:8192]
    controls = sum(1 for c in sample if unicodedata.category(c) in ("Cc", "Co", "Cs") and c not in "\n\r\t\f")
    if sample and controls / len(sample) > 0.05:
        return None, "fichier binaire ou illisible : ce n'est pas du texte."
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def language_problem(text: str) -> Optional[str]:
    """A French reason if the text is not French, else None."""
    words = re.findall(r"[a-zà-ÿ']+", (text or "").lower())
    if len(words) < 4:
        return None
    fr = sum(1 for w in words if w in FR_STOP)
    en = sum(1 for w in words if w in EN_STOP)
    es = sum(1 for w in words if w in ES_STOP)
    if en > fr * 1.5 and en / len(words) > 0.12:
        return "texte en anglais : Virage ne traite que les échanges en français."
    if es > fr * 1.5 and es / len(words) > 0.12:
        return "texte en espagnol : Virage ne traite que les échanges en français."
    if fr / len(words) < 0.04 and len(words) >= 12:
        return "langue non reconnue : Virage ne traite que les échanges en français."
    return None


def _label_kind(label: str) -> Optional[str]:
    folded = fold_keep_punctuation(label).strip()
    if folded in USER_LABELS:
        return "user"
    if folded in BOT_LABELS:
        return "bot"
    return None


def _contacts_from(text: str) -> Dict[str, Any]:
    return {"emails": find_emails(text), "phones": find_phones(text)}


# ----------------------------------------------------------------------------------------
# text kinds
# ----------------------------------------------------------------------------------------
def detect_kind(text: str, suffix: str = "") -> str:
    stripped = text.lstrip("\ufeff \n\t")
    if suffix in (".json", ".jsonl") or stripped[:1] == "{" or re.match(r"\[\s*[{\]]", stripped):
        return "tracker_json"
    lines = [l for l in text.split("\n") if l.strip()]
    if suffix != ".eml" and any(_CALL_TITLE.search(l) for l in lines[:2]):
        return "call_notes"
    head = lines[:12]
    headers = set()
    for line in head:
        m = _HEADER_RE.match(line.strip())
        if m and fold_keep_punctuation(m.group("name")) in _EMAIL_HEADERS:
            headers.add(fold_keep_punctuation(m.group("name")))
    if suffix == ".eml" or len(headers) >= 2 and headers & {"de", "from", "objet", "subject"}:
        return "email"
    speakers = [_label_kind(m.group("label")) for m in map(_SPEAKER_RE.match, lines) if m]
    if speakers.count("user") >= 1 and speakers.count("user") + speakers.count("bot") >= 2:
        return "chat"
    fields = 0
    for line in lines[:25]:
        m = _CALL_FIELD_RE.match(line)
        if m and fold_keep_punctuation(m.group("name")).strip() in CALL_FIELDS:
            fields += 1
    if any(_CALL_TITLE.search(l) for l in lines[:3]) or fields >= 2:
        return "call_notes"
    return "prose"


def parse_chat(text: str) -> List[Turn]:
    turns: List[Turn] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        m = _SPEAKER_RE.match(line)
        kind = _label_kind(m.group("label")) if m else None
        if kind:
            turns.append(Turn(kind, m.group("text").strip()))
        elif turns:  # continuation of the previous speaker
            turns[-1].text = (turns[-1].text + "\n" + line.strip()).strip()
        # lines before the first speaker (titles) are ignored
    return [t for t in turns if t.text]


def parse_email(text: str) -> Tuple[List[Turn], Dict[str, str]]:
    lines = text.split("\n")
    headers: Dict[str, str] = {}
    body_start = 0
    for i, line in enumerate(lines):
        if not line.strip():
            if headers:
                body_start = i + 1
                break
            continue
        m = _HEADER_RE.match(line.strip())
        if m and fold_keep_punctuation(m.group("name")) in _EMAIL_HEADERS:
            headers[fold_keep_punctuation(m.group("name"))] = m.group("value").strip()
            body_start = i + 1
        else:
            body_start = i
            break
    body: List[str] = []
    for line in lines[body_start:]:
        if _QUOTE_START.match(line.strip()):
            break  # the quoted reply (our own earlier answer) is not the organisation speaking
        body.append(line)
    turns = []
    subject = re.sub(
        r"^\s*(?:(?:re|tr|fw|fwd|réf|ref)\s*:\s*)+",
        "",
        headers.get("objet") or headers.get("subject") or "",
        flags=re.IGNORECASE,
    ).strip()
    if subject:
        turns.append(Turn("user", subject))
    content = "\n".join(body).strip()
    if content:
        turns.append(Turn("user", content))
    return turns, headers


def parse_call_notes(text: str) -> Tuple[List[Turn], Dict[str, str]]:
    fields: Dict[str, str] = {}
    content: List[str] = []
    for line in text.split("\n"):
        m = _CALL_FIELD_RE.match(line)
        key = CALL_FIELDS.get(fold_keep_punctuation(m.group("name")).strip(), "") if m else ""
        if m and key:
            fields.setdefault(key, m.group("value").strip())
            continue
        if m and key is None:  # "Besoins : vente en ligne" — content, keep the value
            content.append(m.group("value").strip())
            continue
        if _CALL_TITLE.search(line) and len(line) < 80 and not content:
            continue
        content.append(line)
    body = "\n".join(content).strip()
    return ([Turn("user", body)] if body else []), fields


def _display_name(header_value: str) -> Optional[str]:
    value = re.sub(r"<[^>]*>", "", header_value or "").strip().strip('"')
    value = re.sub(r"\S+@\S+", "", value).strip(" ,;")
    return value or None


def conversation_from_text(cid: str, source: str, text: str, suffix: str = "") -> Item:
    kind = detect_kind(text, suffix)
    if kind == "tracker_json":
        items = list(conversations_from_json(cid, source, text))
        return items[0] if len(items) == 1 else Rejected(cid, source, "plusieurs conversations : utiliser read_file")
    consent = None
    contacts: Dict[str, Any] = _contacts_from(text)
    if kind == "chat":
        turns = parse_chat(text)
        mark_contact_answers(turns, contacts)
    elif kind == "email":
        turns, headers = parse_email(text)
        sender = headers.get("de") or headers.get("from") or ""
        name = _display_name(sender)
        if name:
            contacts["name"] = name
        contacts["emails"] = find_emails(sender) + [e for e in contacts["emails"] if e not in find_emails(sender)]
    elif kind == "call_notes":
        turns, fields = parse_call_notes(text)
        if fields.get("name"):
            contacts["name"] = re.split(r"\s*[,(–-]\s*", fields["name"])[0].strip() or fields["name"]
        if fields.get("organisation"):
            contacts["organisation"] = fields["organisation"]
        if fields.get("consent") and _CONSENT_YES.match(fields["consent"]):
            consent = {"given": True, "how": f"noté dans le compte rendu d'appel : « {fields['consent'][:120]} »"}
        elif fields.get("consent"):
            consent = {"given": False, "how": f"noté dans le compte rendu d'appel : « {fields['consent'][:120]} »"}
    else:
        turns = [Turn("user", text.strip())] if text.strip() else []
    return Conversation(id=cid, source=source, kind=kind, turns=turns, contacts=contacts, consent=consent)


# ----------------------------------------------------------------------------------------
# Rasa trackers (JSON exports and the tracker store)
# ----------------------------------------------------------------------------------------
def conversation_from_events(
    cid: str, source: str, kind: str, events: Iterable[Dict[str, Any]], sender_id: Optional[str] = None
) -> Conversation:
    turns: List[Turn] = []
    slots: Dict[str, Any] = {}
    last_set: Dict[str, Any] = {}  # last non-empty value of each slot (contact slots are reset after saving)
    for ev in events:
        if not isinstance(ev, dict):
            continue
        etype = ev.get("event")
        if etype == "user":
            text = ev.get("text") or ""
            if text:
                turns.append(Turn("user", text))
        elif etype == "bot":
            text = ev.get("text") or ""
            if text:
                turns.append(Turn("bot", text))
        elif etype == "slot":
            name = ev.get("name")
            if name:
                slots[name] = ev.get("value")
                if ev.get("value") not in (None, ""):
                    last_set[name] = ev.get("value")
                if turns:
                    turns[-1].slots[name] = ev.get("value")
        elif etype in ("reset_slots", "restart"):
            slots = {}
    contacts = _contacts_from("\n".join(t.text for t in turns if t.speaker == "user"))
    mark_contact_answers(turns, contacts)
    for slot, key in ((CONTACT_NAME_SLOT, "name"), (CONTACT_ORG_SLOT, "organisation")):
        if isinstance(last_set.get(slot), str) and not last_set[slot].startswith("["):
            contacts[key] = last_set[slot]
        elif isinstance(contacts.get(key), str) and contacts[key].startswith("["):
            contacts.pop(key)  # masked in the tracker store
    for slot, key in ((CONTACT_EMAIL_SLOT, "emails"), (CONTACT_PHONE_SLOT, "phones")):
        value = last_set.get(slot)
        if isinstance(value, str) and value not in (SKIPPED,) and not value.startswith("["):
            contacts[key] = [value] + [v for v in contacts.get(key, []) if v != value]
    consent = None
    if slots.get(CONSENT_SLOT) is True:
        consent = {
            "given": True,
            "how": "consentement donné dans la conversation (créneau consent)",
            "at": slots.get(CONSENT_GIVEN_AT_SLOT),
        }
    elif last_set.get(LEAD_REFERENCE_SLOT):
        consent = {
            "given": True,
            "how": f"fiche {last_set[LEAD_REFERENCE_SLOT]} enregistrée avec consentement",
            "at": last_set.get(CONSENT_GIVEN_AT_SLOT),
        }
    return Conversation(
        id=cid,
        source=source,
        kind=kind,
        turns=turns,
        slots=slots,
        contacts=contacts,
        consent=consent,
        sender_id=sender_id,
    )


def _trackers_in(data: Any) -> Optional[List[Dict[str, Any]]]:
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        return [data]
    if isinstance(data, dict) and isinstance(data.get("trackers"), list):
        return [t for t in data["trackers"] if isinstance(t, dict)]
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        if all("event" in x for x in data[:5]):
            return [{"events": data}]
        if all(isinstance(x.get("events"), list) for x in data):
            return data
    return None


def conversations_from_json(cid: str, source: str, text: str) -> Iterator[Item]:
    text = text.lstrip("\ufeff")
    try:
        data = json.loads(text)
        trackers = _trackers_in(data)
    except ValueError:
        trackers = []
        for n, line in enumerate(l for l in text.split("\n") if l.strip()):
            try:
                found = _trackers_in(json.loads(line))
            except ValueError:
                yield Rejected(cid, source, f"JSON illisible (ligne {n + 1}) : ce n'est pas un export de tracker Rasa.")
                return
            if found is None:
                break
            trackers.extend(found)
    if not trackers:
        yield Rejected(cid, source, "JSON sans conversation : un export de tracker Rasa contient une liste « events ».")
        return
    for i, tracker in enumerate(trackers):
        sender = tracker.get("sender_id") or tracker.get("conversation_id")
        sub_id = cid if len(trackers) == 1 else f"{cid}#{sender or i + 1}"
        yield conversation_from_events(sub_id, source, "tracker_json", tracker["events"], sender_id=sender)


# ----------------------------------------------------------------------------------------
# files and folders
# ----------------------------------------------------------------------------------------
def iter_files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    for p in sorted(path.rglob("*")):
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts):
            yield p


def read_file(path: Path, root: Optional[Path] = None, max_bytes: int = DEFAULT_MAX_BYTES) -> List[Item]:
    cid = str(path.relative_to(root)) if root and path != root else path.name
    source = str(path)
    try:
        size = path.stat().st_size
        if size == 0:
            return [Rejected(cid, source, "fichier vide : rien à analyser.")]
        if size > max_bytes:
            return [
                Rejected(
                    cid,
                    source,
                    f"fichier trop volumineux ({human_size(size)}) : la limite est de "
                    f"{human_size(max_bytes)} par transcription. Découpez-le ou relancez "
                    f"avec --max-octets.",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return [Rejected(cid, source, f"lecture impossible ({exc.strerror or exc.__class__.__name__}).")]
    text, problem = decode(raw)
    if problem:
        return [Rejected(cid, source, problem)]
    if not text.strip():
        return [Rejected(cid, source, "fichier vide : seulement des espaces.")]
    suffix = path.suffix.lower()
    if detect_kind(text, suffix) == "tracker_json":
        return list(conversations_from_json(cid, source, text))
    return [conversation_from_text(cid, source, text, suffix)]


def check(item: Item) -> Item:
    """Reject conversations with nothing to analyse or not in French."""
    if isinstance(item, Rejected):
        return item
    user = item.user_text
    if not user.strip():
        return Rejected(item.id, item.source, "aucune réplique de l'organisation trouvée (rien à analyser).")
    problem = language_problem(user)
    if problem:
        return Rejected(item.id, item.source, problem)
    return item


def read_inputs(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    root = path if path.is_dir() else path.parent
    for file in iter_files(path):
        try:
            items = read_file(file, root, max_bytes)
        except Exception as exc:  # never stop the batch
            items = [Rejected(file.name, str(file), f"erreur inattendue à la lecture ({exc.__class__.__name__}).")]
        for item in items:
            yield check(item)
