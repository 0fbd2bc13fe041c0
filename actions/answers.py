"""Answers built from retrieval: the record and the facet a question asks for, with its source.

The NLU intent says what kind of thing is asked (a case, a figure, a word…); `knowledge.retrieval`
says which record and which facet of it ("combien d'employés chez Groupe TAQ" → the staff of that
case, not the survey's size split). Every topic action asks `retrieval_first()` before its own
answer (actions/kb.py): when the question names a record and asks one of its facets, or asks a
survey figure, the facet is answered; otherwise the topic action answers as it always did. A
message the NLU could not place (nlu_fallback, out_of_scope) is answered from retrieval when a
hit is confident, before the "Vouliez-vous dire…" buttons.

Short-term context: the slot `last_record` keeps the record last answered ("case:case_07_groupe_taq");
a follow-up that names no record ("combien ça leur a coûté ?") is searched again with that
record's name, and answered when that record's facet comes first.

Text: the facet's value as the knowledge base holds it, introduced by the record's name and what
the facet is; an empty facet says the sources do not give it and who can answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from common.formatting import adviser_of, figure_line, join_fr, number, partner_ref, percent, upper_first
from common.profile import parse_employees
from common.slots import LAST_RECORD_SLOT
from knowledge import lookup, retrieval, statistics, vocabulary
from knowledge.documents import cite, cite_many
from knowledge.text import contains_phrase, fold, fold_keep_punctuation, phrase_pattern, trailing_question

# A hit answers on its own when it covers this share of the question's weight (retrieval.confident),
# or NAMED_CONFIDENT when the question names the hit's record ("le TIESS c'est quoi au juste").
CONFIDENT = 0.6
NAMED_CONFIDENT = 0.35
# … and this for a case, a partner or a person named in a figure question (answers.named_proper).
PROPER_NAMED_CONFIDENT = 0.2
PROPER_KINDS = ("case", "partner", "person")
# An unknowns.yml record matched by retrieval alone must score this much, and this many times the
# best record of another kind ("c'est quoi l'enveloppe totale du programme": 34 against 1.6).
UNKNOWN_MIN_SCORE = 20.0
UNKNOWN_LEAD = 4.0
# Statistics whose score is this close to the best one are listed with it ("les principales
# préoccupations" lists the top concerns, not only the first).
STAT_CLOSE = 0.9
MAX_STATS = 4

# Every action that answers a question asks retrieval first (actions/kb.py, retrieval_first): a
# follow-up on the record in context, several questions in one message, a record the question
# names, what the sources do not say (unknowns.yml) or a person they name.
QUESTION_ACTIONS = {
    "action_programme",
    "action_funder",
    "action_partners",
    "action_volets",
    "action_not_covered",
    "action_how_to_start",
    "action_uptake",
    "action_envelope",
    "action_define",
    "action_advice",
    "action_cases",
    "action_statistic",
    "action_eligibility_answer",
    "action_amounts",
    "action_deadlines",
    "action_contact",
}
# Their own answer states the silence asked about (the year of the dates, the phone numbers).
NO_SILENCE = {"action_deadlines", "action_contact"}
# Their own answer states most silences ("sans en donner le montant"): only a question naming an
# unknowns.yml phrase ("le webinaire c'est gratuit ?") is answered before them.
STRICT_SILENCE = {"action_amounts"}
# … when the question is about what they answer: "combien de temps dure l'accompagnement avec un
# conseiller ?", read as a contact question, asks a silence of its own (coaching_duration).
OWN_TOPIC = {
    "action_deadlines": re.compile(r"\b(?:dates?|deadlines?|echeances?|depots?|deposer|annee|quand|limites?)\b"),
    "action_contact": re.compile(
        r"\b(?:contact\w*|joindre|rejoindre|appele?r?|telephone|tel|numeros?|courriels?|e-?mail|adresses?|"
        r"site|ecrire|parler|rappel\w*|bureaux?|coordonnees)\b"
    ),
}


def silence_policy(action: str, text: str) -> str:
    """How an action's question may be answered by what the sources do not say: "no" for the
    actions whose own answer states the silence asked about (when the question is about their
    topic), "strict" for the amounts, else "yes"."""
    if action in NO_SILENCE and OWN_TOPIC[action].search(fold(text or "")):
        return "no"
    return "strict" if action in STRICT_SILENCE else "yes"


# Actions about figures: the survey statistics that answer the question come before their own answer.
FIGURE_ACTIONS = {"action_statistic"}
# Kinds whose records have a name and facets a question can ask of them.
RECORD_KINDS = ("case", "partner", "volet", "term", "person", "programme")
# A second facet of the same record is added when it scores this close to the first.
SECOND_FACET = 0.92
# A message the NLU could not place is answered from a hit covering this share of its weight.
FALLBACK_CONFIDENT = 0.45
# Facets that describe a record as a whole: the topic action's own card says them better (with its
# buttons and examples), so retrieval leaves them to it.
WHOLE_RECORD_FACETS = {"profile", "definition", "description"}

FACET_LABELS: Dict[tuple, str] = {
    ("case", "staff"): "effectif",
    ("case", "cost"): "coûts et budget",
    ("case", "project"): "le projet",
    ("case", "results"): "résultats",
    ("case", "lessons"): "leçons tirées",
    ("case", "technologies"): "technologies",
    ("case", "profile"): "profil",
    ("case", "people"): "personnes nommées",
    ("case", "place"): "où",
    ("case", "founded"): "fondation",
    ("partner", "role"): "rôle dans le programme",
    ("partner", "contact"): "pour le joindre",
    ("partner", "profile"): "qui c'est",
    ("volet", "amount"): "montant",
    ("volet", "audience"): "pour qui",
    ("volet", "coordinator"): "qui s'en occupe",
    ("volet", "tools"): "outils",
    ("volet", "offers"): "ce qu'il offre",
    ("volet", "how_to_start"): "comment commencer",
    ("volet", "eligibility"): "critères retenus",
    ("volet", "status"): "état",
}
# What an empty facet lacks, said as "les sources ne donnent pas …".
MISSING = {
    "staff": "son effectif",
    "cost": "le coût de son projet",
    "results": "ses résultats",
    "lessons": "les leçons tirées",
    "technologies": "les technologies utilisées",
    "contact": "ses coordonnées",
    "amount": "de montant",
}


@dataclass
class Reply:
    text: str
    source: Optional[str]
    records: List[str] = field(default_factory=list)  # "kind:record_id" of what was answered


def record_key(hit: retrieval.Hit) -> str:
    return f"{hit.kind}:{hit.record_id}"


def _title(hit: retrieval.Hit) -> str:
    r = hit.record
    if hit.kind == "partner":
        return f"{r['name']} ({r['acronym']})" if r.get("acronym") else r["name"]
    if hit.kind == "volet":
        return f"Volet {r['number']} ({r['name']})"
    if hit.kind == "case" and r.get("place"):
        return f"{r['name']} ({r['place']})"
    if hit.kind == "term":
        return r["term"]
    return r.get("name") or r.get("label") or r.get("title") or r.get("term") or ""


def _stat_line(hit: retrieval.Hit) -> str:
    s = hit.record
    value = percent(s["value"]) if s.get("unit") == "percent" else number(s["value"])
    group = hit.text.rsplit(" : ", 1)[0] if " : " in hit.text else ""
    base = f"n = {s['base_n']}" if s.get("base_n") else "base non précisée"
    in_label = str(s["label"]).partition(" — ")[2]
    # the group once: "… — secteur loisirs : 84 % (n = 80, secteur Loisirs…)" said it twice
    where = f", {group}" if group and fold(group) != fold(in_label) else ""
    return f"{s['label']} : {value} ({base}{where}, enquête de {s.get('year') or 'date non précisée'})"


def _referral() -> str:
    who = lookup.adviser()
    if not who:
        return ""
    return f" {upper_first(adviser_of(who))} pourra vous renseigner."


def _unknown_reply(hit: retrieval.Hit) -> Reply:
    return unknown_reply(hit.record_id, hit.record)


def unknown_reply(record_id: str, record: Optional[Dict[str, Any]] = None) -> Reply:
    """What the sources do not say: said plainly, with what they do say nearby and who can answer."""
    u = lookup.unknown(record_id) or {**(record or {}), "ask_refs": [], "citation": cite(record or {})}
    known = (u.get("known") or "").strip()
    text = known if "sources" in fold(known) else ("Nos sources ne le précisent pas. " + known).strip()
    refs = u.get("ask_refs") or []
    if refs:
        verb = "peuvent" if len(refs) > 1 else "peut"
        text += f" {upper_first(join_fr(refs, 'ou'))} {verb} vous répondre."
    sources = [u] + list(u.get("ask_partners") or [])
    return Reply(text, cite_many(sources), [f"unknown:{record_id}"])


def render(hit: retrieval.Hit) -> Reply:
    """One hit as a French answer with its source."""
    if hit.kind == "unknown":
        return _unknown_reply(hit)
    if hit.kind == "person":
        r = hit.record
        text = f"{r['name']} : {hit.text}."
        if r.get("context"):  # "décrit l'accompagnement des Librairies indépendantes du Québec"
            text += f" Dans nos sources, {r['name']} {r['context']}."
        return Reply(text, cite(r), [f"{r['holder']['kind']}:{r['holder']['id']}"])
    if hit.kind == "statistic":
        return Reply(_stat_line(hit), cite(hit.record), [record_key(hit)])
    if hit.kind == "sector_figure":
        return Reply(figure_line(hit.record), cite(hit.record), [record_key(hit)])
    title = _title(hit)
    text = (hit.text or "").strip()
    if not text:
        lacks = MISSING.get(hit.facet, "cette information")
        return Reply(
            f"{title} : nos sources ne donnent pas {lacks}." + _referral(), cite(hit.record), [record_key(hit)]
        )
    if hit.kind == "case" and hit.facet == "technologies" and hit.record.get("project"):
        # the labels say what kind of tool; the project names the product ("Prextra", "la suite Google")
        text += f"\nLe projet : {hit.record['project']}"
    label = FACET_LABELS.get((hit.kind, hit.facet))
    head = f"{title} — {label}" if label else title
    # A fact or a definition that already names its subject needs no heading.
    body = upper_first(text) if not head or text.startswith(title) else f"{head} : {text}"
    # the programme's facets come from three documents: each answer cites them all
    source = cite_many([hit.record], every=True) if hit.kind == "programme" else cite(hit.record)
    return Reply(body, source, [record_key(hit)])


def with_passages(reply: Reply, question: Optional[str]) -> Reply:
    """A case's answer, plus the sentences of its record that answer the question and that the
    answer did not already say (knowledge.retrieval.best_passages): a facet answers the kind of
    thing asked, the passage the very words ("avec quoi gérait-elle ses commandes ?" → Excel)."""
    if not question or not reply.records or not reply.records[0].startswith("case:"):
        return reply
    from knowledge.cases import get as get_case

    case = get_case(reply.records[0].split(":", 1)[1])
    lacking = _case_value_lacking(case, question) if case else None
    if lacking:
        # "le chiffre d'affaires de L'itinéraire ?": the report does not give it; what it gives follows
        reply.text = f"Le rapport ne donne pas {lacking} de {case['name']}. Ce qu'il en dit :\n{reply.text}"
    extra = retrieval.best_passages("case", case, question, shown=reply.text) if case else []
    if extra:
        reply.text += "\n" + "\n".join(f"Précision : {x}" for x in extra)
    if case and _WHO_HELPED.search(fold(question)):
        # "qui les a accompagnés dans leur plan numérique ?": the people the case names, when not said
        people = [
            retrieval.person_line(p)
            for p in case.get("people") or []
            if retrieval.person_line(p) and p["name"] not in reply.text
        ]
        if people:
            reply.text += "\nPersonnes nommées : " + " ; ".join(people)
    return reply


# A case's figures a question may ask for by name: (field, the words that ask it, what it is called).
_CASE_VALUES = (
    ("revenue", re.compile(r"\bchiffres? d ?affaires?\b|\brevenus?\b"), "le chiffre d'affaires"),
    (
        "it_budget",
        re.compile(
            r"\bbudgets? (?:ti|numeriques?|informatiques?|techno\w*)\b|"
            r"\b(?:mett\w*|invest\w*|depens\w*|consacr\w*) combien\b[^?]{0,40}\b(?:ti|l?informatique|techno\w*|numerique)\b|"
            r"\bcombien\b[^?]{0,30}\b(?:mett\w*|invest\w*|depens\w*|consacr\w*)\b[^?]{0,40}"
            r"\b(?:ti|l?informatique|techno\w*|numerique)\b"
        ),
        "le budget consacré au numérique (TI)",
    ),
)


def _case_value_lacking(case: Dict[str, Any], question: str) -> Optional[str]:
    """What a question asks of a case by name (its revenue, its IT budget) when the case's record
    does not give it, else None."""
    folded = fold(question)
    return next((label for field, asks, label in _CASE_VALUES if asks.search(folded) and not case.get(field)), None)


# "qui les a accompagnés", "avec qui", "par qui", "qui a aidé": who the case worked with
_WHO_HELPED = re.compile(
    r"\b(?:qui (?:les |l |la |le )?(?:a|ont) (?:accompagn\w*|aide\w*|epaule\w*|conseille\w*|soutenu\w*)|"
    r"(?:avec|par) qui|qui (?:les |l )?(?:accompagn\w*|aide\w*|epaul\w*))"
)


_NAME_WORD = re.compile(r"[a-z0-9]+")
_NAME_STOP = frozenset("de des du la le les l d a au aux et en sur pour".split())


def _name_words(text: str) -> List[str]:
    return [w for w in _NAME_WORD.findall(fold(text)) if w not in _NAME_STOP]


def _names_in(hit: retrieval.Hit, folded_query: str) -> bool:
    """The question names the hit's record: its name, acronym or an alias of 3 letters or more, as a
    whole phrase; or every word of a long name or alias, in any order and with words between ("la
    coop d'aide à domicile de la Haute-Côte-Nord" names "coop aide à domicile Haute-Côte-Nord")."""
    if any(len(fold(name)) >= 3 and contains_phrase(folded_query, name) for name in hit.names):
        return True
    asked = set(_name_words(folded_query))
    asked |= {w[:-1] for w in asked if w.endswith("s")}
    asked |= {w[1:] for w in asked if len(w) > 4 and w[0] in "dl"}  # "daide", "lorganisme": apostrophe dropped
    for name in hit.names:
        words = _name_words(name)
        if len(words) >= 4 and all(w in asked for w in words):
            return True
    return False


def _askable(text: Optional[str]) -> bool:
    """A typed question: not empty, not a button payload ("/ask_cases{…}")."""
    return bool(text and text.strip()) and not text.lstrip().startswith("/")


def _best(hits: List[retrieval.Hit], folded_query: str) -> Optional[retrieval.Hit]:
    top = retrieval.confident(hits, CONFIDENT)
    if top is not None and top.kind == "term" and not _names_in(top, folded_query):
        # "c'est qui qui a parlé pour le Journal Ensemble": a case named in full, not the term whose
        # text says "ensemble" confidently (close behind it; not "les six clés du CEFRIO", where the
        # CEFRIO is where the keys come from)
        named = next(
            (
                h
                for h in hits[:6]
                if h.kind in PROPER_KINDS
                and h.confidence >= NAMED_CONFIDENT
                and h.score >= top.score * NAMED_OVER_TERM
                and _names_in(h, folded_query)
                and not _named_as_source(h, folded_query)
            ),
            None,
        )
        top = named or top
    if top is None:
        # "c'est quoi la GED dont tu parles dans les tableaux ?": the record the question names,
        # even when rare words around its name let a loose match of another record lead
        # (not the programme: "le programme" names it in most questions, whatever they ask)
        top = next(
            (
                h
                for h in hits[:3]
                if h.kind != "programme" and h.confidence >= NAMED_CONFIDENT and _names_in(h, folded_query)
            ),
            None,
        )
    return top


def named_proper(text: str, hits: Optional[Sequence[retrieval.Hit]] = None) -> Optional[retrieval.Hit]:
    """The best facet of a case, partner or person the question names, or None. Its name alone says
    which record: it needs less coverage than other hits ("Quel budget TI la SODER consacre-t-elle
    chaque année ?": "consacre", "chaque" are rare words of the index that weigh the coverage down)."""
    folded = fold(text)
    hits = list(hits) if hits is not None else retrieval.search(text, k=8)
    return next(
        (h for h in hits if h.kind in PROPER_KINDS and h.confidence >= PROPER_NAMED_CONFIDENT and _names_in(h, folded)),
        None,
    )


# A question that names a group of the survey (a sector, a size, a revenue, an in-house IT person).
_GROUP_WORDS = re.compile(
    r"\bemploy|\bsalari|\btaille\b|\bchiffre d ?affaires\b|\bressource|\bpersonne ressource|\bsecteur"
)


def _indicator(stat: Dict[str, Any]) -> tuple:
    """What a survey figure measures, whatever group it is for: its topic and its label without the
    group ("… — secteur loisirs") and without the parenthesised detail."""
    label = re.sub(r"\s*\([^)]*\)", "", str(stat.get("label") or "").split(" — ")[0])
    return stat.get("topic"), fold(label)


def _overall(hits: List[retrieval.Hit], text: str) -> List[retrieval.Hit]:
    """For a question that names no group: each figure of a sub-group replaced by the same figure
    for all respondents when the survey gives it ("combien vendent en ligne ?" → 29 %, not a sector's)."""
    folded = fold(text)
    if _GROUP_WORDS.search(folded) or _IT_PERSON.search(folded) or vocabulary.find_all("sectors", text):
        return hits
    overall = {
        _indicator(d.record): d
        for d in retrieval.search(text, kinds=("statistic",), k=40)
        if (d.record.get("group") or {}).get("dimension") == "total"
    }
    out: List[retrieval.Hit] = []
    for h in hits:
        if h.kind == "statistic" and (h.record.get("group") or {}).get("dimension") != "total":
            h = overall.get(_indicator(h.record), h)
        if all(o.record_id != h.record_id for o in out):
            out.append(h)
    return out


# "les principales préoccupations", "sur quels réseaux sont-elles le plus présentes": the leading
# figures of the survey table asked, by share, not the one whose label shares most words with the
# question; "le moins" ranks from the bottom.
_RANKING = re.compile(
    r"\bprincipa(?:l|le|les|ux)\b|\b(?:(?:le|la|les) (?:plus|moins)|plus)(?: (?:cite|frequent|souvent|repandu|courant)\w*)"
    r"|\b(?:le|la|les) (?:plus|moins)\b|\btop\b|\bmost\b|\bmain\b|\bleast\b|\bsurtout\b|\bmajoritairement\b"
    r"|\b(?:numero|no|num) ?(?:1|un)\b|\bpremiere? (?:place|rang)\b"  # "la préoccupation numéro 1"
)
_LEAST = re.compile(r"\b(?:le|la|les) moins\b|\bleast\b")
# "quel secteur utilise le plus le web": one figure compared across the groups of a dimension.
_WHICH_GROUP = re.compile(r"\b(?:quel|quels|quelle|quelles|which)\s+(secteur|taille|size|sector)")


def _same_figure(rec: Dict[str, Any], in_group: Callable[[Dict[str, Any]], bool]) -> List[retrieval.Hit]:
    """The figure `rec` gives (its indicator and technology) for every group `in_group` accepts."""
    return retrieval.documents(
        "statistic",
        lambda r: (
            in_group(r.get("group") or {})
            and _indicator(r) == _indicator(rec)
            and r.get("technology") == rec.get("technology")
        ),
    )


def _leading(top: retrieval.Hit, text: str) -> List[retrieval.Hit]:
    """The figures a ranking question compares, best first: the same figure across sectors or sizes
    ("quel secteur …"), else every figure of `top`'s survey table for the same group."""
    rec = top.record
    if rec.get("unit") != "percent":
        return []
    which = _WHICH_GROUP.search(fold(text))
    if which:
        dimension = "sector" if which.group(1) in ("secteur", "sector") else "size"
        same = _same_figure(rec, lambda group: group.get("dimension") == dimension)
    else:
        same = retrieval.documents(
            "statistic",
            lambda r: (
                r.get("topic") == rec.get("topic")
                and r.get("unit") == "percent"
                and r.get("group") == rec.get("group")
                and (r.get("source") or {}).get("section") == (rec.get("source") or {}).get("section")
            ),
        )
    same.sort(key=lambda h: h.record.get("value") or 0, reverse=not _LEAST.search(fold(text)))
    return same if len(same) > 1 else []


# "Comparaison hors économie sociale : …": a figure of other Québec firms, for a question that asks
# to compare ("par rapport aux PME", "les autres entreprises du Québec"); else after the survey's own.
_COMPARISON_ASKED = re.compile(
    r"\bcompar\w*|\bpar rapport\b|\bautres entreprises\b|\bpme\b|\bhors\b|\bprive\w*|\bcommerces?\b|\bau quebec\b|"
    r"\bquebecois\w*|\b2015\b"
)


def _survey_first(hits: List[retrieval.Hit], text: str) -> List[retrieval.Hit]:
    if _COMPARISON_ASKED.search(fold(text)):
        return hits
    other = [h for h in hits if str(h.record.get("label") or "").startswith("Comparaison")]
    survey = [h for h in hits if h not in other]
    # only behind another survey figure: a term or a fact does not take a figure question's place
    return survey + other if survey and survey[0].kind == "statistic" else hits


def _stat_reply(hits: List[retrieval.Hit], text: str = "") -> Reply:
    hits = _survey_first(_overall(hits, text), text) if text else hits
    top = hits[0]
    if top.kind == "statistic" and text and _RANKING.search(fold(text)):
        leading = _leading(top, text)
        if leading:
            return _stat_list(leading[:MAX_STATS])
    each = _each_technology(top, text) if text else []
    if len(each) >= 2:
        # "quelle proportion utilise une suite bureautique et un logiciel comptable ?": both figures
        return _stat_list(each)
    close = [h for h in hits if h.kind == "statistic" and h.score >= top.score * STAT_CLOSE][:MAX_STATS]
    others = _compared_groups(top, text) if text else []
    if others:
        # "celles de 100 000 $ et plus en ont-elles plus souvent que les plus petites ?": the same
        # figure for every group of that split, the one asked first
        return _stat_list([top] + others)
    if top.kind != "statistic" or len(close) <= 1:
        return render(top)
    # the figure that answers best first (retrieval's order); "which lead" questions are _leading's
    return _stat_list(close)


def _each_technology(top: retrieval.Hit, text: str) -> List[retrieval.Hit]:
    """The figure `top` gives (its topic and group) for each technology the question names, when it
    names two or more and `top` is one of their figures; else []."""
    techs = vocabulary.find_all("technologies", text)
    rec = top.record
    if top.kind != "statistic" or len(techs) < 2 or rec.get("technology") not in techs:
        return []
    group = survey_group(text)  # the group the question names (all respondents when none)
    out = []
    for tech in techs[:MAX_STATS]:
        found = retrieval.documents(
            "statistic",
            lambda r, tech=tech: (
                r.get("topic") == rec.get("topic") and r.get("group") == group and r.get("technology") == tech
            ),
        )
        out += found[:1]
    return out


def _each_named_figure(text: str) -> List[retrieval.Hit]:
    """The survey figures of the things the question names, each by a word of its own label that
    alone finds it far ahead of any other figure ("facebook vs twitter ça donne quoi": a general
    social-media figure matches both words through its synonyms, each network's figure one).
    Only words that name a technology of the vocabulary count ("précédant" or "recours" are rare
    words of a label, not things named)."""
    out: List[retrieval.Hit] = []
    idx = retrieval.index()
    for word in dict.fromkeys(w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) >= 4):
        stems = idx.query_tokens(word)[0]
        if set(stems) & retrieval.FRAME_STEMS or any(idx.idf.get(t, 0.0) < NAMED_WORD_IDF for t in stems):
            continue  # "c'est quoi", "au fait": the question's frame; "Québec": said of everything
        if not vocabulary.find_all("technologies", word):
            continue  # things compared are tools the survey asked about ("Facebook"), not "précédant"
        hit = retrieval.confident(retrieval.search(word, kinds=("statistic",), k=4), 0.99, margin=FIGURE_FAR_AHEAD)
        if hit is not None and word in fold(str(hit.record.get("label") or "")) and hit not in out:
            out.append(hit)
    return out[:MAX_STATS]


