"""Keep personal data out of every log line (Rasa server, action server, CLI).

What is masked, in every log record and every structlog event:
* personal data in any shape, by ``common.pii`` (patterns, no model): e-mails, obfuscated
  e-mails, phones, postal codes, SIN, addresses, names after « je m'appelle »…;
* the values of the contact slots (contact_name, contact_org, contact_email,
  contact_phone) wherever they appear ("contact_name: X", "'contact_name': 'X'",
  "SlotSet(key: contact_name, value: X)", {"name": "contact_name", "value": "X"}…), and,
  once seen, those same values anywhere else later on;
* the text typed by users (Rasa logs it under ``text``, ``user_text``,
  ``parse_data_text``, "Received user message '…'", "UserUttered(text: …"): a name typed
  in answer to "Quel est votre nom ?" is not recognisable otherwise. Set
  ``VIRAGE_LOG_USER_TEXT=1`` to keep user text in logs for debugging (e-mails, phones and
  contact values are still masked).

How it works: ``install()`` wraps the ``logging`` record factory (so every record of every
logger is redacted when it is created, whatever the handlers) and puts a redaction
processor first in structlog's chain (Rasa 3.6 logs most events through structlog).

Enable it:
* automatically: ``rasa_server.tracker_store`` (Rasa server) and ``actions.contact_form`` /
  ``actions.leads`` (action server) call ``install()`` when imported;
* explicitly, anywhere: ``import common.logging_privacy as lp; lp.install()``;
* or with ``rasa run --logging-config-file <yaml>`` where the YAML declares the filter
  ``common.logging_privacy.PrivacyFilter`` (its creation calls ``install()``), e.g.::

      version: 1
      disable_existing_loggers: false
      filters:
        privacy: {"()": common.logging_privacy.PrivacyFilter}
      handlers:
        console: {class: logging.StreamHandler, filters: [privacy]}
      root: {handlers: [console], level: INFO}
"""

from __future__ import annotations

import collections
import logging
import os
import re
import threading
from typing import Any, Callable, Iterable, Optional

from common.pii import mask_patterns
from common.slots import CONTACT_SLOTS, SKIPPED

USER_TEXT_MASK = "[texte masqué]"
VALUE_MASK = "[masqué]"
ENV_KEEP_USER_TEXT = "VIRAGE_LOG_USER_TEXT"

# structlog keys that carry user text (the keys Rasa's own anonymizer targets).
USER_TEXT_KEYS = {
    "text",
    "user_text",
    "parse_data_text",
    "message",
    "user_message",
    "json_message",
    "tracker_latest_message",
    "response_text",
    "token_text",
    "value",
}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SLOT = "|".join(CONTACT_SLOTS)
_SLOT_VALUE = re.compile(
    r"(?P<key>(?:" + _SLOT + r"))"
    r"(?P<sep>['\"]?\s*(?:[:=]|,\s*['\"]?value['\"]?\s*[:=])\s*['\"]?)"
    r"(?P<val>(?!None\b|null\b|\[masqu)[^\s'\",)}\]][^'\",\n)}\]]*)"
)
_USER_TEXT_PATTERNS = [
    re.compile(r"(?P<pre>UserUttered\(text: )(?P<val>.*?)(?P<post>, intent: )", re.S),
    re.compile(r"(?P<pre>Received user message ')(?P<val>.*?)(?P<post>' with intent)", re.S),
    re.compile(r"(?P<pre>['\"]text['\"]\s*:\s*')(?P<val>(?:[^'\\]|\\.)*)(?P<post>')"),
    # entity and slot values are pieces of what the user typed (a name read as an entity)
    re.compile(r"(?P<pre>['\"]value['\"]\s*:\s*')(?P<val>(?:[^'\\]|\\.)+)(?P<post>')"),
    re.compile(r"(?P<pre>['\"]value['\"]\s*:\s*\")(?P<val>(?:[^\"\\]|\\.)+)(?P<post>\")"),
    re.compile(r"(?P<pre>['\"]text['\"]\s*:\s*\")(?P<val>(?:[^\"\\]|\\.)*)(?P<post>\")"),
]

_seen_lock = threading.Lock()
_seen_values: "collections.OrderedDict[str, None]" = collections.OrderedDict()
_MAX_SEEN = 2000


def keep_user_text() -> bool:
    return os.environ.get(ENV_KEEP_USER_TEXT, "").strip().lower() in ("1", "true", "oui", "yes")


def remember(value: Any) -> None:
    """Mask this contact value in every later log line of this process."""
    if not isinstance(value, str):
        return
    value = value.strip()
    if len(value) < 3 or value.startswith("[") or value.lower() in ("none", "null", SKIPPED):
        return
    with _seen_lock:
        _seen_values[value] = None
        _seen_values.move_to_end(value)
        while len(_seen_values) > _MAX_SEEN:
            _seen_values.popitem(last=False)


