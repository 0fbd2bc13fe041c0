"""One-line eligibility questions ("une mutuelle c'est admissible ?", "on est un syndicat…",
"et si on devenait une coop ?").

The answer is about the point asked: the criteria the facts named in the question decide (a
legal form, an excluded category, being a network…), for the volet asked about if one is named —
not a "possible" for each volet. The verdicts rest on the legal definition of a social-economy
enterprise (as the 2017 CEFRIO report gives it) and on what the programme says of each volet;
the answer says so, and that an adviser confirms. A hypothesis is answered for the user's own
answers with the hypothetical facts in place, which are not recorded (actions/screening.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk.events import SlotSet

from actions import answers
from actions.kb import KnowledgeAction, emit, entity_values, latest_text, say
from actions.screening import (
    ADVISER_CONFIRMS,
    CRITERIA_BASIS,
    START_BUTTON,
    Facts,
    answer_hypothesis,
    asks_about_us,
    named_identity,
    preliminary_answer,
)
from common.formatting import button, join_fr, lower_first, upper_first
from common.profile import extract_profile, is_hypothetical, profile_from_slots, read_answer
from common.slots import SCREENING_HYPOTHESIS_SLOT
from knowledge import eligibility, lookup, retrieval, vocabulary
from knowledge.documents import cite_many
from knowledge.eligibility import CriterionResult, CriterionStatus, Verdict, VoletVerdict
from knowledge.text import fold

SCREEN = button("Vérifier ma situation", "/start_screening")
# What an eligibility question says one way or another ("admissible", "a-t-on droit", "le volet 3",
# "une aide", "fait partie de l'économie sociale", "on peut tu avoir"…). A question that says none of
# it, of at least OFF_TOPIC_MIN_WORDS words, with a confident answer elsewhere, is answered there.
_ELIGIBILITY_WORDS = re.compile(
    r"admissib|eligib|\bdroit|\bacces|qualifi|particip|programme|\bvolets?\b|\baides?\b|subvention|(?<!socio)financ|"
    r"accompagn|exclu|criteres?|economie sociale|collectiv|fait partie|font partie|compte comme|comptent|considere|"
    r"reconnu|definition|depos|demande|inscri|soutien|appui|benefici|offert|\bvise|\bpasse\b|correct|\bok\b|"
    # ("ça marche tu pour nous ?", not "le sociofinancement, ça marche comment pour une coop ?")
    r"marche(?! comment)|"
    r"pour nous|(?:peut|peux|pourrait|pourrions) (?:tu |on |t on |ti )?(?:avoir|etre|recevoir|obtenir|y aller)|"
    r"\bsi (?:on|nous|je)\b"
)
OFF_TOPIC_MIN_WORDS = 7
OFF_TOPIC_CONFIDENT = 0.6
# Criteria named in "il reste à vérifier …" after a favourable answer: enough to show there is more.
MORE_SHOWN = 3


@lru_cache(maxsize=256)
def _example_pattern(folded_example: str) -> "re.Pattern[str]":
    """An example as visitors type it: plural or not, the elided article glued on or not."""
    words = [re.escape(w) + r"(?:s|x)?" for w in folded_example.split()]
    return re.compile(r"(?<!\w)" + r"\s*".join(words) + r"(?!\w)")


def social_economy_example(text: str) -> Optional[Tuple[str, Dict[str, Any]]]:
    """The example of a social-economy enterprise the question names ("un CPE c'est tu de l'économie
    sociale ?"), with the knowledge-base fact that lists them; None if it names none."""
    folded = fold(text)
    for fact in lookup.facts("social_economy_examples"):
        for example in fact.get("examples") or []:
            if _example_pattern(fold(example)).search(folded):
                return example, fact
    return None


def _example_line(text: str) -> Optional[Tuple[str, str]]:
    found = social_economy_example(text)
    if found is None:
        return None
    example, fact = found
    return (
        f"« {upper_first(example)} » fait partie des exemples d'entreprises d'économie sociale. {fact['text']}",
        fact["citation"],
    )


def collective_forms() -> List[str]:
    """The legal forms of a collective enterprise (vocabulary ids), as the legal-form criterion
    of knowledge/sources/eligibility.yml lists them."""
    return [f for c in eligibility.criteria_for("legal_form") for f in (c.get("test") or {}).get("in") or []]


def _subject(profile) -> str:
    """What the question is about: an excluded category, a network ("les fédérations de coops"),
    a legal form."""
    if profile.get("org_category") and profile["org_category"] != "none":
        return vocabulary.label("excluded_categories", profile["org_category"])
    if profile.get("is_network"):
        return "Un réseau (fédération ou association sectorielle)"
    if profile.get("legal_form"):
        return vocabulary.label("legal_forms", profile["legal_form"])
    return ""


def _volets(volets: List[VoletVerdict]) -> str:
    numbers = [str(v.volet) for v in volets]
    return f"le{'s' if len(numbers) > 1 else ''} volet{'s' if len(numbers) > 1 else ''} {join_fr(numbers)}"


def _unique(criteria) -> List[CriterionResult]:
    seen: Dict[str, CriterionResult] = {}
    for c in criteria:
        seen.setdefault(c.id, c)
    return list(seen.values())


def _asked_volets(tracker) -> List[int]:
    return sorted({int(v) for v in entity_values(tracker, "volet") if v.strip().isdigit() and 1 <= int(v) <= 3})


class ActionEligibilityAnswer(KnowledgeAction):
    def name(self) -> Text:
        return "action_eligibility_answer"

    @staticmethod
    def _not_about_eligibility(text: str):
        """A question the NLU read as eligibility because it names a legal form ("des coops d'un même
        secteur ont-elles avantage à se regrouper ?", "par quelles étapes une coop doit-elle passer
        avec la CDRQ ?") but that asks nothing of eligibility: the knowledge base's confident answer
        to it, else None (the eligibility answer)."""
        folded = fold(text)
        if (
            len(folded.split()) < OFF_TOPIC_MIN_WORDS
            or not answers.looks_like_question(text)
            or _ELIGIBILITY_WORDS.search(folded)
        ):
            return None
        reply = answers.rule_asked(text)
        if reply is not None:
            return reply
        hits = retrieval.search(answers.question_of(text), k=6)
        top = retrieval.confident(hits, OFF_TOPIC_CONFIDENT)
        if top is None or top.kind in ("criterion", "unknown") or top.facet == "eligibility":
            return None
        if top.kind in answers.PROPER_KINDS and answers.named_proper(text) is None:
            # a case's lessons for "les coops d'habitation sont-elles dans le numérique ?"; but "le
            # sociofinancement, ça marche comment pour une coop ?" names a term: its definition
            return answers.term_named(text)
        return answers.any_answer(text)

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        off_topic = self._not_about_eligibility(text)
        if off_topic is not None:
            return emit(dispatcher, [off_topic], text)
        if is_hypothetical(text):
            facts = extract_profile(tracker.latest_message)
            if facts:
                answer_hypothesis(dispatcher, tracker, facts)
                return [SlotSet(SCREENING_HYPOTHESIS_SLOT, facts)]
        profile = extract_profile(tracker.latest_message)
        about_us = asks_about_us(text)
        forms = [f for f in vocabulary.find_all("legal_forms", text) if f in collective_forms()]
        if len(forms) > 1 and not about_us:
            # "c'est tu juste pour les coops ou ben les OBNL peuvent embarquer aussi ?": who the programme
            # is for, not the first form's verdict
            self._general(dispatcher, eligibility.evaluate({}), {})
            return []
        # "notre communauté religieuse gère une friperie…": the category named in words the NLU did
        # not tag counts beside what it tagged (the sector)
        named = {k: v for k, v in named_identity(text).items() if k not in profile}
        example = _example_line(text)
        if about_us and example is not None:
            # "on est un CPE, ça compte tu comme économie sociale ?": the report names CPEs among its
            # examples; then the verdict on what they said
            say(dispatcher, *example)
        if about_us and named:
            # "on est une PME inc., on a droit au programme ?": the form named, untagged by the NLU
            return preliminary_answer(dispatcher, tracker, Facts(tracker, None), named)
        if not about_us and not {"legal_form", "org_category"} & set(profile):
            # "une compagnie privée qui paye des dividendes, ça passe tu ?": the kind of organisation
            # asked about, named in words the NLU did not tag
            profile.update(named)
        if about_us and (profile or profile_from_slots(tracker.current_slot_values())):
            # "on est une coop d'habitation, on peut tu être admissible ?": about their own organisation,
            # with what they said so far — not about one criterion
            return preliminary_answer(dispatcher, tracker, Facts(tracker, None))
        if not profile:
            # "que deviennent les biens en cas de dissolution ?": the criterion asked, as the rule
            rule = answers.criterion_answer(text)
            if rule is not None:
                return emit(dispatcher, [rule])
        if example is not None and not about_us:
            # "un CPE c'est tu de l'économie sociale ?": the report names it among its examples; then
            # what the criteria say
            say(dispatcher, *example)
        if "is_network" not in profile:
            # "une coop seule peut-elle demander le volet 3 ?": the point asked is being a network
            network = read_answer(text, "is_network")
            if network is not None:
                profile["is_network"] = network
        result = eligibility.evaluate(profile)
        asked = _asked_volets(tracker)
        scope = [v for v in result.volets if not asked or v.volet in asked]
        decided = _unique(
            c for v in scope for c in v.criteria if c.status in (CriterionStatus.PASS, CriterionStatus.FAIL)
        )
        if not decided:
            self._general(dispatcher, result, profile)
            return []
        subject = _subject(result.profile) or _subject(profile) or "Votre organisation"
        refused = [v for v in scope if v.status == Verdict.NOT_ELIGIBLE]
        open_ = [v for v in scope if v.status != Verdict.NOT_ELIGIBLE]
        failing = _unique(c for v in refused for c in v.decisive)
        passing = [c for c in decided if c.status == CriterionStatus.PASS]
        if refused and not open_:
            where = f" pour {_volets(refused)}" if asked else ""
            # every criterion that rules it out, up to two ("organisme public" and "sous le contrôle
            # d'une municipalité" are two reasons)
            why = " ".join([lower_first(failing[0].explanation)] + [c.explanation for c in failing[1:2]])
            say(
                dispatcher,
                f"{subject} : non admissible{where or ' au programme'}. {CRITERIA_BASIS} : {why} {ADVISER_CONFIRMS}",
                " ; ".join(dict.fromkeys(c.source for c in failing[:2] if c.source)) or None,
                [button("Qui contacter ?", "/ask_contact")],
            )
            return []
        if refused:
            why = " ".join(c.explanation for c in failing)
            text = (
                f"{subject} : oui pour {_volets(open_)}, non pour {_volets(refused)}. {CRITERIA_BASIS} : "
                f"{lower_first(why)}"
            )
            sources = [c.source for c in failing + passing]
        else:
            where = f" pour {_volets(scope)}" if asked else ""
            text = f"{subject} : oui{where}, sur ce point. {CRITERIA_BASIS} : " + lower_first(
                " ".join(c.explanation for c in passing)
            )
            sources = [c.source for c in passing]
        missing = _unique(c for v in open_ for c in v.missing)
        if missing:
            shown = ", ".join(lower_first(c.label) for c in missing[:MORE_SHOWN])
            text += (
                f" Il reste à vérifier d'autres critères pour votre organisation ({shown}"
                f"{'…' if len(missing) > MORE_SHOWN else ''}) : je peux le faire en quelques questions."
            )
        say(dispatcher, f"{text} {ADVISER_CONFIRMS}", " ; ".join(list(dict.fromkeys(sources))[:3]), [SCREEN])
        return _likely_own(tracker, profile)

    @staticmethod
    def _general(dispatcher, result, profile) -> None:
        """Nothing the question names decides anything ("qui est admissible ?", "les CPE ?"): the
        audience and the criteria, as the knowledge base states them, and the offer to check."""
        programme, network_volet = lookup.programme(), lookup.volet(3)
        criteria = list(result.volet(2).criteria)
        tested = {c.field for v in result.volets for c in v.criteria}
        lead = ""
        if profile.get("sector") and "sector" not in tested:
            lead = (
                "Le secteur d'activité ne fait pas partie des critères : tous les secteurs peuvent être admissibles. "
            )
        say(
            dispatcher,
            f"{lead}{programme['audience']} {CRITERIA_BASIS} : {join_fr(lower_first(c.label) for c in criteria)}. "
            f"Le volet 3 vise {lower_first(network_volet['audience'])} "
            "Je peux vérifier votre cas en quelques questions.",
            cite_many([programme, network_volet]),
            [START_BUTTON],
        )


# Facts of a general question that are most likely the visitor's own ("les coopératives funéraires,
# ça entre dans l'économie sociale ?" then "bon, la nôtre alors : est-ce qu'on est admissibles ?"):
# kept when nothing else is known of them, so the screening says them back ("Je note déjà :
# coopérative") instead of asking again; a visitor who asked for someone else corrects it there.
LIKELY_OWN_FIELDS = ("legal_form", "sector")


def _likely_own(tracker, profile: Dict[str, Any]) -> List[Dict[str, Any]]:
    slots = tracker.current_slot_values()
    return [
        SlotSet(field, profile[field])
        for field in LIKELY_OWN_FIELDS
        if profile.get(field) is not None and slots.get(field) is None
    ]
