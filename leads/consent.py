"""The consent notice shown before any contact detail is asked for (Law 25, Québec).

It says what is collected, why, who will see it, how long it is kept and how to have it
deleted. The exact text shown is stored with each lead (``leads_consent.text``), with its
SHA-256 and version, so we can always prove what the person agreed to.

Retention: 12 months after the request (``RETENTION_DAYS``). ``python -m prescreen
purge`` deletes expired leads and their conversations.

Change the wording => bump ``CONSENT_VERSION``.
"""

from __future__ import annotations

import hashlib

CONSENT_VERSION = "v1"
RETENTION_MONTHS = 12
RETENTION_DAYS = 365

CONSENT_TEXT = (
    "Avant de prendre vos coordonnées, voici ce que nous en ferons (Loi 25 sur la protection "
    "des renseignements personnels) :\n"
    "• Ce que nous recueillons : votre nom, le nom de votre organisation, votre courriel "
    "et/ou votre numéro de téléphone, ainsi que le résultat de la pré-vérification "
    "d'admissibilité faite dans cette conversation.\n"
    "• Pourquoi : uniquement pour qu'une conseillère ou un conseiller du Programme pour la "
    "transformation numérique des entreprises collectives vous recontacte au sujet de "
    "votre projet.\n"
    "• Qui y aura accès : seulement les conseillères et conseillers du programme à la CDRQ, "
    "au CQCM et dans les pôles d'économie sociale. Vos renseignements ne sont ni vendus ni "
    "utilisés à d'autres fins.\n"
    f"• Durée de conservation : {RETENTION_MONTHS} mois après votre demande ; ensuite, ils "
    "sont supprimés.\n"
    "• Pour les faire supprimer : écrivez « supprimer mes données » dans cette conversation, "
    "à tout moment, ou demandez-le à la personne qui vous contactera. Nous effaçons alors "
    "votre fiche et cette conversation.\n"
    "Acceptez-vous que nous conservions ces renseignements pour vous recontacter ?"
)

CONSENT_BUTTONS = [
    {"title": "Oui, j'accepte", "payload": "/affirm"},
    {"title": "Non merci", "payload": "/deny"},
]


def consent_sha256(text: str = CONSENT_TEXT) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