def redact(text: str, mask_user_text: Optional[bool] = None) -> str:
    """Return ``text`` with personal data masked."""
    if not text:
        return text
    if mask_user_text is None:
        mask_user_text = not keep_user_text()
    text = _ANSI.sub("", text)

    def _slot(m: "re.Match[str]") -> str:
        remember(m.group("val"))
        return m.group("key") + m.group("sep") + VALUE_MASK

    text = _SLOT_VALUE.sub(_slot, text)
    if mask_user_text:
        for pattern in _USER_TEXT_PATTERNS:
            text = pattern.sub(lambda m: m.group("pre") + USER_TEXT_MASK + m.group("post"), text)
    with _seen_lock:
        seen = list(_seen_values)
    for value in seen:
        if value in text:
            text = text.replace(value, VALUE_MASK)
    return mask_patterns(text)


def redact_value(value: Any, key: Optional[str] = None, mask_user_text: Optional[bool] = None) -> Any:
    """Redact a structured value (dicts, lists, events) recursively."""
    if mask_user_text is None:
        mask_user_text = not keep_user_text()
    if isinstance(value, str):
        if key in USER_TEXT_KEYS and mask_user_text:
            return USER_TEXT_MASK if value else value
        if key in CONTACT_SLOTS and value:
            remember(value)
            return VALUE_MASK
        return redact(value, mask_user_text)
    if isinstance(value, dict):
        name = value.get("name") if isinstance(value.get("name"), str) else None
        out = {}
        for k, v in value.items():
            if name in CONTACT_SLOTS and k == "value" and v:
                remember(v)
                out[k] = VALUE_MASK
            else:
                out[k] = redact_value(v, k if isinstance(k, str) else None, mask_user_text)
        return out
    if isinstance(value, (list, tuple, set)):
        return [redact_value(v, key, mask_user_text) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    # Rasa events, trackers, messages…: redact their text form.
    return redact(repr(value), mask_user_text)


# ----------------------------------------------------------------------------------------
# stdlib logging
# ----------------------------------------------------------------------------------------
def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_virage_redacted", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep it, redacted
        message = f"{record.msg!r} {record.args!r}"
    record.msg = redact(message)
    record.args = ()
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    record._virage_redacted = True
    return record


class PrivacyFilter(logging.Filter):
    """A logging filter that redacts the record (and installs the global redaction)."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        install()

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_installed = False
_install_lock = threading.Lock()


def _wrap_factory(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    if getattr(factory, "_virage_privacy", False):
        return factory

    def privacy_record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(factory(*args, **kwargs))

    privacy_record_factory._virage_privacy = True  # type: ignore[attr-defined]
    return privacy_record_factory


def structlog_processor(_logger: Any, _method: str, event_dict: dict) -> dict:
    """structlog processor: redact every value of the event."""
    mask = not keep_user_text()
    for key in list(event_dict):
        if key in ("event", "level", "timestamp", "logger"):
            if isinstance(event_dict[key], str):
                event_dict[key] = redact(event_dict[key], mask)
            continue
        event_dict[key] = redact_value(event_dict[key], key, mask)
    return event_dict


structlog_processor._virage_privacy = True  # type: ignore[attr-defined]


def _ensure_first(processors: list) -> None:
    if not any(getattr(p, "_virage_privacy", False) for p in processors):
        processors.insert(0, structlog_processor)


def _install_structlog() -> None:
    try:
        import structlog
    except ImportError:  # pragma: no cover
        return
    config = structlog.get_config()
    processors = config.get("processors")
    if isinstance(processors, list):
        _ensure_first(processors)  # in place: loggers already bound see it too
    if getattr(structlog.configure, "_virage_privacy", False):
        return
    original = structlog.configure

    def configure(*args: Any, **kwargs: Any) -> None:
        if kwargs.get("processors") is not None:
            kwargs["processors"] = list(kwargs["processors"])
            _ensure_first(kwargs["processors"])
        original(*args, **kwargs)

    configure._virage_privacy = True  # type: ignore[attr-defined]
    structlog.configure = configure  # type: ignore[assignment]


def install() -> None:
    """Install the redaction for this process (idempotent)."""
    global _installed
    with _install_lock:
        logging.setLogRecordFactory(_wrap_factory(logging.getLogRecordFactory()))
        _install_structlog()
        _installed = True


def installed() -> bool:
    return _installed and getattr(logging.getLogRecordFactory(), "_virage_privacy", False)


def add_filter_to_handlers(handlers: Optional[Iterable[logging.Handler]] = None) -> None:
    """Also attach PrivacyFilter to handlers (belt and braces for custom setups)."""
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        if not any(isinstance(f, PrivacyFilter) for f in handler.filters):
            handler.addFilter(PrivacyFilter())