# A comparison between groups asked: "plus souvent que", "par rapport aux", "est-ce différent",
# "selon le chiffre d'affaires (plus ou moins de 100 000 $)".
_GROUPS_COMPARED = re.compile(
    r"\b(?:plus|moins)\b[^?.]{0,60}?\bque (?:les|celles|ceux|la|le)\b|\bpar rapport (?:aux|a celles|a ceux)\b|"
    r"\b(?:ont|utilisent|font|sont) (?:tu |elles |ils )?(?:plus|moins)\b|"
    r"\bcompar\w*\b|\bdifferen\w*\b|\bversus\b|\bvs\b|\bplus que les autres\b|\bplus ou moins de\b|"
    r"\bselon (?:le|la|leur|son|sa) (?:chiffre d ?affaires|taille|revenu)\b"
)


def _compared_groups(top: retrieval.Hit, text: str) -> List[retrieval.Hit]:
    """The same survey figure for the other groups of `top`'s split (revenue, in-house IT, size…),
    when the question compares groups and `top` is a group's figure; else []."""
    if top.kind != "statistic" or not _GROUPS_COMPARED.search(fold(text)):
        return []
    dimension = (top.record.get("group") or {}).get("dimension")
    if dimension in (None, "total"):
        return []
    same = _same_figure(top.record, lambda group: group.get("dimension") == dimension)
    return [h for h in same if h.record_id != top.record_id][: MAX_STATS - 1]


def _stat_list(hits: Sequence[retrieval.Hit]) -> Reply:
    """Survey figures as a list, each with its base and year, cited together."""
    return Reply(
        "\n".join(f"• {_stat_line(h)}" for h in hits),
        cite_many(h.record for h in hits),
        [record_key(h) for h in hits],
    )


# A phrase of a silence this long says the question on its own ("conseiller de la cdrq responsable").
SILENCE_IN_FULL = 26


def silence_said_in_full(text: str) -> Optional[Reply]:
    """What the sources do not say, when the question holds one of its phrases of SILENCE_IN_FULL
    characters or more, whatever record it also names; None otherwise."""
    if not _askable(text):
        return None
    matched = lookup.match_unknown(text)
    if matched is None or _longest_phrase(text, matched) < SILENCE_IN_FULL:
        return None
    return unknown_reply(matched["id"], matched)


def silence_or_person(text: str, strict: bool = False, asked: Optional[str] = None) -> Optional[Reply]:
    """Whatever the intent: a question the sources do not answer (unknowns.yml), said so with who
    knows; a question about a person the sources name. `strict`: only an unknowns.yml record one of
    whose phrases is in the question (for actions whose own answer already covers most silences)."""
    if not _askable(text):
        return None
    if strict:
        matched = lookup.match_unknown(text, asked=asked)
        return unknown_reply(matched["id"], matched) if matched else None
    by_role = person_by_role(text)
    if by_role is not None:
        return by_role
    named = named_proper(text)
    if named is not None and named.kind == "case":
        return None  # "depuis quand Sercovie existe-t-il ?" is about the case, not the programme's launch
    special = retrieval.search(text, kinds=retrieval.OPT_IN_KINDS, k=2)
    if special and special[0].kind == "person" and not _names_in(special[0], fold(text)):
        # "qui est le conseiller de la CDRQ pour la Montérégie ?": no person named; a silence may be asked
        special = [h for h in special if h.kind != "person"]
    if not special or special[0].confidence < CONFIDENT:
        # "L'auto-examen coûte-t-il quelque chose ?": a phrase of a silence in the question, and no
        # record of any kind that answers it confidently
        matched = lookup.match_unknown(text)
        if (
            matched is not None
            and _longest_phrase(text, matched) >= SILENCE_PHRASE
            and retrieval.confident(retrieval.search(text, k=1), CONFIDENT) is None
        ):
            return unknown_reply(matched["id"], matched)
        return None
    top = special[0]
    if top.kind == "person":
        return render(top) if _names_in(top, fold(text)) else None
    return _unknown_or_none(text, top)


# "c'qui la DG du CQCM", "le dg de la cdrq c'est qui": a person asked by role and organisation.
# "quelle ministre signe le mot d'ouverture du rapport ?", "qui a signé l'article ?": who wrote it too
_WHO_BY_ROLE = re.compile(r"\bqui\b|\bquel\w* (?:ministre|personne|dirigeant\w*|directeur|directrice|president\w*)\b")
_ROLE_WORDS = re.compile(
    r"\b(?:dg|pdg|directeur|directrice|president|presidente|prez|porte parole|responsable|dirige\w*|ministres?|"
    r"a la tete|signe\w*|auteure?s?|redige\w*|ecrit)\b"
)


def person_by_role(text: str) -> Optional[Reply]:
    """The person a "who is the <role> of <organisation>" question asks, when one clearly fits."""
    folded = fold(text)
    if not (_WHO_BY_ROLE.search(folded) and _ROLE_WORDS.search(folded)):
        return None
    hits = retrieval.search(text, kinds=("person",), k=2)
    if not hits or hits[0].confidence < PERSON_BY_ROLE:
        return None
    if len(hits) > 1 and hits[0].score < hits[1].score * 1.5:
        return None  # two people fit as well: not a guess
    holder = hits[0].record.get("holder") or {}
    names = retrieval.names_of(holder.get("kind", ""), holder.get("id", "")) if holder else ()
    if not any(len(fold(n)) >= 3 and contains_phrase(folded, n) for n in names):
        # the organisation must be named: "qui est le ministre responsable du programme aujourd'hui ?"
        # is not asking for the minister the 2017 report quotes
        return None
    return render(hits[0])


CRITERION_CONFIDENT = 0.5


def criterion_answer(text: str) -> Optional[Reply]:
    """ "Que deviennent les biens en cas de dissolution ?", "on peut tu distribuer nos profits aux
    membres ?": the one criterion of the definition a general question asks about, as the rule
    (its "fail" explanation says what an entreprise d'économie sociale must do), with its source.
    None when no criterion clearly fits."""
    if not _askable(text) or _ALL_PRINCIPLES.search(fold(text)):
        return None  # "quels principes faut-il respecter ?": all of them, not the one that scores best
    hits = retrieval.search(text, kinds=("criterion",), k=2)
    alone = bool(hits) and (len(hits) == 1 or hits[0].score >= hits[1].score * 3)
    if not hits or hits[0].confidence < (CRITERION_CONFIDENT if not alone else CRITERION_CONFIDENT / 2):
        return None  # the only criterion the question names may be asked with many other words
    if len(hits) > 1 and hits[0].score < hits[1].score * 1.5:
        return None
    return _rule_reply(hits[0])


def _rule_reply(hit: retrieval.Hit) -> Optional[Reply]:
    """A criterion said as the rule (its "fail" explanation says what an entreprise d'économie sociale
    must do), with its source; None when the record has no such explanation."""
    rule = ((hit.record.get("explanations") or {}).get("fail") or "").strip()
    return Reply(f"{hit.record['label']} : {rule}", cite(hit.record), [record_key(hit)]) if rule else None


def criterion_of_field(field: str) -> Optional[Reply]:
    """The rule of the criterion a screening question is about ("public_control": an entreprise
    d'économie sociale is not under the decision-making control of public bodies), as criterion_answer
    says it; None for a field no criterion tests."""
    hit = next(iter(retrieval.documents("criterion", lambda r: r.get("field") == field)), None)
    return _rule_reply(hit) if hit is not None else None


# The principles or criteria asked as a list ("quels principes une organisation doit-elle respecter ?").
_ALL_PRINCIPLES = re.compile(
    r"\b(?:quels?|quelles?|lesquels|lesquelles|c est quoi les|cest quoi les|la liste des|tous les|toutes les)\b"
    r"[^?]{0,20}\b(?:principes|criteres|conditions|regles|exigences)\b"
)


# "a-t-elle le droit de distribuer ses surplus ?", "on peut tu distribuer nos profits ?": a rule asked
_RULE_ASKED = re.compile(
    r"\b(?:le droit|droit de|peut on|peut tu|peux tu|permis|interdit\w*|obligatoire|allowed|can we)\b"
)
RULE_CLOSE = 0.8
RULE_WITH_TERM = 0.6  # below RULE_CLOSE, the rule is given with the term that ranked first


