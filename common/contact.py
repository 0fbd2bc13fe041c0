"""Contact details: find, validate and normalise e-mail addresses and phone numbers.

Pure functions, no I/O: used by the contact form, the pre-screening readers (to mask
contact details) and the log redaction filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional

from knowledge.text import strip_accents

# --- detection in free text (wide on purpose: used to mask) -------------------------------
EMAIL_RE = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.UNICODE)
# North American numbers: 514 555-1234, (514) 555-1234, +1 514 555 1234, 514.555.1234,
# 5145551234, 1-800-555-1234; optional extension (poste 22, #22, ext. 22).
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\s*[2-9]\d{2}\s*\)|[2-9]\d{2})[\s.-]?[2-9]\d{2}[\s.-]?\d{4}"
    r"(?:\s*(?:poste|p\.|ext\.?|extension|#)\s*\d{1,6})?(?!\w)",
    re.IGNORECASE,
)
# Other international numbers (+33 6 12 34 56 78) — only used for masking.
INTL_PHONE_RE = re.compile(r"(?<![\w])\+\d{1,3}(?:[\s.-]?\d{1,4}){3,6}(?!\w)")
# Short local numbers (555-1234) — only used for masking in logs.
LOCAL_PHONE_RE = re.compile(r"(?<![\w.-])[2-9]\d{2}[-.]\d{4}(?![\w-])")

EMAIL_MASK = "[courriel masqué]"
PHONE_MASK = "[téléphone masqué]"

_EMAIL_STRICT = re.compile(
    r"^(?=.{3,254}$)(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)
_EXT_RE = re.compile(r"(?:poste|p\.|ext\.?|extension|#)\s*(\d{1,6})\s*$", re.IGNORECASE)


def mask_contacts(text: str) -> str:
    """Replace the personal data of ``text`` by masks: e-mails (obfuscated too), phones in every
    layout, postal codes, SIN, street addresses, names after « je m'appelle »… (``common.pii``,
    patterns only: the one masking module of the project)."""
    from common import pii

    return pii.mask_patterns(text)


def find_emails(text: str) -> List[str]:
    found = []
    for match in EMAIL_RE.finditer(text or ""):
        email = normalize_email(match.group(0))
        if email and email not in found:
            found.append(email)
    return found


def find_phones(text: str) -> List[str]:
    found = []
    for match in PHONE_RE.finditer(text or ""):
        phone = normalize_phone(match.group(0))
        if phone and phone not in found:
            found.append(phone)
    return found


def normalize_email(value: str) -> Optional[str]:
    """Return the address in canonical form (trimmed, lower-case) or None if malformed."""
    if not value:
        return None
    candidate = value.strip().replace("mailto:", "")
    previous = None
    while candidate != previous:  # " <a@b.ca>. " → "a@b.ca"
        previous = candidate
        candidate = candidate.strip("<>()[]\"'«» ").rstrip(".,;:!?")
    if not _EMAIL_STRICT.match(candidate) or ".." in candidate:
        return None
    local, domain = candidate.rsplit("@", 1)
    return f"{local.lower()}@{domain.lower()}"


def normalize_phone(value: str) -> Optional[str]:
    """Return a North American number as ``514-555-1234`` (``poste 22`` kept) or None."""
    if not value:
        return None
    text = strip_accents(value.strip())
    ext = None
    m = _EXT_RE.search(text)
    if m:
        ext = m.group(1)
        text = text[: m.start()]
    if re.search(r"[^\d\s().+-]", text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    formatted = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{formatted} poste {ext}" if ext else formatted


def phone_digits(value: str) -> str:
    """The ten digits of a normalised phone (for look-ups), extension dropped."""
    return re.sub(r"\D", "", (value or "").split(" poste ")[0])[-10:]


@dataclass(frozen=True)
class Extracted:
    value: Optional[str]
    candidates: int


def extract_email(text: str) -> Extracted:
    """The one e-mail address in a user's answer ("c'est marie@coop.ca, merci")."""
    found = find_emails(text)
    if len(found) == 1:
        return Extracted(found[0], 1)
    if not found:
        direct = normalize_email(text or "")
        return Extracted(direct, 1 if direct else 0)
    return Extracted(None, len(found))


def extract_phone(text: str) -> Extracted:
    """The one phone number in a user's answer ("au 514 555-1234 poste 22")."""
    direct = normalize_phone(text or "")
    if direct:
        return Extracted(direct, 1)
    found = find_phones(text)
    if len(found) == 1:
        return Extracted(found[0], 1)
    return Extracted(None, len(found))
