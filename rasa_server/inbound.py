"""What the two public channels accept from a client, and the French they answer otherwise.

Shared by rasa_server.rest_channel (answers 4xx with ``{"error": code, "message": French}``) and
rasa_server.channels (answers a ``bot_uttered`` in French: a person is on the other side).
Lengths of the text itself are left to rasa_server.guard, which answers them in the conversation.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Optional, Tuple

MAX_BODY_BYTES = 64 * 1024
MAX_METADATA_BYTES = 2048
# Client-chosen REST ids (integrations): boring characters, bounded (never an e-mail, never 100 kB).
CLIENT_SENDER = re.compile(r"[A-Za-z0-9_-]{1,64}")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")

NOT_JSON = "Envoyez la requête en JSON, avec l'en-tête Content-Type: application/json."
BAD_JSON = 'Le corps de la requête doit être un objet JSON, par exemple {"sender": "…", "message": "bonjour"}.'
TOO_LARGE = f"La requête est trop volumineuse ({MAX_BODY_BYTES // 1024} Ko au plus)."
SENDER_INVALID = (
    "Le champ « sender » est obligatoire : le jeton de session reçu de POST /webhooks/rest/session, "
    "ou, pour une intégration, un identifiant de 1 à 64 lettres, chiffres, « - » ou « _ »."
)
SENDER_NOT_YOURS = (
    "Cette conversation appartient à une autre session. Présentez le jeton reçu à son ouverture, "
    "ou demandez une nouvelle session (POST /webhooks/rest/session)."
)
SENDER_NEEDS_KEY = (
    "Un identifiant de conversation choisi par le client demande la clé d'intégration "
    "(en-tête Authorization: Bearer …). Sinon, demandez une session : POST /webhooks/rest/session."
)
MESSAGE_INVALID = "Le champ « message » est obligatoire et doit être du texte."
METADATA_INVALID = f"Le champ « metadata » doit être un objet JSON de {MAX_METADATA_BYTES} octets au plus."
RATE_LIMITED = "Vous envoyez beaucoup de messages en peu de temps. Attendez quelques secondes, puis réessayez."
TOO_MANY_CONNECTIONS = "Trop de connexions depuis votre adresse. Réessayez dans une minute."

# Said in the conversation (socket.io), where a person reads it.
UNREADABLE_EVENT = (
    "Je n'ai pas pu lire ce message (format inattendu). Écrivez votre question dans la zone de texte, "
    "par exemple : « c'est quoi le volet 2 ? »"
)


def clean_text(text: str) -> str:
    """Drops lone UTF-16 surrogates (valid JSON, but no character: the NLU cannot encode them)."""
    return LONE_SURROGATE.sub("", text)


def check_message(value: Any) -> Tuple[Optional[str], Optional[str]]:
    """(text, None) or (None, French reason)."""
    if not isinstance(value, str):
        return None, MESSAGE_INVALID
    return clean_text(value), None


def check_metadata(value: Any) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """(metadata, None) or (None, French reason); absent metadata is an empty dict."""
    if value is None:
        return {}, None
    if not isinstance(value, dict):
        return None, METADATA_INVALID
    try:
        encoded = json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError):
        return None, METADATA_INVALID
    if len(encoded) > MAX_METADATA_BYTES:
        return None, METADATA_INVALID
    return value, None