def rule_asked(text: str) -> Optional[Reply]:
    """The criterion a question about what is allowed names, when it is about as close as the best
    record of any kind (the term "ristourne" ranks just above the rule on surplus)."""
    if not _askable(text) or not _RULE_ASKED.search(fold(text)):
        return None
    top = retrieval.search(text, k=1)
    rule = criterion_answer(text)
    if rule is None or not top:
        return None
    crit = retrieval.search(text, kinds=("criterion",), k=1)
    if not crit:
        return None
    if crit[0].score >= top[0].score * RULE_CLOSE:
        return rule
    if top[0].kind == "term" and crit[0].score >= top[0].score * RULE_WITH_TERM:
        # "une coopérative a-t-elle le droit de distribuer ses surplus à ses membres ?": the term
        # ("ristourne") ranks above the rule because it names the members; the rule, then the term
        term = render(top[0])
        return Reply(
            f"{rule.text}\n{term.text}",
            "; ".join(s for s in (rule.source, term.source) if s),
            rule.records + term.records,
        )
    return None


def _unknown_or_none(text: str, top: retrieval.Hit) -> Optional[Reply]:
    return render(top) if _asks_the_unknown(text, top, retrieval.search(text, k=1)) else None


PERSON_BY_ROLE = 0.35
# A silence is answered on its phrase alone only when that phrase says enough: "coûte-t-il", not
# "payer" ("le programme peut-il payer notre logiciel ?" has its own answer).
SILENCE_PHRASE = 10


def _longest_phrase(text: str, record: Dict[str, Any]) -> int:
    folded = fold(text)
    forms = list(record.get("keywords") or []) + list(record.get("variants") or [])
    return max((len(fold(f)) for f in forms if f and contains_phrase(folded, f)), default=0)


def _asks_the_unknown(text: str, top: retrieval.Hit, hits: Sequence[retrieval.Hit]) -> bool:
    """An unknowns.yml record shares words with ordinary questions ("quand sont les dates limites"
    is not "en quelle année ?"): it answers when one of its phrases is in the question, or when it
    outscores every other kind of record by far."""
    matched = lookup.match_unknown(text)
    if matched and matched["id"] == top.record_id:
        return True
    if _longest_phrase(text, top.record) >= 8:
        return True  # one of its own phrases is in the question, though another record's are longer
    rival = hits[0] if hits else None  # the best record of the other kinds
    return top.score >= UNKNOWN_MIN_SCORE and (rival is None or top.score >= UNKNOWN_LEAD * rival.score)


_COMPARE = re.compile(
    r"\b(?:difference|differences|diff|differencie|distingue|compar\w*|versus|vs|ou bien|plutot)\b|"
    # "la Mauve ou la Remise, c'est qui qui met le plus en TI ?"
    r"\b(?:le|la|les) (?:plus|moins)\b|\blequel\b|\blaquelle\b"
)


def compared(text: str) -> Optional[List[Reply]]:
    """ "la différence entre un intranet et un extranet ?": each of the two records the question
    names (same kind), one answer each, in the order named. None unless two are named."""
    folded = fold(text)
    if not _askable(text) or not _COMPARE.search(folded):
        return None
    hits = retrieval.search(text, k=12)
    named: Dict[tuple, retrieval.Hit] = {}
    for h in hits:
        if h.kind in RECORD_KINDS and h.kind != "volet" and _names_in(h, folded):  # volets: their cards
            named.setdefault((h.kind, h.record_id), h)
    if sum(1 for k, _ in named if k == "term") == 1:
        # "entreprise d'économie sociale et « entreprise sociale »": a term named in full that shares
        # its words with the other one ranks far below it; named, it is compared all the same
        for h in retrieval.documents("term", lambda r: True, score=0.0):
            if h.facet == "definition" and (h.kind, h.record_id) not in named and _names_in(h, folded):
                named[(h.kind, h.record_id)] = h
    kinds = [k for k, _ in named]
    kind = next((k for k in kinds if kinds.count(k) >= 2), None)  # the best-ranked kind named twice
    if kind is None:
        return None
    pairs = [h for (k, _), h in named.items() if k == kind]
    pairs = _same_facet(pairs, text)

    def position(h: retrieval.Hit) -> int:
        found = [m.start() for n in h.names if len(fold(n)) >= 3 for m in [phrase_pattern(fold(n)).search(folded)] if m]
        return min(found) if found else len(folded)

    return [
        _record_reply(h, hits) if h.facet not in WHOLE_RECORD_FACETS else render(h)
        for h in sorted(pairs, key=position)[:3]
    ]


def _same_facet(named: List[retrieval.Hit], text: str) -> List[retrieval.Hit]:
    """The records compared, each by the facet the question asks of all of them: the facet whose
    weakest score across them is the best ("la Mauve ou la Remise, qui met le plus en TI ?": both
    budgets, not one's lessons that say "budget" and the other's costs). Unchanged when no facet
    other than a card is found for every record."""
    keys = {(h.kind, h.record_id) for h in named}
    found: Dict[str, Dict[tuple, retrieval.Hit]] = {}
    for h in retrieval.search(text, kinds=(named[0].kind,), k=60):
        if (h.kind, h.record_id) in keys and h.facet not in WHOLE_RECORD_FACETS and h.text:
            found.setdefault(h.facet, {}).setdefault((h.kind, h.record_id), h)
    complete = {f: hits for f, hits in found.items() if len(hits) == len(keys)}
    if not complete:
        return named
    facet = max(complete, key=lambda f: min(h.score for h in complete[f].values()))
    return [complete[facet][(h.kind, h.record_id)] for h in named]


# "quelles familles d'usages…", "les champs d'application du référentiel", "les tendances à
# surveiller": the whole list of one kind of the map of digital uses, not its best match.
_LIST_OF_USES = re.compile(r"\b(?:familles|champs|tendances|caracteristiques|grandes? categories|a surveiller)\b")


def uses_overview(text: str) -> Optional[Reply]:
    """Every record of the kind of digital use a question lists (annex 5 of the CEFRIO report),
    each with its first items; None unless it asks for the list."""
    folded = fold(text)
    if not _askable(text) or not _LIST_OF_USES.search(folded):
        return None
    hits = retrieval.search(text, kinds=("digital_use",), k=3)
    if not hits or hits[0].confidence < CONFIDENT / 2:
        return None
    best = retrieval.search(text, k=1)
    if best and best[0].kind != "digital_use":
        return None  # "les 3 familles de compétences numériques": a term's families
    every = lookup.digital_uses(hits[0].facet)  # the facet of a digital use is its kind
    if len(every) < 2:
        return None
    lines = []
    for r in every:
        items = list(r.get("items") or [])
        more = "…" if len(items) > USES_SHOWN else ""
        lines.append(f"• {r.get('label')} : {' ; '.join(items[:USES_SHOWN])}{more}")
    return Reply("\n".join(lines), cite_many(every), [f"digital_use:{r['id']}" for r in every])


USES_SHOWN = 4

# "les petites orgs comme nous utilisent quoi surtout comme outils", "le commerce de détail veut
# investir dans quoi": the leading technologies of one survey group, not one technology's figure.
_USE_VERB = re.compile(r"\b(?:utilis\w*|se servent|usages?|uses?|used|using)\b")
_INVEST_VERB = re.compile(r"\b(?:invest\w*|prevo\w*|prevu\w*|plan to)\b")
_WHICH_TOOLS = re.compile(
    r"\b(?:quoi|what|which|surtout|le plus|les plus)\b|\b(?:quel\w*|comme) (?:techno\w*|outils?|logiciels?|tools?)\b"
)
_POPULATION = re.compile(
    r"\b(?:entreprises?|organisations?|orgs?|organismes?|coops?|cooperatives?|obnl|mutuelles?|compagnies?"
    r"|businesses|companies|organi[sz]ations|nous|nous autres|on)\b"
)
_DIGITAL = re.compile(r"\b(?:numerique|techno\w*|outils?|logiciels?|digital|technology)\b")
_HOW_OR_WHY = re.compile(r"\b(?:comment|pourquoi|how|why)\b")
_SIZE_WORDS = (
    (re.compile(r"\b(?:tres )?petites?\b|\bsmall\b"), "lt5"),
    (re.compile(r"\bmoyennes?\b|\bmedium\b"), "5to19"),
    (re.compile(r"\b(?:grandes?|grosses?)\b|\blarge\b|\bbig\b"), "20plus"),
)
_STAFF_NUMBER = re.compile(
    r"\b(moins de |plus de |less than |more than )?(\d{1,4}|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt)"
    r"\s*(?:employ|salari|personnes|staff|employees)"
)
_IT_PERSON = re.compile(
    r"\b(?:ressources? (?:ti|informatiques?)|personne ressource|informaticien\w*|technicien\w* (?:ti|informatique))\b|"
    # "ceux qui ont quelqu'un en TI à l'interne", "un expert TI à l'interne", "une personne en informatique"
    r"\b(?:quelqu ?un|une personne|un employe|un expert|une experte|un specialiste|du monde|un gars|une fille)"
    r" (?:en|de|du|des|dedie\w* (?:aux|a l)) ?(?:ti|informatique|techno\w*)\b|"
    r"\b(?:expert\w*|specialiste\w*) (?:en )?(?:ti|informatique)\b"
)


def survey_group(text: str) -> Dict[str, str]:
    """The survey group a question names: a sector, a size (a staff count or "les petites"), with or
    without an in-house IT person; else all respondents."""
    folded = fold(text)
    sectors = vocabulary.find_all("sectors", text)
    if sectors:
        return {"dimension": "sector", "value": sectors[0]}
    staff = _STAFF_NUMBER.search(folded)
    band = None
    if staff:  # "moins de cinq employés" is the band under 5, "3 employés" the band of 3
        n = parse_employees(staff.group(2)) or 0
        n += {"moins de ": -1, "less than ": -1, "plus de ": 1, "more than ": 1}.get(staff.group(1) or "", 0)
        band = vocabulary.size_band(max(n, 0))
    band = band or next((b for pattern, b in _SIZE_WORDS if pattern.search(folded)), None)
    if band:
        return {"dimension": "size", "value": band}
    if _IT_PERSON.search(folded):
        without = re.search(r"\b(?:sans|pas de|pas d|aucune?|without|no)\b", folded)
        return {"dimension": "it_resource", "value": "without" if without else "with"}
    return {"dimension": "total", "value": "all"}


def uses_by_group(text: str) -> Optional[Reply]:
    """The technologies a survey group uses most, or plans to invest in most, by share, for a question
    that asks which (and names no technology, no organisation); None otherwise."""
    folded = fold(text)
    invest = _INVEST_VERB.search(folded) is not None
    if not _askable(text) or not (invest or _USE_VERB.search(folded)) or _HOW_OR_WHY.search(folded):
        return None
    if vocabulary.find_all("technologies", text):
        return None
    group = survey_group(text)
    if group["dimension"] == "total" and not _POPULATION.search(folded):
        return None
    # "les coops d'habitation ça utilise tu le numérique ?": a group named is enough of a "which"
    if not (_WHICH_TOOLS.search(folded) or (group["dimension"] != "total" and _DIGITAL.search(folded))):
        return None
    if named_proper(text) is not None:
        return None  # "La Mauve utilise quoi comme logiciel ?": that case's tools
    least = _LEAST.search(folded) is not None
    if least and group["dimension"] not in ("total", "sector"):
        return None  # the report prints only the leading figures of a size or IT group
    topic = "planned_investment" if invest else "usage"
    rows = retrieval.documents(
        "statistic",
        lambda r: r.get("topic") == topic and r.get("unit") == "percent" and r.get("group") == group,
    )
    if not rows:
        return None
    rows.sort(key=lambda h: h.record.get("value") or 0, reverse=not least)
    return _stat_list(rows[:MAX_STATS])


_WHO_IS_EXCLUDED = re.compile(
    r"(?<!ce )\bqui\b.{0,30}\bexclu|\bexclu\w*\b.{0,30}(?<!ce )\bqui\b|"
    r"\bquel\w* (?:organismes|organisations|categories|types)\b.{0,40}\bexclu"
)


def asks_who_is_excluded(text: str) -> bool:
    """ "Qui d'autre est exclu ?": the organisations left out, not the expenses left out."""
    return bool(_askable(text) and _WHO_IS_EXCLUDED.search(fold(text)))


def asks_what_digital_does(text: str) -> bool:
    """ "le numérique peut-il nous aider à …", "les technos peuvent faire quoi pour …"."""
    return bool(_DIGITAL_HELP.search(fold(text or "")))


def digital_use_answer(text: str) -> Optional[Reply]:
    """ "le numérique peut-il nous aider pour nos assemblées ?": what the map of digital uses says of
    it, when one of its records is among the best hits; None otherwise."""
    if not asks_what_digital_does(text):
        return None
    hits = retrieval.search(text, k=6)
    use = next((h for h in hits if h.kind == "digital_use" and h.confidence >= FACT_CONFIDENT), None)
    return render(use) if use is not None else None


def leading_fact(text: str, terms: bool = False, advice: bool = False) -> Optional[Reply]:
    """A fact of the programme or the report (facts in programme.yml: why a distinct programme,
    what comes after, when the report came out…) that the question matches far better than any
    other record, even with words around it that the index does not know; None otherwise."""
    if not _askable(text) or len(retrieval.index().query_tokens(text)[0]) < FACT_MIN_WORDS:
        return None  # "qui est admissible ?": one word says too little to pick a fact over the topic
    hits = retrieval.search(text, k=4)
    if not hits or hits[0].confidence < FACT_CONFIDENT:
        return None
    top = hits[0]
    if top.kind == "term" and fold(text).startswith(("pourquoi", "why")):
        # "Pourquoi offrir ses services en mode hybride ?": the explanation, not the definition
        why = next(
            (h for h in hits[1:] if h.kind in ("advice", "fact") and h.score >= top.score * WHY_CLOSE),
            None,
        )
        if why is not None and (why.kind == "fact" or advice):
            return render(why)
    # a fact; with `terms`, a term the question names ("la deuxième phase de PME 2.0", read as a
    # deadline: the actions whose answer is one fixed record)
    # with `advice`, a piece of advice or a challenge (not for the advice action, whose lists say more)
    # and, whatever the action, a term said in full whose words are the whole question ("les 3 familles
    # de compétences numériques du CEFRIO", read as a question about the CEFRIO)
    # (a name of two words or more: "coopérative", "volet" are the topic actions' own words)
    folded = fold(text)
    named_term = top.kind == "term" and _names_in(top, folded)
    # "leconomie de partage": the apostrophe dropped, the article glued to the name
    unglued = _unglued(folded)
    named_term = named_term or (top.kind == "term" and _names_in(top, unglued))
    said_in_full = named_term and any(
        len(fold(n).split()) >= 2 and (contains_phrase(folded, n) or contains_phrase(unglued, n)) for n in top.names
    )
    # "les trois grandes familles de compétences numériques", "que veut dire infonuagique": what a
    # term named in full is, asked as such, whatever the figures around it; no rival to fear
    if said_in_full and _WHAT_A_TERM_IS.search(folded):
        return render(top)
    asked = asked_value(text)
    for h in hits[:4] if asked else ():
        # "le programme PME 2.0 du CEFRIO a démarré en quelle année ?": the term named in full gives a
        # year, the value asked (level with the report's date, whose title says "2.0")
        if (
            h.kind == "term"
            and h.record_id not in _VERDICT_TERMS
            and h.score >= top.score * TERM_WITH_VALUE_CLOSE
            and h.confidence >= NAMED_CONFIDENT
            and _gives_value(h.text, asked)
            and any(len(fold(n).split()) >= 2 and contains_phrase(folded, n) for n in h.names)
        ):
            return render(h)
    rival = next((h for h in hits[1:] if (h.kind, h.record_id) != (top.kind, top.record_id)), None)
    # "quels nouveaux développements le référentiel mentionne-t-il ?": a part of the map of digital
    # uses, far ahead (not "ça compte tu comme économie sociale", close to "rendre des comptes")
    use = (
        top.kind == "digital_use"
        and top.confidence >= CONFIDENT
        and (rival is None or top.score >= rival.score * USE_LEAD)
    )
    if not (
        top.kind == "fact"
        or use
        or (advice and top.kind == "advice")
        or (named_term and terms)
        # (not "quelle part des entreprises a une ressource TI à l'interne ?": a share of them)
        or (said_in_full and top.confidence >= TERM_ANYWHERE and not _SHARE_WORDS.search(folded))
    ):
        return None
    # (a term named in full and ranked first needs no lead over a record the question does not name:
    # "le programme PME 2.0 du CEFRIO a démarré en quelle année ?" and the report's date, "2.0" in its title)
    unrivalled = said_in_full and rival is not None and not _names_in(rival, folded)
    if rival is not None and top.score < rival.score * FACT_LEAD and not unrivalled:
        return None
    if _counts_nothing(top, folded):
        return None  # "combien d'entreprises ont formé leurs employés…": a quote that counts nothing
    return render(top)


# A number said as such (not the "19" of "COVID-19").
_A_NUMBER = re.compile(r"(?<![\w-])\d")


def _counts_nothing(hit: retrieval.Hit, folded_question: str) -> bool:
    """A fact that gives no number, for a question that asks a count in words ("combien les
    entreprises ont-elles investi… au cours de la dernière année ?" and the COVID-19 quote, which
    shares « dernières années » with it)."""
    return hit.kind == "fact" and bool(COUNT_IN_WORDS.search(folded_question)) and not _A_NUMBER.search(hit.text or "")


# A share asked in so many words (not "combien d'entreprises", which a term may count: PME 2.0's 30).
_SHARE_WORDS = re.compile(r"\b(?:proportion|pourcentage|quelle part|taux|share|percentage|percent)\b|%")
FACT_CONFIDENT = 0.45
FACT_LEAD = 1.5
TERM_WITH_VALUE_CLOSE = 0.5


def figure_leads(text: str) -> Optional[Reply]:
    """A survey figure asked of another topic's action ("combien pensent qu'ils doivent prendre un
    virage numérique pour grandir ?" read as advice, "les boss s'intéressent-tu au numérique ?"):
    the figures, when a statistic leads retrieval and the question asks how many or what share, or
    when the statistic leads every record of another kind by far; None otherwise."""
    if not _askable(text):
        return None
    hits = retrieval.search(text, k=8)
    if not hits or hits[0].kind != "statistic":
        return None
    top = hits[0]
    rival = next((h for h in hits if h.kind != "statistic"), None)
    floor, lead = (FIGURE_COUNTED, FIGURE_COUNTED_LEAD) if _HOW_MANY.search(fold(text)) else (FIGURE_ALONE, FIGURE_LEAD)
    if top.confidence < floor or (rival is not None and top.score < rival.score * lead):
        return None
    return figures_answer(text)


# "combien pensent…", "quel pourcentage…": a count or a share asked
_HOW_MANY = re.compile(r"\b(?:combien|how many)\b|" + _SHARE_WORDS.pattern)
# A statistic answers a question that asks a count when it covers this much of it and leads the
# best record of another kind this many times; a question that asks none, these.
FIGURE_COUNTED = 0.5
FIGURE_COUNTED_LEAD = 2.0
FIGURE_ALONE = 0.75
FIGURE_LEAD = 3.0
_WHAT_A_TERM_IS = re.compile(
    r"\b(?:familles|types|sortes|categories|genres|definition|definir|definit|veut dire|veulent dire|signifie\w*|exemples?)\b"
)
# "le numérique peut-il nous aider à …", "les technos peuvent faire quoi pour …": what digital tools
# can do for something, which the map of digital uses (annex 5 and chapter 2) answers.
_DIGITAL_HELP = re.compile(
    r"\b(?:numerique|technos?|technologies?|outils? (?:numeriques?|web)|web)\b.{0,25}\b(?:peu\w* (?:tu |t il |t elle )?"
    r"(?:nous |vous |les )?(?:aider|servir|apporter|faire)|aide\w* a|sert a|utile)"
)
TERM_ANYWHERE = 0.95
USE_LEAD = 3.0  # how far a digital use must lead the best record of another kind
WHY_CLOSE = 0.25
FACT_MIN_WORDS = 3


# "Qui finance ce programme… ?", "par l'entremise de quelle mesure gouvernementale a-t-il été rendu
# possible ?", "d'où vient l'argent ?": the programme's funder asked, whatever else the question says
_FUNDER_ASKED = re.compile(
    r"\bqui (?:le |la |les |l )?(?:finance\w*|paie|paye|subventionn\w*)\b|\bfinance\w* par qui\b|"
    r"\b(?:qui|quel\w*) (?:est|sont|c est)? ?(?:le |les |son |ses )?bailleurs? de fonds\b|\bd ou vient (?:l argent|le financement|l financement)\b|\brendu possible\b|"
    r"\bmesure gouvernementale\b"
)
# … not of the CEFRIO's report, nor of PME 2.0 (their funder is the MESI, in their records)
_OTHER_FUNDED = re.compile(r"\b(?:rapport|cefrio|enquete|sondage|pme 2|portrait)\b")


def funds_something_else(text: str) -> bool:
    """The funder asked is the CEFRIO report's (or its survey's, PME 2.0's), not the programme's."""
    return bool(_askable(text) and _OTHER_FUNDED.search(fold(text)))


def funder_asked(text: str) -> Optional[Reply]:
    """Who funds the programme (the funder facts), when that is what the question asks and it names
    no case or partner (« qui finance la SODER ? » is about the SODER)."""
    if not _askable(text):
        return None
    folded = fold(text)
    if not _FUNDER_ASKED.search(folded) or _OTHER_FUNDED.search(folded):
        return None
    if named_proper(text) is not None:
        return None
    facts = lookup.facts("funder")
    if not facts:
        return None
    return Reply(" ".join(f["text"] for f in facts), cite_many(facts), [f"fact:{f['id']}" for f in facts])


# "Quels cas du rapport ont connu un premier échec ?", "quelles entreprises présentées ont implanté
# un ERP ?", "parmi les cas, lesquels…": a question across the case studies
_WHICH = r"\b(?:quels?|quelles?|lesquel\w*|lequel|laquelle|qui sont les)\s+(?:des\s+|de ces\s+|d\s+)?"
_ACROSS_CASES = re.compile(
    _WHICH + r"(?:cas|exemples|etudes? de cas)\b|\bparmi (?:les|ces) (?:cas|exemples|etudes)\b|"
    r"\b(?:yen a tu|y en a t il|est ce qu il y a) (?:un|des) (?:cas|exemples?)\b|"
    # "y en a tu dans les cas du rapport qui en ont mis un ?"
    r"\b(?:yen a tu|y en a t il|y en a|ya tu|y a t il|est ce qu il y a)\b[^?]{0,12}\b(?:dans|parmi) (?:les|ces) "
    r"(?:cas|exemples|etudes)\b"
)
# "qui en ont mis un", "qui en utilisent": the thing just discussed, as "en"
_EN_PRONOUN = re.compile(r"\ben (?:ont|a|avait|avaient|utilis\w*|implant\w*|fait|font|mis)\b")
_WHICH_ORGS = re.compile(_WHICH + r"(?:entreprises|organismes|organisations|orgs?|coops?|cooperatives|obnl)\b")
_OF_THE_CASES = re.compile(r"\b(?:present\w*|etudie\w*|decrit\w*|cas|exemples?)\b")


def cases_listed(text: str, context: Optional[str] = None) -> Optional[Reply]:
    """The case studies that say what a question across them asks, each with its sentence that
    says it (knowledge.retrieval.cases_saying); None when the question is not about which cases,
    names a case, or no case says it. `context`: the record just discussed, which "en" stands for
    ("y en a tu dans les cas qui en ont mis un ?" after the ERP)."""
    if not _askable(text):
        return None
    folded = fold(text)
    if context and not context.startswith("case:") and _EN_PRONOUN.search(folded):
        text = f"{text} {context_name(context)}"
    if not (_ACROSS_CASES.search(folded) or (_WHICH_ORGS.search(folded) and _OF_THE_CASES.search(folded))):
        return None
    if named_proper(text) is not None:
        return None  # "quels cas ressemblent à La Mauve ?" is about the case it names
    found = retrieval.cases_saying(text)
    if not found:
        return None
    lines = []
    for rec, sentence in found:
        where = f" ({rec['place']})" if rec.get("place") else ""
        lines.append(f"• {rec['name']}{where} — {sentence}")
    intro = "Dans les études de cas, c'est le cas de :" if len(found) > 1 else "Dans les études de cas :"
    return Reply(
        intro + "\n" + "\n".join(lines), cite_many([rec for rec, _ in found]), [f"case:{rec['id']}" for rec, _ in found]
    )


def named_person(text: str) -> Optional[Reply]:
    """A person the question names by first name and surname: their role, where, and what the
    sources say they did; None otherwise (a surname alone may be a word: "Noël")."""
    if not _askable(text):
        return None
    hits = retrieval.search(text, kinds=("person",), k=1)
    if not hits or hits[0].confidence < NAMED_CONFIDENT or not contains_phrase(fold(text), hits[0].names[0]):
        return None
    return render(hits[0])


_SOURCE_NOUNS = (
    r"(?:exemples?|cas|etudes?(?: de cas)?|enquete|rapport|chiffres?|statistiques?|sondage|referentiel|donnees|"
    r"conseils|recommandations|cles?(?: \d| [a-z]+)?|lecons)"
)


def _named_as_source(hit: retrieval.Hit, folded: str) -> bool:
    """A partner named as where something comes from ("les exemples du CEFRIO", "selon le CEFRIO"),
    not as what the question is about."""
    if hit.kind != "partner":
        return False
    for name in hit.names:
        n = fold(name)
        if len(n) < 3:
            continue
        if (
            re.search(rf"\b{_SOURCE_NOUNS}\s+(?:du|de la|de l|des|d)\s+{re.escape(n)}\b", folded)
            or re.search(rf"\b(?:selon|d apres)\s+(?:le |la |l )?{re.escape(n)}\b", folded)
            # "les familles définies par le CEFRIO", "le CEFRIO dit tu qu'on investit assez ?"
            or re.search(
                rf"\b(?:defini|propos|publie|identifie|releve|recommande|presente)\w* par (?:le |la |l )?{re.escape(n)}\b",
                folded,
            )
            or re.search(
                rf"\b{re.escape(n)} (?:dit|disait|affirme|rapporte|note|estime|montre|indique|recommande)\b", folded
            )
        ):
            return True
    return False


def named_facet(text: str) -> Optional[Reply]:
    """The facet a question asks of a record it names, or None."""
    if not _askable(text):
        return None
    folded = fold(text)
    hits = retrieval.search(text, k=6)
    top = _best(hits, folded)
    if top is not None and top.kind == "partner" and top.facet in WHOLE_RECORD_FACETS and _WHAT_IS.search(folded):
        top = None  # "la CDRQ c'est quoi au juste, y font quoi": its card, below
    if top is None and _WHAT_IS.search(folded):
        # "la CDRQ c'est quoi au juste, y font quoi": the partner named, whatever piece of advice
        # mentions it with more of the question's words
        named = named_proper(text, hits)
        if named is not None and named.kind == "partner" and not _named_as_source(named, folded):
            card = next(
                (
                    h
                    for h in retrieval.search(text, k=24)
                    if (h.kind, h.record_id) == (named.kind, named.record_id) and h.facet in WHOLE_RECORD_FACETS
                ),
                None,
            )
            if card is not None:
                return render(card)
    # "Combien d'études de cas le rapport du CEFRIO présente-t-il ?": the profile says "13 études de
    # cas" (also when another facet of the record ties with it: "ya combien d'études de cas dans le
    # rapport du cefrio" ranks the CEFRIO's role a hair above its profile)
    counted = (
        next(
            (
                h
                for h in hits[:4]
                if (h.kind, h.record_id) == (top.kind, top.record_id)
                and h.score >= top.score * COUNT_FACET_CLOSE
                and h.facet in WHOLE_RECORD_FACETS
                and _counts_what_is_asked(h.text, folded)
            ),
            None,
        )
        if top is not None and top.kind in ("partner", "term", "programme", "volet")  # (a case: its staff facet)
        else None
    )
    if counted is not None:
        return render(counted)
    if (
        top is not None
        and top.kind in ("sector_figure", "statistic")
        and not _SECTOR.search(folded)
        and not _THE_SURVEY.search(folded)
    ):
        # "Quel est le chiffre d'affaires annuel de La Mauve ?": the figure of the case it names, not
        # the sector's revenue that "annuel" brought first
        named = named_proper(text, hits)
        if named is not None and named.score >= top.score * NAMED_OVER_FIGURE:
            top = named
    if top is not None and top.kind == "case" and top.facet in WHOLE_RECORD_FACETS and QUANTITY.search(folded):
        # "Combien de lecteurs et d'employés compte L'itinéraire ?": the record's card leads, its
        # staff facet close behind is what is asked
        top = next(
            (
                h
                for h in hits[1:]
                if (h.kind, h.record_id) == (top.kind, top.record_id)
                and h.facet not in WHOLE_RECORD_FACETS
                and h.text
                and h.score >= top.score * FACET_BEHIND_CARD
            ),
            top,
        )
    if top is not None and top.kind == "case" and _DOING_NOW.search(folded):
        # "les libraires indépendants font quoi en ce moment avec le programme ?": its project
        top = next(
            (
                h
                for h in retrieval.search(text, kinds=("case",), k=24)
                if (h.record_id, h.facet) == (top.record_id, "project") and h.text
            ),
            top,
        )
    if top is not None and top.kind == "case" and top.facet != "people" and _WHO_DID.search(folded):
        # "Qui a témoigné pour Défi Polyteck dans l'étude de cas ?": "étude de cas" asks for the card,
        # "qui a…" for a person: the case's people (among all the case's facets, which may tie: "c'est
        # qui qui a parlé pour le Journal Ensemble")
        top = next(
            (
                h
                for h in retrieval.search(text, k=24)
                if (h.kind, h.record_id, h.facet) == (top.kind, top.record_id, "people")
                and h.text
                and h.score >= top.score * PEOPLE_BEHIND_CARD
            ),
            top,
        )
    if (
        top is not None
        and top.kind in RECORD_KINDS
        and top.facet not in WHOLE_RECORD_FACETS
        and _names_in(top, folded)
        and not _named_as_source(top, folded)
    ):
        if top.kind == "volet" and OWN_TOPIC["action_deadlines"].search(folded):
            # "les prochaines dates de dépôt pour le volet d'aide financière ?": the volet's dates
            dated = volet_dates(top.record_id)
            if dated is not None:
                return dated
        reply = _record_reply(top, hits, text)
        if top.kind == "partner" and top.facet == "role" and not _IN_THE_PROGRAMME.search(folded):
            # "quel est le rôle des pôles régionaux ?": what they do, then their part in the programme
            if top.record.get("description") and top.record["description"] not in reply.text:
                reply.text = f"{_title(top)} : {top.record['description']}\n{reply.text}"
        if top.kind == "case" and _HOW_LONG_IT_TOOK.search(folded):
            # "la CSAD ça leur a pris combien de temps avant que tout le monde soit à l'aise avec les
            # tablettes ?": the sentences of the case that give a duration, after the facet asked
            # (not for "ils ont sauvé combien de temps ?", a result)
            said = " ".join(_durations(top.record_id)[1])
            if said and said not in reply.text:
                reply.text += "\n" + said
        for clause in _CLAUSES.split(text):
            # "défi polyteck ils ont mis quoi en place pis ça a coûté combien": each clause's facet
            other = _clause_facet(top, clause)
            if other is not None and other.text not in reply.text:
                reply.text += "\n" + _facet_line(other)
        return reply
    return None


# A partner's role asked in the programme ("que fait le CQCM dans le programme ?", "au volet 3").
_IN_THE_PROGRAMME = re.compile(r"\b(?:programme|volets?)\b")
# How close behind a term the question does not name a case or partner it names must score.
NAMED_OVER_TERM = 0.5
# How close behind a survey or sector figure the record a figure question names must score.
NAMED_OVER_FIGURE = 0.5
# A word rarer than this (IDF) names a thing; "Québec", "site", "formation" are said of everything.
NAMED_WORD_IDF = 3.0
# How close to the best facet of a record the facet that gives the count asked must score.
COUNT_FACET_CLOSE = 0.9
# A survey figure this much (2 = three times) above any other record is the one asked, even when it
# covers little of the question.
FIGURE_FAR_AHEAD = 2.0
# How close behind a record's card one of its facets must score to be what a question asks.
FACET_BEHIND_CARD = 0.75
# … its people, for a question that asks who did something ("qui a témoigné…", not "qui est…").
PEOPLE_BEHIND_CARD = 0.25
_WHO_DID = re.compile(
    r"^(?:et |pis )?(?:c est |cest )?qui (?:qui )?(?:a|ont|avait|dirige\w*|les a|l a|parl\w*|temoign\w*|gere\w*|"
    r"s occup\w*|represent\w*|s est exprime\w*|accord\w*|repond\w*)\b|"
    # "quel organisme a accompagné Culture Saguenay–Lac-Saint-Jean ?"
    r"^(?:et |pis )?quel\w* (?:organisme|organisation|firme|partenaire)s? (?:l a |les a |a |ont )?"
    r"(?:accompagn|aid|soutenu|epaul|conseill)\w*"
)

_CLAUSES = re.compile(r"\s(?:pis|puis|et|ainsi que|pis aussi|et aussi)\s", re.IGNORECASE)
# What an organisation is doing now ("ils font quoi en ce moment", "travaillent sur quoi astheure").
_DOING_NOW = re.compile(
    r"\b(?:font|fait|faire|travaill\w*)\b[^?]{0,30}\b(?:en ce moment|astheure|asteure|actuellement|presentement|"
    r"maintenant|aujourd ?hui)\b"
)


def _clause_facet(top: retrieval.Hit, clause: str) -> Optional[retrieval.Hit]:
    """The facet of `top`'s record that one clause of the question asks, if it is another one."""
    if len(clause.split()) < 2:
        return None
    hits = retrieval.search(f"{top.names[0] if top.names else ''} {clause}", kinds=(top.kind,), k=6)
    best = next((h for h in hits if h.record_id == top.record_id), None)
    if best is None or best.facet in WHOLE_RECORD_FACETS or best.facet == top.facet or not best.text:
        return None
    return best if best.score >= hits[0].score * 0.9 else None


def _facet_line(hit: retrieval.Hit) -> str:
    label = FACET_LABELS.get((hit.kind, hit.facet))
    return f"{upper_first(label)} : {hit.text}" if label else hit.text


# The sector as a whole: "en économie sociale", "au Québec", "entreprises collectives", "le PIB"…
_SECTOR = re.compile(
    r"\b(?:[ld]?economie sociale|eco sociale|entreprises? collectives?|quebec|qc|secteur|au total|pib|milliards|"
    r"mouvement cooperatif|portrait|7 ?000 entreprises|11 ?200 entreprises)\b|\bd?eco sociale\b|"
    # "dans le rapport de 2017, y avait combien de coops versus d'OBNL ?": the report's figures of the sector
    r"\brapport (?:de |du )?(?:2017|cefrio)\b"
)
# Words of the CEFRIO survey's questions (usage, plans, perceptions…), not of the sector's size.
SURVEY_WORDS = (
    "utilis",
    "vend",
    "site",
    "reseau",
    "logiciel",
    "pourcentage",
    "proportion",
    "prevoi",
    "investi",
    "competen",
    "preoccup",
    "enquete",
    "sond",
    "interroge",
    "repondant",
    "en ligne",
    "web",
    "outil",
    "taille",
    "partage",
    "ressource ti",  # "la présence d'une ressource TI varie-t-elle selon le chiffre d'affaires ?"
    "personne ressource",
    "informaticien",
)
# Sector figures are near-identical texts ("Nombre de … des entreprises d'économie sociale au
# Québec"): what tells them apart is the indicator asked. Each indicator is asked by the words of its
# facet in the retrieval index (knowledge.retrieval.FACETS["sector_figure"]), "combien"/"nombre" aside.
_GENERIC = {"combien", "nombre", "economie"}
# Indicators that are counts of things the question may merely name ("une entreprise d'économie
# sociale", "les membres"): asked only with a word of quantity.
_COUNTED = {"enterprises", "cooperatives", "nonprofits", "mutuals", "members", "jobs"}
QUANTITY = re.compile(
    r"\b(?:combien|cmb|nombre|nb|chiffres?|taille|poids|importance|represente\w*|comptes?|compte-t-on|"
    r"how many|how big|portrait chiffre)\b|\d"
)
# A count asked in so many words.
COUNT_ASKED = re.compile(r"\b(?:combien|cmb|nombre|nb|how many|repartis\w*|repartition)\b|\d")
# A count or a share asked in words ("combien", "quel pourcentage"), not a number the question says
# ("les 3 familles de compétences").
COUNT_IN_WORDS = re.compile(r"\b(?:combien|cmb|nombre|quel(?:le)? (?:part|proportion|pourcentage)|how many)\b")
# "combien de membres dans les entreprises d'économie sociale" asks the members, not the enterprises.
# ("combien y avait-il d'entreprises…": a few words between)
_ENTERPRISES_ASKED = re.compile(
    r"\b(?:combien|nombre)(?: (?:y|a|avait|t|il|ya|yavait|en|de))*? (?:d |de |des )?d?entreprises"
)


def _indicator_words() -> Dict[str, List[str]]:
    return {
        facet: [w for w in fold(words).split() if w not in _GENERIC and len(w) >= 3]
        for facet, words in retrieval.FACETS["sector_figure"].items()
    }


def _forms(token: str) -> List[str]:
    """A typed word and what it may stand for: "coops" → "coop", "dentreprises" → "entreprises"."""
    out = [token, token.rstrip("s")]
    if len(token) >= 5 and token[0] in "dl" and token[1] in "aeiouy":
        out += [token[1:], token[1:].rstrip("s")]
    return out


def _says(word: str, tokens: List[str]) -> bool:
    """`word` (an indicator word) is in the question, allowing plurals, elisions and short forms."""
    return any(
        t == word or (len(t) >= 4 and (word.startswith(t) or t.startswith(word)))
        for token in tokens
        for t in _forms(token)
    )


_ASKS_SOMETHING_ELSE = re.compile(
    r"\b(?:combien|quand|qui|quoi|comment|pourquoi|quel|quelle|quels|quelles)\b|\b(?:est|sont|trouve\w*|situe\w*) ou\b"
)


def case_form_asked(text: str, record_id: str) -> Optional[Reply]:
    """ "C'est une coop ?" about the case in context: yes or no, with its legal form as the source
    gives it."""
    asked = vocabulary.find_all("legal_forms", text)
    if not asked or not is_short_question(text) or _ASKS_SOMETHING_ELSE.search(fold(text)):
        return None  # "elle est où, cette coop-là ?" asks where, not whether it is a coop
    named = named_proper(text)
    if named is not None and named.record_id != record_id:
        return None  # "et La Mauve, c'est une coop ?": about the case it names
    found = _record_in_context("case", record_id)
    if found is None:
        return None
    rec = found.record
    form = vocabulary.label("legal_forms", rec.get("legal_form"))
    if not form:
        return None
    detail = rec.get("legal_form_detail") or ""
    detail = f" ({detail})" if detail and fold(detail) not in fold(form) else ""
    answer = "Oui" if rec.get("legal_form") in asked else "Non"
    return Reply(f"{answer}. {rec['name']} — forme juridique : {form}{detail}.", cite(rec), [f"case:{record_id}"])


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def sector_follow_up(text: str, record_id: str) -> Optional[Reply]:
    """After a figure of the sector's size: "et en 2017 ?" (the same indicator, that year's), "et ça
    fait combien d'emplois ?" (another indicator, every date we have)."""
    if not _askable(text):
        return None
    figures = sector_figures_asked(f"{text} (économie sociale)")
    here = next((f for f in statistics.sector_figures() if f["id"] == record_id), None)
    if not figures and here is not None and (_YEAR.search(text) or refers_back(text)):
        figures = statistics.sector_figures(here["indicator"])
    year = _YEAR.search(text)
    if year and figures:
        dated = [f for f in figures if str(year.group(0)) in (str(f.get("published")), str(f.get("reference_year")))]
        figures = dated or figures
    if not figures:
        return None
    return sector_figures_reply(figures)


def sector_figures_reply(figures: Sequence[Dict[str, Any]]) -> Reply:
    """Figures of the sector's size, one per line, each dated, cited together."""
    return Reply(
        "\n".join(f"• {figure_line(f)}" for f in figures),
        cite_many(figures),
        [f"sector_figure:{f['id']}" for f in figures],
    )


def sector_figures_asked(text: str) -> List[Dict[str, Any]]:
    """The sector figures the question asks for, each indicator at every date we have (7 000
    enterprises in 2017, 11 200 at the launch: both, each dated), or [] when it names no indicator."""
    folded = fold(text)
    if not _askable(text) or any(w in folded for w in SURVEY_WORDS) or not _SECTOR.search(folded):
        return []  # a survey figure, or not about the sector as a whole ("combien d'employés chez TAQ")
    named = named_proper(text)
    if named is not None and named.kind == "case":
        return []  # "le rapport du CEFRIO parle de combien d'employés chez TAQ ?": the case's
    if any(
        h.record_id not in _VERDICT_TERMS
        and not retrieval.names_of("partner", h.record_id)  # (the CEFRIO named as who counted)
        and (_names_in(h, folded) or _names_in(h, _unglued(folded)))
        for h in retrieval.search(text, kinds=("term",), k=3)
    ):
        return []  # "combien d'EÉSAD au Québec et combien de personnes emploient-elles ?": the term's figures
    for name in named.names if named is not None else ():
        # "le chiffre d'affaires des Librairies indépendantes du Québec": Québec is in a name
        folded = phrase_pattern(fold(name)).sub(" ", folded) if len(fold(name)) >= 3 else folded
    if not _SECTOR.search(folded):
        return []
    tokens = folded.split()
    wanted = [facet for facet, words in _indicator_words().items() if any(_says(w, tokens) for w in words)]
    if not QUANTITY.search(folded):  # "qu'est-ce qu'une entreprise d'économie sociale ?" asks no count
        wanted = [w for w in wanted if w not in _COUNTED]
    if len(wanted) > 1 and "enterprises" in wanted and not _ENTERPRISES_ASKED.search(folded):
        wanted.remove("enterprises")
    if not wanted or len(wanted) > 3:  # nothing named, or the whole picture: the headline list says it
        return []
    seen, chosen = set(), []
    for f in sorted(
        statistics.sector_figures(), key=lambda f: wanted.index(f["indicator"]) if f["indicator"] in wanted else 99
    ):
        if f["indicator"] in wanted and (f["indicator"], f["value"]) not in seen:
            seen.add((f["indicator"], f["value"]))
            chosen.append(f)
    return chosen


# Words of a survey figure other than how many employees the respondents have.
_OTHER_FIGURE = re.compile(
    r"\butilis\w*|\binvest\w*|\bprevo\w*|\bvend\w*|\bsites?\b|\bpartage\b|\bsecteurs?\b|\breseaux\b|\bmedias\b|"
    r"\bressources?\b|\bplan\b|\bnumerique\b|\bweb\b|\bpreoccup\w*|\bcompetences?\b|\bpresentes?\b"
)


def size_share(text: str) -> Optional[Reply]:
    """ "Quelle proportion des entreprises sondées a moins de cinq employés ?": the share of the
    respondents in that size band (Tableau 1), not a figure of the band's own."""
    folded = fold(text)
    group = survey_group(text)
    if group["dimension"] != "size" or not _SHARE_ASKED.search(folded) or _OTHER_FIGURE.search(folded):
        return None
    if vocabulary.find_all("technologies", text):
        return None
    band = fold(vocabulary.label("size_bands", group["value"]) or "")
    rows = retrieval.documents(
        "statistic",
        lambda r: (
            r.get("topic") == "profile"
            and (r.get("group") or {}).get("dimension") == "total"
            and bool(band)
            and band in fold(str(r.get("label") or ""))
        ),
    )
    return _stat_list(rows) if rows else None


def figures_answer(text: str) -> Optional[Reply]:
    """The survey statistics a figure question asks, or None (sector figures: the statistic
    action's headline list says them with their dates)."""
    if not _askable(text) or sector_figures_asked(text):
        return None  # the size of the sector: the statistic action says those figures, dated
    share = size_share(text)
    if share is not None:
        return share
    # every respondent of the survey is an enterprise of the social economy: those words pick
    # nothing ("économie" would pick the figures of the sharing economy)
    # (nor do "les organisations interrogées": "leur organisation" in a perception's label made
    # "quelle proportion des organisations a une ressource TI ?" pick a perception)
    survey_text = _RESPONDENTS.sub(" ", _THE_SOURCE.sub(" ", _WHOLE_SECTOR.sub(" ", fold(text))))
    # "la préoccupation la plus citée": the ranking words say how to order the figures, not which
    ranking = _RANKING.search(survey_text) is not None
    hits = retrieval.search(
        _RANKING.sub(" ", survey_text) if ranking else survey_text, kinds=("statistic", "sector_figure"), k=6
    )
    each = _each_named_figure(survey_text)
    if len(each) >= 2:
        return _stat_list(each)
    top = _best(hits, fold(text))
    if top is None and each and retrieval.words_shared(survey_text, each[0]) >= 2:
        # "au fait, côté réseaux sociaux, Facebook, c'est combien ?": the one figure its name finds
        # (not "c'est gros comment" and the wholesale trade's figure)
        top = each[0]
    if top is None and ranking and hits and hits[0].kind == "statistic" and hits[0].confidence >= NAMED_CONFIDENT:
        top = hits[0]
    if top is None and hits and hits[0].kind == "statistic" and len(split_questions(text)) == 1:
        # "pis combien veulent se lancer dans l'économie de partage plus tard": a figure far ahead of
        # every other record, though the question's other words ("veulent", "lancer") match nothing
        # (one question: of two, the figure far ahead answers one part)
        top = retrieval.confident(hits, NAMED_CONFIDENT, margin=FIGURE_FAR_AHEAD)
        if top is not None and retrieval.words_shared(survey_text, top) < 2:
            top = None  # "l'économie sociale c'est gros comment": one word ("commerce de gros")
    if top is None and hits and hits[0].confidence >= NAMED_CONFIDENT:
        # "les CRM pis les ERP, ça l'utilise tu beaucoup ?": each figure covers half the question
        each = _each_technology(hits[0], survey_text)
        if len(each) >= 2:
            return _stat_list(each)
    everything = retrieval.search(text, k=8)
    # "le CQCM représente combien de coops ?", "Combien de lecteurs a L'itinéraire ?": a figure of
    # an organisation the question names is in its record, not in the survey
    # (not "combien ont répondu à l'enquête du CEFRIO", "c'était quoi l'enquête du CEFRIO": the survey)
    named = None
    if not _THE_SURVEY.search(fold(text)):
        # (among the cases and partners too: "combien d'employés compte la CDRQ ?" ranks the survey's
        # "répondants qui comptent… employés" above every other kind)
        named = named_proper(text, everything) or named_proper(text, retrieval.search(text, kinds=PROPER_KINDS, k=6))
    if named is not None and _named_as_source(named, fold(text)):
        named = None  # "la clé 1 du CEFRIO": where it comes from, not what is asked
    # (a record named beats the survey figures that share its words: "combien d'employés compte la
    # CDRQ ?" matches "les répondants qui comptent moins de 5 employés")
    # (a person named must still score close to the best figure: "qui est…" questions are rarely counts)
    if named is not None and (named.kind != "person" or not hits or named.score >= hits[0].score * NAMED_OVER_FIGURE):
        counted = _counted_elsewhere(named, everything, fold(text))
        if counted is not None:
            return render(counted)
        return render(named) if named.facet in WHOLE_RECORD_FACETS else _record_reply(named, everything, text)
    # "les défis numériques des coops sont-ils différents de ceux des PME ?" read as a figure
    # question: a record of another kind that answers it far better is said instead; a term only
    # when its own words are most of the question ("les trois familles de compétences numériques")
    other = retrieval.confident(retrieval.search(survey_text, k=3), CONFIDENT)
    if _SHARE_ASKED.search(survey_text):
        other = None  # "what share … are on Facebook": a figure, not the term "médias sociaux"
    if other is not None and other.kind == "term" and top is not None and QUANTITY.search(survey_text):
        # "combien d'orgs avaient un plan numérique": a count asked, which the survey figure gives and
        # no definition ("planification stratégique…") does
        other = None
    if other is not None and _counts_nothing(other, fold(text)):
        other = None
    if other is not None and (
        other.kind in ("advice", "fact", "digital_use")
        or (other.kind == "term" and other.confidence >= TERM_IN_FIGURES)
    ):
        if top is None or other.score >= top.score * OTHER_KIND_LEAD:
            return render(other)
    if top is not None and top.kind == "statistic":
        inhouse = _inhouse_it_asked(top, hits)
        if inhouse is not None:
            hits = [inhouse] + [h for h in hits if h is not inhouse]
        return _stat_reply(hits, survey_text)
    # "combien d'EÉSAD au Québec pis ça sert combien d'usagers ?": no survey figure, a term the
    # question names whose definition gives the counts (100 EÉSAD, 100 000 users)
    term = everything[0] if everything else None
    if (
        term is not None
        and term.kind == "term"
        and term.confidence >= NAMED_CONFIDENT
        and QUANTITY.search(fold(text))
        and _DIGIT.search(term.text or "")
        and (_names_in(term, fold(text)) or _names_in(term, _unglued(fold(text))))
    ):
        return render(term)
    return None


_COUNT_OF = re.compile(r"\b(\d[\d ]*) ([a-z]{4,})")


def _counts_what_is_asked(shown: str, folded_question: str) -> bool:
    """A count asked ("combien d'études de cas…") that `shown` gives: a number followed by the word
    the question counts ("13 études de cas")."""
    if not QUANTITY.search(folded_question):
        return False
    words = [w for w in folded_question.split() if len(w) >= 4]
    # ("combien detudes de cas": an elided article typed without its apostrophe)
    asked = {w[:5] for w in words} | {w[1:6] for w in words if w[0] in "dl" and w[1] in "aeiouyh"}
    return any(m.group(2)[:5] in asked for m in _COUNT_OF.finditer(fold(shown or "")))


# How close behind a figure of the firms with an in-house IT resource the share of firms that have
# one must score to be what is asked.
INHOUSE_CLOSE = 0.75


def _inhouse_it_asked(top: retrieval.Hit, hits: Sequence[retrieval.Hit]) -> Optional[retrieval.Hit]:
    """ "Quelle proportion des entreprises sondées dispose d'une personne-ressource en TI ?": the
    in-house IT resource named is what is counted (21 % of all), not the group of another figure
    (« disposent d'un plan numérique — entreprises avec personne-ressource TI »), when that share
    scores close behind."""
    if (top.record.get("group") or {}).get("dimension") != "it_resource" or top.record.get("topic") == "it_resource":
        return None
    return next(
        (
            h
            for h in hits
            if h.record.get("topic") == "it_resource"
            and (h.record.get("group") or {}).get("dimension") == "total"
            and h.score >= top.score * INHOUSE_CLOSE
        ),
        None,
    )


def _unglued(folded: str) -> str:
    """ "leconomie de partage" → "l economie de partage": an article glued to the name, the apostrophe
    dropped."""
    return re.sub(r"\b([ld])(?=[aeiouh][a-z]{3,})", r"\1 ", folded)


def _counted_elsewhere(named: retrieval.Hit, hits: Sequence[retrieval.Hit], folded: str) -> Optional[retrieval.Hit]:
    """ "le cefrio ya combien de chercheurs pis de membres": the organisation's record has no
    figure, its glossary entry, which the question names as well and which retrieval ranks first,
    has them (90 researchers, 250 members): it gives a number and says words of the question the
    named record's facet does not."""
    top = hits[0] if hits else None
    if top is None or top.kind != "term" or top.confidence < TERM_IN_FIGURES or not _names_in(top, folded):
        return None
    if not _DIGIT.search(top.text or ""):
        return None

    def stems(text: str) -> set:
        return {w[:5] for w in fold(text).split() if len(w) >= 5}

    return (
        top
        if (stems(folded) & stems(top.text or "")) - stems(named.text or "") - stems(" ".join(named.names))
        else None
    )


_DIGIT = re.compile(r"\d")


# "… selon le CEFRIO", "d'après / dans l'enquête du CEFRIO": every survey figure is the CEFRIO's (not "c'était
# quoi l'enquête du CEFRIO": the survey itself)
_THE_SOURCE = re.compile(
    r"\b(?:selon|d apres|dans|according to|in)\s+(?:le |l |the )?(?:enquete du |sondage du |rapport du )?cefrio\b"
)
_RESPONDENTS = re.compile(
    r"\b(?:des |les |d ?)?(?:organisations|organismes|orgs?)(?= (?:interrogees|sondees|qui|de|d|ont|a)\b)"
)
_THE_SURVEY = re.compile(r"\b(?:enquete|sondage|sonde\w*|repondant\w*|questionnaire)\b")
_WHOLE_SECTOR = re.compile(
    r"\b(?:des |les )?(?:entreprises |organisations |organismes )?(?:d |de l )?economie sociale\b|"
    r"\b(?:dans |de )?(?:l |d )?(?:l|d)?eco sociale\b|"  # "dans l'éco sociale", "leco sociale", typed short
    r"\bsocial economy(?: enterprises| businesses| organi[sz]ations)?\b"
)


# How far a record of another kind must outscore the best figure to answer a figure question.
OTHER_KIND_LEAD = 1.5
TERM_IN_FIGURES = 0.8


# "Sercovie c'est quoi pis ils ont combien d'employés", "La Mauve c'est où pis ils font quoi": what
# the record is, asked beside another facet.
_WHAT_IS = re.compile(
    r"\bc ?est (?:tu )?quoi\b|\b(?:ils|elles|il|elle|ca|on) (?:font|fait|fais) quoi\b|\bqu est ce qu (?:ils|elles|il|elle) (?:font|fait)\b|"
    r"\bc est qui\b|\bkoss?e qu (?:ils|elles) font\b|\bqu est ce que c est\b|\bils sont qui\b"
)


def _record_reply(top: retrieval.Hit, hits: Sequence[retrieval.Hit], text: str = "") -> Reply:
    """The facet asked, and a second facet of the same record when the question asks it as much
    ("combien de préposés pis de clients"); with "c'est quoi" / "ils font quoi" beside it, what the
    record is (its summary) first."""
    reply = render(top)
    summary = str(top.record.get("summary") or "").strip()
    if summary and top.facet not in WHOLE_RECORD_FACETS and _WHAT_IS.search(fold(text)):
        reply.text = f"{reply.text}\n{summary}"
    second = next(
        (h for h in hits if h.record_id == top.record_id and h.kind == top.kind and h.facet != top.facet), None
    )
    if (
        second is not None
        and second.facet not in WHOLE_RECORD_FACETS
        and second.text
        and second.score >= top.score * SECOND_FACET
    ):
        reply.text += "\n" + _facet_line(second)
    return reply


def _names_another(text: str, kind: str, record_id: str) -> bool:
    """The question names a record other than the one in context."""
    folded = fold(text)
    return any((h.kind, h.record_id) != (kind, record_id) and _names_in(h, folded) for h in retrieval.search(text, k=8))


# A follow-up's facet beats the record's whole card when it scores at least this share of the card's.
FOLLOW_UP_FACET = 0.6
# A facet of the record in context this confident answers a question that refers back, whatever
# record of another kind matches it better.
POINTED_CONFIDENT = 0.5
# Words of a question short enough to be about the record just discussed when it names nothing.
SHORT_QUESTION = 5
# "quels sont les grands défis des entreprises ?" asks about all of them, not the case in context.
_GENERAL_QUESTION = re.compile(
    r"\b(?:quels sont les|quelles sont les|les principa\w*|les grands?|en general|la plupart|"
    r"(?:les|des|aux) (?:entreprises|organisations|organismes|coops?|cooperatives|obnl|pme))\b"
)


# "pis selon la taille ça change tu ?" after a survey figure: the same figure for each group.
_DIMENSIONS = (
    (
        "size",
        re.compile(r"\btaille\b|\bemploy\w*|\bgrosseur\b|\b(?:grandes?|petites?) (?:entreprises|organisations)\b"),
        "la taille",
    ),
    ("sector", re.compile(r"\bsecteurs?\b|\bdomaines?\b"), "le secteur"),
    (
        "it_resource",
        re.compile(r"\bressources? ti\b|\bpersonne ressource\b|\binformaticien\w*"),
        "la présence d'une ressource TI",
    ),
    ("revenue", re.compile(r"\bchiffre d ?affaires\b|\brevenus?\b"), "le chiffre d'affaires"),
)


def _record_in_context(kind: str, record_id: str) -> Optional[retrieval.Hit]:
    """The record a follow-up is about (the last record answered), as a hit."""
    return next(iter(retrieval.documents(kind, lambda r: r.get("id") == record_id)), None)


def _figure_in_context(record_id: str) -> Optional[retrieval.Hit]:
    """The survey figure a follow-up is about."""
    return _record_in_context("statistic", record_id)


def group_breakdown(text: str, context: str) -> Optional[Reply]:
    """The survey figure in context for each group of the dimension the question names, or, when
    the survey gives none, that it does not (with the figure for all respondents)."""
    kind, _, record_id = context.partition(":")
    if kind != "statistic" or not _askable(text):
        return None
    folded = fold(text)
    asked = next(((dim, label) for dim, pattern, label in _DIMENSIONS if pattern.search(folded)), None)
    if asked is None or len(folded.split()) > 10:
        return None
    here = _figure_in_context(record_id)
    if here is None:
        return None
    indicator = _indicator(here.record)
    dim, label = asked
    rows = [
        h
        for h in retrieval.search(here.record.get("label", ""), kinds=("statistic",), k=120)
        if _indicator(h.record) == indicator and (h.record.get("group") or {}).get("dimension") == dim
    ]
    if rows:
        return _stat_list(rows)
    return Reply(
        f"Nos sources ne donnent pas ce chiffre selon {label}. Pour l'ensemble des répondants : {_stat_line(here)}",
        cite(here.record),
        [record_key(here)],
    )


def _group_name(group: Dict[str, Any]) -> str:
    dimension, value = group.get("dimension"), group.get("value")
    if dimension == "sector":
        return f"le secteur {vocabulary.label('sectors', value) or value}"
    if dimension == "size":
        return f"les entreprises de {(vocabulary.label('size_bands', value) or value).lower()}"
    if dimension == "it_resource":
        return f"les entreprises {'avec' if value == 'with' else 'sans'} personne-ressource TI à l'interne"
    return "ce groupe"


def other_group(text: str, context: str) -> Optional[Reply]:
    """ "pis dans le secteur loisirs ?" right after the share that sells online: the same figure for
    the group the follow-up names; when the report does not give it, said so, with the figure in
    context."""
    kind, _, record_id = context.partition(":")
    if kind != "statistic" or not _askable(text) or len(fold(text).split()) > SHORT_QUESTION + 4:
        return None
    group = survey_group(text)
    here = _figure_in_context(record_id) if group["dimension"] != "total" else None
    if here is None or here.record.get("group") == group:
        return None
    techs = vocabulary.find_all("technologies", text)
    if techs and here.record.get("technology") not in techs:
        return None  # "pis les médias sociaux dans le secteur loisirs ?": another figure
    rows = _same_figure(here.record, lambda g: g == group)
    if rows:
        return _stat_list(rows[:MAX_STATS])
    return Reply(
        f"Nos sources ne donnent pas ce chiffre pour {_group_name(group)}. Pour rappel : {_stat_line(here)}",
        cite(here.record),
        [record_key(here)],
    )


def same_section(text: str, context: str) -> Optional[Reply]:
    """ "et celles qui vendent pas, elles comptent s'y mettre ?" right after the share that sells
    online: the figure of the same part of the report that the follow-up asks."""
    kind, _, record_id = context.partition(":")
    if kind != "statistic" or not refers_back(text):
        return None
    here = _figure_in_context(record_id)
    if here is None:
        return None
    section = (here.record.get("source") or {}).get("section")
    rows = [
        h
        for h in retrieval.search(text, kinds=("statistic",), k=60)
        if (h.record.get("source") or {}).get("section") == section and h.record_id != record_id
    ]
    if not rows or rows[0].confidence < SAME_SECTION_CONFIDENT:
        return None
    # figures of one part of the report share their words: among those tied, the one whose label
    # says what the words cannot, a negation ("celles qui vendent pas") or an intention ("comptent s'y mettre")
    folded = fold(text)
    cues = [(_NEGATED, _NEGATED_LABEL), (_INTENDS, _INTENDS_LABEL)]
    tied = [h for h in rows if h.score >= rows[0].score * STAT_CLOSE]
    best = max(
        tied,
        key=lambda h: sum(
            bool(q.search(folded)) == bool(lab.search(fold(str(h.record.get("label") or "")))) for q, lab in cues
        ),
    )
    return render(best)


SAME_SECTION_CONFIDENT = 0.3
_NEGATED = re.compile(r"\b(?:ne|n)\s+\w+\s+pas\b|\b\w+(?:ent|ont)\s+pas\b|\bpas encore\b|\bnot\b|\bdon t\b")
_NEGATED_LABEL = re.compile(r"\bne \w+ pas\b|\bn ont pas\b|\baucun\w*\b")
_INTENDS = re.compile(r"\bcompt\w* (?:s y|le|la|les)?\s*\w+|\bintention\w*|\bprevo\w*|\bvont\b|\bplan(?:s|ning)? to\b")
_INTENDS_LABEL = re.compile(r"\bintention\b|\bprevoient\b")


def same_group(text: str, context: str) -> Optional[Reply]:
    """ "pis elles prévoient investir dans quoi ?" after a figure of the agri-food sector: the figures
    asked, for the group in context (`_kept_group`), when the question refers back and names no
    group itself; the one figure it names when it asks no "which"."""
    kind, _, record_id = context.partition(":")
    folded = fold(text)
    if kind != "statistic" or not _askable(text) or not refers_back(text):
        return None
    if _GROUP_WORDS.search(folded) or vocabulary.find_all("sectors", text):
        return None
    here = _figure_in_context(record_id)
    group = _kept_group(here.record) if here is not None else None
    if group is None:
        return None
    rows = [
        h
        for h in retrieval.search(text, kinds=("statistic",), k=120)
        if (h.record.get("group") or {}) == group and h.record_id != record_id
    ]
    if not rows or rows[0].confidence < CONFIDENT / 2:
        return None
    if not _WHICH_TOOLS.search(folded) and rows[0].confidence >= KEPT_GROUP_CONFIDENT:
        # "pis pour le plan numérique, elles sont à combien ?": the figure named, for that group
        # (and for the others of its split when compared: "plus que les autres ?")
        return _stat_list([rows[0]] + _compared_groups(rows[0], text))
    # the leading figures of that facet for the group, by share
    same = [
        h
        for h in retrieval.search(
            f"{text} {str(here.record.get('label') or '').partition(' — ')[2]}",
            kinds=("statistic",),
            facets=(rows[0].facet,),
            k=64,
        )
        if (h.record.get("group") or {}) == group and h.record_id != record_id
    ]
    return _stat_list(sorted(same, key=lambda h: -(h.record.get("value") or 0))[:MAX_STATS])


def context_follow_up(text: str, context: str) -> Optional[Reply]:
    """A question that names nothing and whose best hit is a facet of another record of the kind in
    context ("qu'est-ce qui a mal tourné ?" after La Mauve): about the record in context."""
    if not _askable(text) or _GENERAL_QUESTION.search(fold(text)):
        return None
    kind, _, record_id = context.partition(":")
    if kind == "statistic":
        reply = (
            group_breakdown(text, context)
            or other_group(text, context)
            or same_group(text, context)
            or same_section(text, context)
        )
        if reply is None and (refers_back(text) or is_short_question(text)):
            reply = figures_answer(text)  # "ok, et Facebook ?": another figure of the survey
        if reply is not None:
            return reply
    if len(fold(text).split()) <= SHORT_QUESTION and looks_like_question(text):
        # "combien d'employés ?", "c'est où déjà ?" right after a case: about that case
        reply = follow_up(text, context, None)
        if reply is not None:
            return reply
    hits = retrieval.search(text, k=6)
    top = hits[0] if hits else None
    if (
        top is None
        or top.kind != kind
        or kind == "volet"  # three distinct offers: "de la formation" after the volet 3 is the volet 1
        or top.record_id == record_id
        or top.facet in WHOLE_RECORD_FACETS
        or _names_in(top, fold(text))
    ):
        return None
    return follow_up(text, context, None, on_topic=True)


def announced_dates(volet_number: int) -> Tuple[str, List[Dict[str, Any]]]:
    """ "24 janvier et 25 février (l'année n'est pas précisée dans nos sources)": the filing dates
    announced for a volet, said with what the sources leave out, and their records; ("", []) when
    none is announced."""
    from knowledge import deadlines

    dates = deadlines.all_deadlines(volet=volet_number)
    if not dates:
        return "", []
    text = join_fr([d["date_text"] for d in dates])
    if any(not d["year_known"] for d in dates):
        text += " (l'année n'est pas précisée dans nos sources)"
    return text, dates


def volet_dates(record_id: str) -> Optional[Reply]:
    """The filing dates announced for a volet, with what the sources leave out (the year) and the
    state of its envelope; None for a volet without dates."""
    volet = next((v for v in lookup.volets() if v["id"] == record_id), None)
    said, dates = announced_dates(volet["number"]) if volet else ("", [])
    if not dates:
        return None
    text = f"Volet {volet['number']} ({volet['name']}) — dates de dépôt annoncées : {said}."
    if volet.get("status_note"):
        text += " " + volet["status_note"]
    return Reply(text, cite_many(dates + [volet]), [f"volet:{record_id}"])


def follow_up(text: str, context: str, kinds: Optional[Sequence[str]], on_topic: bool = False) -> Optional[Reply]:
    """A question about the record in context ("et ça leur a coûté combien ?"). `on_topic`: the
    text is known to ask about that record (a question completed by the one before it)."""
    kind, _, record_id = context.partition(":")
    if (kinds and kind not in kinds) or kind == "unknown":  # "what the sources do not say" has no facets
        return None
    if kind == "sector_figure":
        return sector_follow_up(text, record_id)
    if kind == "case":
        form = case_form_asked(text, record_id)  # "c'est une coop ?" right after a case
        if form is not None:
            return form
        lasted = case_duration(text, record_id)  # "en combien de temps ?" after its campaign
        if lasted is not None:
            return lasted
    if kind == "statistic":
        # "et elles prévoient investir dans quoi ?" after a figure of the firms of 20 employees and
        # more: the leading technologies of that group
        rec = _figure_in_context(record_id)
        group = (rec.record.get("group") or {}) if rec else {}
        named = retrieval.confident(retrieval.search(text, k=1))
        if named is not None and named.kind not in ("statistic", "sector_figure"):
            rec = None  # "et l'autoexamen, ça sert à quoi ?": about something else, named
        asked_group = survey_group(text)["dimension"]
        if rec and group.get("dimension") not in (None, "total") and asked_group == "total":
            label = str(rec.record.get("label") or "").partition(" — ")[2]
            reply = uses_by_group(f"{text} ({label})") if label else None
            if reply is not None:
                return reply
        # "pis celles de 20 employés et plus ?" after the leading technologies of the smallest firms
        # (the context is the first of that list): the leading technologies of the group named
        if (
            rec
            and rec.record.get("topic") in ("usage", "planned_investment")
            and asked_group != "total"
            and len(fold(text).split()) <= SHORT_QUESTION + 3  # "pis celles de 20 employés et plus ?"
        ):
            table = retrieval.documents(
                "statistic",
                lambda r: (
                    r.get("topic") == rec.record.get("topic") and r.get("group") == group and r.get("unit") == "percent"
                ),
            )
            if table and max(h.record.get("value") or 0 for h in table) == rec.record.get("value"):
                verb = "utilisent" if rec.record.get("topic") == "usage" else "prévoient investir dans"
                reply = uses_by_group(f"quelles technologies {verb} {text}")
                if reply is not None:
                    return reply
        # "pis dans le secteur loisirs ?": the same figure for that group
        reply = other_group(text, context)
        if reply is not None:
            return reply
        # "et celles-là, elles utilisent plus l'infonuagique que les autres ?" after the share of
        # firms with an IT resource: another figure of the group in context
        reply = same_group(text, context) if rec else None
        if reply is not None:
            return reply
        # a figure has no facets to ask about: "pis sur Facebook ?" after the share selling online
        # asks the figure it names, when it names one
        figures = retrieval.search(text, kinds=(kind,), k=20)
        if figures and figures[0].record_id != record_id and figures[0].confidence >= CONFIDENT:
            return _stat_reply(figures, text)
        return None
    if _names_another(text, kind, record_id):
        return None  # "et le volet 2 ?" after volet 1, "et l'OTN c'est quoi ?": about what it names
    if kind == "volet" and any(n != record_id[-1] for n in _bare_volet_numbers(text)):
        return None  # "pis le 3 ?" after the volet 2: the same question of another volet (elliptical)
    if kind == "volet" and OWN_TOPIC["action_deadlines"].search(fold(text)):
        dated = volet_dates(record_id)  # "pis on dépose ça quand ?" right after the volet 3
        if dated is not None:
            return dated
    first = retrieval.search(text, kinds=(kind,), k=20)
    if not first or (first[0].confidence < CONFIDENT / 2 and not on_topic):
        return None
    names = retrieval.names_of(kind, record_id)
    name = names[0] if names else None
    if not name:
        return None
    # the record's own facets, best first: the same facet of another record ("le plus dur" matches
    # every case's lessons) does not hide it
    own = [h for h in retrieval.search(text, kinds=(kind,), k=80) if h.record_id == record_id]
    if not own:
        own = [h for h in retrieval.search(f"{text} {name}", kinds=(kind,), k=40) if h.record_id == record_id]
    # a whole-record facet (the case's profile) is not what a follow-up asks, unless nothing else fits
    best = next((h for h in own if h.facet not in WHOLE_RECORD_FACETS), None)
    if best is not None and best.score >= own[0].score * FOLLOW_UP_FACET:
        # "pis c'est quand les dates de dépôt ?" after the volet 3: the dates answer it far better
        # than any facet of the volet; the topic's own action says them
        # ("qui les a accompagnés ?" says whom it asks about: the record in context's people, whatever
        # else matches; "quelle clientèle visaient-ils avec ça ?" may be about something else)
        # ("pis qui les a accompagnés là-dedans ?": the same, after a filler)
        bare = _LEADING_FILLER.sub("", fold(text))
        pointed = refers_back(text) and len(bare.split()) <= SHORT_QUESTION + 1 and bare.startswith("qui ")
        # "ça a donné quoi comme recommandations ?" after a case: its results say it in those words
        # "quel logiciel utilisent-ils ?" after La Remise: "ils" are the case, not the survey's firms
        pointed = pointed or (refers_back(text) and best.confidence >= POINTED_CONFIDENT)
        elsewhere = [] if on_topic or pointed else retrieval.search(text, k=1)
        if (
            elsewhere
            and elsewhere[0].kind != kind  # another case's lessons match "le plus dur" as well: not that
            and elsewhere[0].confidence >= CONFIDENT
            and elsewhere[0].score >= best.score * ELSEWHERE_LEAD
        ):
            return None
        reply = render(best)
        # "pis ils ont combien d'employés pis quel chiffre d'affaires": each clause's own facet
        for clause in _CLAUSES.split(text):
            if len(clause.split()) < 2:
                continue
            other = next(
                (
                    h
                    for h in retrieval.search(f"{clause} {name}", kinds=(kind,), k=40)
                    if h.record_id == record_id and h.facet not in WHOLE_RECORD_FACETS and h.text
                ),
                None,
            )
            if other is not None and other.facet != best.facet and other.text not in reply.text:
                reply.text += "\n" + upper_first(_facet_line(other))
        return reply
    if on_topic and kind == "case" and own and own[0].facet in WHOLE_RECORD_FACETS and _WHAT_IS.search(fold(text)):
        return render(own[0])  # "la mauve c'est où pis ils font quoi": what it is, asked second
    if (on_topic or refers_back(text)) and kind == "case" and own:
        # "combien de monde chez Défi Polyteck pis la compagnie est née de quoi": no facet but the
        # card fits; the sentence of the record that answers it does ("ça a augmenté de combien
        # déjà, leurs ventes ?" after the Librairies: their members' revenue, up more than 1000 %)
        passages = retrieval.best_passages(kind, own[0].record, text)
        if passages:
            return _sentences_reply(own[0], passages)
    return None


_LEADING_FILLER = re.compile(r"^(?:(?:pis|puis|et|ok|okay|ah|bon|mais)\W+)+")

_DURATION_ASKED = re.compile(
    r"\b(?:combien de temps|en combien de (?:temps|jours|semaines|mois)|ca a dure|duree|"
    r"pris combien de (?:temps|jours|semaines|mois))\b"
)
_DURATION = re.compile(r"\b\d+\s+(?:jours|semaines|mois|heures)\b")
_HOW_LONG_IT_TOOK = re.compile(
    r"\b(?:pris|mis|dure)\b.*\bcombien de (?:temps|jours|semaines|mois)\b|"
    r"\bcombien de (?:temps|jours|semaines|mois)\b.*\b(?:pris|mis|dure|avant)\b|\ben combien de (?:temps|mois)\b"
)


def case_duration(text: str, record_id: str) -> Optional[Reply]:
    """ "en combien de temps ?" right after a case: the sentences of its record that give a duration
    ("une campagne de 42 jours", "un essai de 2 semaines"); None when it asks none or has none."""
    if not _DURATION_ASKED.search(fold(text)):
        return None
    case, said = _durations(record_id)
    return _sentences_reply(case, said) if said else None


def _durations(record_id: str) -> Tuple[Optional[retrieval.Hit], List[str]]:
    """A case's hit and the (at most two) sentences of its record that give a duration."""
    case = _record_in_context("case", record_id)
    said = [p for p in retrieval.case_passages(case.record) if _DURATION.search(fold(p))] if case else []
    return case, said[:2]


def _sentences_reply(hit: retrieval.Hit, sentences: Sequence[str]) -> Reply:
    """Sentences of a case's record, under its title, with its source."""
    return Reply(f"{_title(hit)} — " + " ".join(sentences), cite(hit.record), [record_key(hit)])


def _kept_group(record: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The survey group a figure speaks of, for a follow-up about "elles": its own group, or for
    the share of firms with an in-house IT resource, those firms; None for the whole survey."""
    group = record.get("group") or {}
    if group.get("dimension") not in (None, "total"):
        return group
    if record.get("topic") == "it_resource":
        return {"dimension": "it_resource", "value": "with"}
    return None


KEPT_GROUP_CONFIDENT = 0.4

# How far a record outside the context must outscore the context's best facet to take the question.
ELSEWHERE_LEAD = 3.0


_ORDINAL = {"premier": "1", "1er": "1", "deuxieme": "2", "second": "2", "2e": "2", "troisieme": "3", "3e": "3"}
_VOLET_NUMBER = re.compile(r"\b([123])\b|\b(premier|1er|deuxieme|second|2e|troisieme|3e)\b")
_VOLET_IN_QUESTION = re.compile(r"\b(volet|le|du|au)\s*[123]\b")


def _bare_volet_numbers(text: str) -> List[str]:
    return [m.group(1) or _ORDINAL[m.group(2)] for m in _VOLET_NUMBER.finditer(fold(text))]


def elliptical(text: str, previous: str, context: str) -> Optional[Reply]:
    """A short follow-up that only makes sense with the question before it: "pis le 3 ?" after
    "ça donne combien, le volet 2 ?" asks the same of volet 3; "et chaque année ?" after "combien ça
    leur a coûté ?" asks the cost again of the same case. None when it does not read that way."""
    folded = fold(text)
    if not _askable(text) or not previous or len(folded.split()) > 7:
        return None
    kind = context.partition(":")[0]
    before = fold(previous)
    m = _VOLET_NUMBER.search(folded)
    if m and (kind == "volet" or "volet" in before):
        n = m.group(1) or _ORDINAL[m.group(2)]
        query = _VOLET_IN_QUESTION.sub(lambda x: f"{x.group(1)} {n}", before)
        if query == before:
            query = f"{before} volet {n}"
        hits = retrieval.search(query, kinds=("volet",), k=4)
        top = hits[0] if hits else None
        if top is not None and top.record_id.endswith(n) and top.facet not in WHOLE_RECORD_FACETS:
            return _record_reply(top, hits)
        return None
    return follow_up(f"{previous} {text}", context, None, on_topic=True)


# "est-ce que vous financez le logiciel lui-même ?", "la subvention peut tu servir à acheter des
# ordis", "on pourrait tu avoir de l'argent pour notre CRM": what the programme pays for.
_PAYS = re.compile(
    r"\b(?:financ\w*|pai\w*|pay\w*|couvr\w*|rembours\w*|subventionn\w*|acheter|achat\w*|argent pour|cover\w*)\b"
)
_BOUGHT = re.compile(
    # (not "les champs d'application" of the map of digital uses)
    r"\b(?:logiciels?|outils?|site web|sites web|ordis?|ordinateurs?|equipements?|materiel|licences?|(?<!champs d )(?<!champ d )applications?"
    r"|crm|erp|tablettes?|serveurs?|software|tools?|computers?|hardware|cyber\w*|progiciels?|plateformes?)\b"
)


# "par où on commence ?", "on commence par quoi", "c'est quoi la première étape": how to start.
_HOW_TO_START = re.compile(
    r"\bpar (?:ou|quoi) (?:on |je |nous |t on |faut il |faudrait il )?(?:commenc|debut|part)\w*|"
    r"\b(?:on |je |nous )?(?:commence|commencer|debute|debuter)\w* par (?:ou|quoi)\b|\bpremieres? etapes?\b"
)


def asks_how_to_start(text: str) -> bool:
    return bool(_HOW_TO_START.search(fold(text or "")))


# "on a fini l'autodiagnostic, pis après ça ?", "une fois le plan fait, on fait quoi ?": the step
# after one the visitor names. (cue of "after", then the words that name each step)
_AFTER = re.compile(
    r"\bapres (?:ca|cela|ce|quoi|l |le |la )|\bapres\W*$|\bensuite\b|\bprochaine etape\b|\bla suite\b|"
    r"\bon fait quoi\b|\bune fois\b|\b(?:fini|finie|finis|termine\w*|complete\w*)\b|"
    r"\b(?:a|ai|avons|ont|avez|deja) (?:deja )?fait\b"
)
_STEP_WORDS = (
    re.compile(r"\bwebinaires?\b"),
    re.compile(r"\b(?:l ?)?auto ?(?:examen|diagnostic|evaluation)\b|\bdiagnostic\b"),
    re.compile(r"\bplan (?:strategique|numerique)\b|\bplanification\b"),
)


def step_after(text: str) -> Optional[Reply]:
    """The programme's step after the one a question names as done (volet 1: the webinar, then the
    self-assessment; volet 2: the CDRQ, the self-assessment, the plan with an adviser), or what
    comes after the last one; None unless a step is named with a cue of "after"."""
    folded = fold(text or "")
    if not _askable(text) or not _AFTER.search(folded):
        return None
    named = [i for i, pattern in enumerate(_STEP_WORDS) if pattern.search(folded)]
    if not named:
        return None
    step = _STEP_WORDS[named[-1]]  # "l'autodiagnostic et le plan terminés": after the later one
    for volet_no in (1, 2):
        volet = lookup.volet(volet_no) or {}
        steps = list(volet.get("how_to_start") or [])
        at = next((i for i, s in enumerate(steps) if step.search(fold(s))), None)
        if at is None or (volet_no == 1 and at == len(steps) - 1):
            continue  # (the self-assessment ends volet 1's steps and is volet 2's own)
        if at + 1 < len(steps):
            rest = "\n".join(f"{i}. {s}" for i, s in enumerate(steps[at + 1 :], at + 2))
            return Reply(
                f"Après cette étape (volet {volet_no}, {volet['name'].lower()}) :\n{rest}",
                volet.get("citation") or cite(volet),
                [f"volet:{volet_no}"],
            )
        after = lookup.facts("next_step")
        if after:
            return Reply(
                f"C'est la dernière étape de l'accompagnement (volet {volet_no}). "
                + " ".join(f["text"] for f in after),
                cite_many(after),
                [f"fact:{f['id']}" for f in after],
            )
    return None


def asks_what_is_paid(text: str) -> bool:
    """A question whether the programme pays for a tool, not about what an organisation paid
    ("La Mauve a payé combien pour son logiciel ?": that case's cost)."""
    folded = fold(text)
    asks = looks_like_question(text) or re.search(r"\b(?:tu|t il|t elle|est ce|peut|peuvent|pourrait)\b", folded)
    if not (_PAYS.search(folded) and _BOUGHT.search(folded) and asks):
        return False
    return named_proper(text) is None and not _INVEST_VERB.search(folded)


def not_covered() -> List[Reply]:
    """What the programme does not pay for, who can say more, then what may open up afterwards
    (other funding, the MEI's among them): two turns, so each keeps its source."""
    limits = lookup.facts("not_covered")
    who = lookup.coordinator()
    referral = f" {upper_first(partner_ref(who))} peut vous le préciser." if who else ""
    replies = [Reply(" ".join(f["text"] for f in limits) + referral, cite_many(limits + ([who] if who else [])), [])]
    after = lookup.facts("next_step")
    if after:
        replies.append(Reply(" ".join(f["text"] for f in after), cite_many(after), []))
    return replies


# What a visitor says of themselves: "on est…", "nous sommes…", "notre coop…", "je travaille…".
_ABOUT_THE_VISITOR = re.compile(r"\b(?:on|nous|notre|nos|je|j|mon|ma|mes|moi|we|our|i)\b")


def question_of(text: str) -> str:
    """What retrieval reads of a message: its trailing question when statements about the visitor
    come before it ("On est une coop de 4. On commence par quoi ?"); the whole message when what
    comes before says what is asked about ("La Mauve, combien ça a coûté ?", "Dans le secteur de la
    santé, combien utilisent un ERP ?")."""
    question = trailing_question(text)
    if not question:
        return text
    before = fold(text[: text.rfind(question)])
    return question if _ABOUT_THE_VISITOR.search(before) and named_proper(before) is None else text


_SHARE_ASKED = re.compile(
    r"\b(?:proportion|pourcentage|pourcentages|quelle part|share|percentage|percent|how many|combien d entreprises"
    r"|combien de repondants)\b"
)


def any_answer(text: str, context: Optional[str] = None, loose: bool = True) -> Optional[Reply]:
    """For a message the NLU could not place: the best confident hit of any kind, or None.
    `loose`: also a hit covering FALLBACK_CONFIDENT of the question (better than "reformulez")."""
    if not _askable(text):
        return None
    if context:
        reply = context_follow_up(text, context)
        if reply is not None:
            return reply
    figures = sector_figures_asked(text)
    if figures:  # "combien d'emplois en économie sociale ?": every date of the indicator asked
        return Reply(
            "\n".join(f"• {figure_line(f)}" for f in figures),
            cite_many(figures),
            [f"sector_figure:{f['id']}" for f in figures],
        )
    if _SHARE_ASKED.search(fold(text)):
        # "What share of the surveyed enterprises are on Facebook?": a survey figure first
        reply = figures_answer(text)
        if reply is not None:
            return reply
    hits = retrieval.search(text, k=6)
    top = _best(hits, fold(text)) or (retrieval.confident(hits, FALLBACK_CONFIDENT) if loose else None)
    if top is None:
        return follow_up(text, context, None) if context else None
    if top.kind in ("statistic", "sector_figure"):
        return _stat_reply(hits, text)
    return render(top)


# "c'est quoi X ? et Y ?" / "2 questions : … ; …": one message, several questions.
_QUESTION_SPLIT = re.compile(
    r"\?+|\s(?:et|pis|aussi)\s+(?=(?:combien|quand|qui|quoi|quel|quelle|comment|est-ce|c'est)\b)"
    # "combien de monde travaille là pis la compagnie est née de quoi", "… pis leur budget TI":
    # in chat, "pis" then a subject or a possessive starts another question
    # (an article only when a question word follows: "la différence entre le volet 2 pis le volet 3"
    # is one question)
    r"|\spis\s+(?=(?:ya|y a|ils?|elles?|leurs?|son|sa|ses)\b)"
    r"|\spis\s+(?=(?:la|le|les)\s+\w+(?:\s+\w+){0,4}?\s+(?:quoi|combien|qui|quand|comment)\b)"
)


# "1) …", "2. …", "a) …": the number of a question, not a volet nor a figure
_ENUMERATION = re.compile(r"^(?:\d|[a-c])\s*[).]\s+", re.IGNORECASE)


def split_questions(text: str) -> List[str]:
    """The questions of one message, when it clearly holds more than one; else [text]."""
    body = re.sub(
        r"^\s*(?:\d|deux|trois|quatre|2 ou 3|quelques|des)\s*(?:petites? )?questions?\s*[:,-]?\s*",
        "",
        text,
        flags=re.IGNORECASE,
    )
    parts = [
        re.sub(r"^(?:et|pis|aussi)\s+", "", _ENUMERATION.sub("", p.strip(" ,;:.-")), flags=re.IGNORECASE)
        for p in _QUESTION_SPLIT.split(body)
    ]
    parts = [p for p in parts if len(p.split()) >= 2]
    return parts if len(parts) >= 2 else [text]


def answers_for_parts(parts: Sequence[str], context: Optional[str] = None) -> Optional[List[Reply]]:
    """One answer per question of a multi-question message, when every part finds its own."""
    out: List[Reply] = []
    volet = None
    for part in parts:
        # "1) une fédération peut-elle déposer au volet 3 ? 2) c'est quoi le montant max ?": the
        # volet one part names is the one the next parts are about, when they name none
        named = re.search(r"\bvolet\s*([123])\b", fold(part))
        if named:
            volet = named.group(1)
        elif volet and not re.search(r"\bvolets?\b", fold(part)) and len(fold(part).split()) <= SHORT_QUESTION + 2:
            # (a short part only: "combien d'entreprises ont contacté les partenaires" is a question
            # of its own)
            part = f"{part} (volet {volet})"
        # "… L'itinéraire et quand a-t-elle été lancée ?": "elle" is what the part before named;
        # "la mauve c'est où ? combien d'employés ?": a short part that names nothing, likewise
        short = len(fold(part).split()) <= SHORT_QUESTION + 1 and named_proper(part) is None
        reply = None
        if out and short and retrieval.said_in(part, out[-1].text):
            continue  # "qui a lancé ce programme ? c'est le gouv ?": the launch answer names the government
        if out and out[-1].records and (refers_back(part) or short):
            here = out[-1].records[0]
            reply = follow_up(part, here, None, on_topic=True) or any_answer(part, here)
            if reply is not None and not refers_back(part) and any(reply.text == o.text for o in out):
                reply = None  # "ça change tout le temps" is not about the record just answered again
        if reply is None and not (out and refers_back(part)):
            reply = any_answer(part, context)
        if reply is None:
            return None
        if any(reply.text == o.text for o in out):  # two ways of asking one thing: said once
            continue
        out.append(reply)
    return out if len(out) >= 2 else None


# "leur", "ils", "cette coop"…: the question is about something said before.
_BACK = re.compile(
    r"\b(leur|leurs|ils|elles|eux|yont|ya-t-il|qui les|les a|celle-ci|celui-ci|cette (entreprise|coop|cooperative|organisation|"
    r"organisme)|cet organisme|la-bas|chez eux|son|sa|ses|t elle|"  # "quand a-t-elle été lancée ?"
    r"ca (?:a|leur a|vous a) (?:donne|rapporte|apporte|change|coute))\b"  # "ça a donné quoi ?"
)


_QUESTION = re.compile(
    r"\?|^(combien|quoi|quel|quelle|quels|quelles|comment|pourquoi|qui|quand|est-ce|c'est quoi)\b|\b(combien|quoi|pourquoi)\b|"
    r"\bca (?:marche|fonctionne|se passe) comment\b|"  # "le sociofinancement ça marche comment pour une coop"
    # Québec's "tu" that makes a question ("on peut tu redistribuer nos surplus"), "peut-on", "a-t-elle"
    r"\b(?:peut|peux|peuvent|doit|doivent|faut|a|ont|yont|ya|est|sont|va|vont|fait|font|coute|coutent|marche|existe|"
    r"pose|posent|rentre|rentrent|entre|entrent|compte|comptent|sert|servent|donne|donnent|offre|offrent|veut|veulent|"
    r"reste|restent|couvre|couvrent|paie|paye|vise|visent|aide|aident|serait|seraient|pourrait|faudrait|"
    r"utilise|utilisent|lutilise|lutilisent|vend|vendent|investit|investissent) (?:tu|ti)\b|"
    # "elle dessert quels coins ?": the question word inside the sentence
    r"\b(?:quel|quelle|quels|quelles)\b|\bpar ou (?:on |je |nous |commenc)|"
    # "on parle à qui pour déposer un projet ?", "on s'adresse à qui ?"
    r"\b(?:parle|parler|adresse|adresser|appelle|appeler|ecrit|ecrire|contacte|contacter|demande|demander|va|aller) a qui\b|"
    r"\b\w+ t (?:il|elle|on|ils|elles)\b|\b(?:peut|doit|peuvent|doivent) (?:on|il|elle|ils|elles)\b|"
    # "les biens qui restent vont où", typed without its accent: "ou" after a verb of place
    r"\b(?:va|vont|irait|iraient|vas|allaient|est|sont|se trouve|se trouvent) ou\b(?! \w+ (?:est|sont|va|vont)\b)"
)


def is_short_question(text: str) -> bool:
    """A question of a few words, which may lean on the one before ("c'est gratuit ?")."""
    return _askable(text) and len(fold(text).split()) <= SHORT_QUESTION + 1 and looks_like_question(text)


def looks_like_question(text: str) -> bool:
    return "?" in (text or "") or bool(_QUESTION.search(fold(text or "")))


# "qui était le directeur interrogé, déjà ?": a question about what was said, asked again
_AGAIN = re.compile(r"\bdeja\W*$")


def refers_back(text: str) -> bool:
    """'combien ça leur a coûté ?', 'et les résultats ?', 'c'était qui, déjà ?': about what was just said."""
    folded = fold(text)
    return bool(_BACK.search(folded) or _AGAIN.search(folded)) or folded.lstrip().startswith(("et ", "pis "))


def context_name(context: Optional[str]) -> str:
    """The name of the record in context ("case:case_08_la_mauve" → "Coopérative La Mauve"), or ""."""
    if not context:
        return ""
    kind, _, record_id = context.partition(":")
    names = retrieval.names_of(kind, record_id)
    return names[0] if names else ""


def context_of(slots: Dict[str, Any]) -> Optional[str]:
    value = slots.get(LAST_RECORD_SLOT)
    return value if isinstance(value, str) and ":" in value else None


# --------------------------------------------------------------------------- what was asked vs said

# What kind of value a question asks for, and how to see it in an answer. A question that asks for a
# number, a year or an address and gets an answer without one is told plainly that the sources do not
# give it: the nearby facts alone would let the visitor believe they are the answer.
_ASKS = (
    (
        "phone",
        re.compile(r"\b(?:numeros?|no|num) (?:de )?(?:tel\w*|phone)\b|\btelephone\b|\bphone\b|\bappeler\b|\bcall\b"),
        re.compile(r"\(?\b\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b|\b1 ?800\b"),
        "de numéro de téléphone",
    ),
    (
        "share",
        re.compile(r"\btaux\b|\bpourcentage\b|\bproportion\b|\bquel % |\bquelle part\b"),
        re.compile(r"%|\bpour ?cent\b|\b(?:moitie|tiers|quart)\b"),
        "ce pourcentage",
    ),
    (
        # "le volet 3, en moyenne les projets ont eu combien chaque ?": a range is not an average
        "average",
        re.compile(r"\ben moyenne\b|\b(?:la|une) moyenne\b|\b(?:montant|cout|budget|nombre) moyen\b"),
        re.compile(r"\bmoyen(?:ne)?\b"),
        "de moyenne",
    ),
    (
        "number",
        re.compile(
            r"\bcombien\b|\bquel(?:le)?s? (?:est (?:le|la) )?(?:nombre|montant|taux|pourcentage|proportion|budget|cout)\b|"
            r"\bnombre (?:maximal|minimal|maximum|minimum|exact)\b|\btaux d"
        ),
        re.compile(r"\d|\b(?:dizaine|douzaine|vingtaine|centaine|moitie|tiers|quart)\b"),
        "ce chiffre",
    ),
    (
        "year",
        re.compile(r"\b(?:en |de )?quelle annee\b|\bdepuis quand\b|\ben quel an\b|\bc etait quand\b"),
        re.compile(r"\b(?:19|20)\d\d\b"),
        "l'année",
    ),
    (
        "address",
        re.compile(r"(?<!\bs )\badresses?\b"),  # not "le programme s'adresse-t-il aux mutuelles ?"
        re.compile(r"\d+,? (?:rue|boul|boulevard|avenue|av\.|chemin|rang|route|place)\b|[a-z]\d[a-z] ?\d[a-z]\d"),
        "d'adresse",
    ),
)
# Already said: "nos sources ne précisent pas", "sans en donner le montant"…
_ADMITTED = re.compile(
    r"\b(?:ne|n)(?: \w+)? (?:precis|dis|dit|donn|mentionn|indiqu|fourni|publi|chiffr|detaill)\w*(?: \w+)? pas\b|"
    r"\bsans (?:en |le |la )?(?:donner|preciser|indiquer|chiffrer)\b|\bsources ne\b|\baucun(?:e)? (?:date|chiffre|montant)\b"
)


# Numbers that are names, not values: "volet 2", "cas 7", "chapitre 3", "PME 2.0", "n = 403".
_NOT_VALUES = re.compile(
    r"\b(?:volets?|cas|chapitre|annexe|clé|étape|PME) \d(?:\.\d)?(?:(?:,| et) \d)*|\bn = \d+|\b\d\.\s", re.IGNORECASE
)


# "combien de camelots", "combien d'employés": the thing counted (its first letters, a stem)
_STAFF_WORDS = ("emplo", "salar", "trava", "perso", "prepo", "monde")
_COUNTED_THING = re.compile(r"\bcombien (?:de |d )(?:personnes? |gens )?([a-z]{4,})")
_NOT_A_YEAR = (
    r"(?:\b(?!(?:19|20)\d\d\b)\d[\d ,.]*|\b(?:dizaine|douzaine|vingtaine|centaine|millier|moitie|tiers|quart)s?"
    r"(?: de| d)?)"
)


def _count_of_another_thing(question: str, folded_said: str, said: str) -> bool:
    """Whether `question` counts something ("L'itinéraire a combien de camelots ?") that no number
    of the answer counts, whatever other numbers it holds ("fondée en 1988", "15 000 lecteurs").
    `said` is the answer as written (its "label : value" lines), `folded_said` as admission reads it."""
    m = _COUNTED_THING.search(fold(question))
    if m is None:
        return False
    thing = m.group(1)[:5]
    if thing.endswith("s"):  # "coops" is counted as "coopératives"
        thing = thing[:-1]
    # staff is counted in several words ("260 personnes", "175 employés", "26 préposés")
    thing = "(?:" + "|".join(_STAFF_WORDS) + ")" if thing in _STAFF_WORDS else re.escape(thing)
    before = re.search(_NOT_A_YEAR + r"\s*(?:\$ )?(?:[a-z]+ ){0,3}?" + thing, folded_said)
    # a figure's label then its value: "Nombre de coopératives … : environ 3 300"
    labelled = re.search(
        r"\b" + thing + r"[^\n:.;]{0,100}: (?:environ |plus de |pres de )?(?!(?:19|20)\d\d\b)\d",
        fold_keep_punctuation(said),
    )
    return before is None and labelled is None


def _gives_value(shown: str, kind: str) -> bool:
    """`shown` holds a value of the kind asked (asked_value: a year, a number, a phone…)."""
    return any(shows.search(fold(shown or "")) for k, _, shows, _ in _ASKS if k == kind)


def asked_value(question: str) -> Optional[str]:
    """ "phone" | "share" | "average" | "number" | "year" | "address" when the question asks for one,
    else None."""
    folded = fold(question or "")
    return next((kind for kind, asks, _, _ in _ASKS if asks.search(folded)), None)


# Terms an eligibility verdict already explains by itself (the legal forms, the definition).
_VERDICT_TERMS = {"social_economy_enterprise", "collective_enterprise", "cooperative", "mutual", "obnl", "volet"}


def term_named(question: str) -> Optional[Reply]:
    """The definition of a glossary term the question names (its name or an alias, whole), not one
    of the eligibility words ("économie sociale"…); None otherwise."""
    if not _askable(question):
        return None
    folded = fold(question)
    return next(
        (
            render(h)
            for h in retrieval.search(question, kinds=("term",), k=6)
            if h.facet == "definition" and h.record_id not in _VERDICT_TERMS and _names_in(h, folded)
        ),
        None,
    )


def term_named_in_full(question: str, said: str) -> Optional[Reply]:
    """A glossary term of two words or more that `question` names in full and `said` does not name
    ("entreprise sociale", "association sectorielle"): its definition; None otherwise."""
    if not _askable(question):
        return None
    folded, folded_said = fold(question), fold(said)
    best = None
    for h in retrieval.search(question, kinds=("term",), k=8):
        if h.record_id in _VERDICT_TERMS or h.facet != "definition":
            continue
        full = [n for n in h.names if sum(len(w) >= 3 for w in _name_words(n)) >= 2 and contains_phrase(folded, n)]
        if full and not any(contains_phrase(folded_said, n) for n in full):
            best = h
            break
    return render(best) if best is not None else None


def admission(question: str, said: str) -> Optional[str]:
    """The sentence to add when `said` (everything answered to `question`) lacks the value the
    question asks for and does not already admit it: "Nos sources ne donnent pas ce chiffre…"."""
    if not _askable(question) or not said:
        return None
    kind = asked_value(question)
    if kind is None:
        return None
    folded = fold(
        _NOT_VALUES.sub(" ", "\n".join(line for line in said.splitlines() if not line.startswith("Source :")))
    )
    if _ADMITTED.search(folded):
        return None
    _, _, shows, what = next(a for a in _ASKS if a[0] == kind)
    if shows.search(folded) and not (kind == "number" and _count_of_another_thing(question, folded, said)):
        return None
    if kind in ("address", "phone"):
        return f"Nos sources ne donnent pas {what}.{_referral()}"
    return f"Nos sources ne donnent pas {what} : ce qui précède est ce qu'elles disent de plus proche.{_referral()}"
