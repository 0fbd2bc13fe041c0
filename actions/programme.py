"""What the programme is, who funds and runs it, its volets, what it does not pay for, how to start."""

from __future__ import annotations

import re
from typing import Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import answers
from actions.kb import KnowledgeAction, first_entity, latest_text, say
from common.formatting import button, join_fr, lower_first
from common.slots import LAST_RECORD_SLOT
from knowledge import lookup
from knowledge.documents import cite_many
from knowledge.text import fold, phrase_pattern

SCREEN_BUTTON = button("Vérifier mon admissibilité", "/start_screening")
VOLETS_BUTTON = button("Les 3 volets", "/ask_volets")


_VOLET_WORDS = {"1": 1, "un": 1, "premier": 1, "2": 2, "deux": 2, "deuxieme": 2, "3": 3, "trois": 3, "troisieme": 3}


_VOLET_MENTION = re.compile(
    r"\bvolets?\s*(?:no\s*|numero\s*)?(1|2|3|un|deux|trois)\b|\b(1|2|3|premier|deuxieme|troisieme)(?:e|er)?\s+volet"
)


def volet_numbers(tracker: Tracker) -> list[int]:
    """Every volet a message names, in order ("la différence entre le volet 2 pis le volet 3"), by
    its number or by what visitors call it ("le volet accompagnement", "le volet d'aide financière":
    the aliases of the volet records that say "volet")."""
    folded = fold(latest_text(tracker))
    found = [(m.start(), _VOLET_WORDS[m.group(1) or m.group(2)]) for m in _VOLET_MENTION.finditer(folded)]
    for v in lookup.volets():
        for alias in v.get("aliases") or []:
            alias = fold(alias)
            m = phrase_pattern(alias).search(folded) if alias.startswith("volet ") else None
            if m:
                found.append((m.start(), v["number"]))
    return list(dict.fromkeys(n for _, n in sorted(found)))


_ALL_VOLETS = re.compile(r"\b(?:les|ses|vos|des|aux|the) (?:3|trois|three) (?:volets|components|streams)\b")


def volet_number(tracker: Tracker) -> int | None:
    """The volet a message is about: the `volet` entity, else "volet 2" / "2e volet" in the text;
    none for "les 3 volets", "les trois volets" (all of them, counted)."""
    if _ALL_VOLETS.search(fold(latest_text(tracker))):
        return None
    raw = fold(first_entity(tracker, "volet") or "")
    for word in raw.split():
        if word in _VOLET_WORDS:
            return _VOLET_WORDS[word]
    found = volet_numbers(tracker)
    return found[0] if found else None


_VOLETS_NAMED = re.compile(r"\bvolets?\b")


class ActionProgramme(KnowledgeAction):
    def name(self) -> Text:
        return "action_programme"

    def answer(self, dispatcher, tracker, domain):
        if _VOLETS_NAMED.search(fold(latest_text(tracker))):
            # "salut c'est quoi les volets du programme de transfo numérique": the volets asked
            return ActionVolets().answer(dispatcher, tracker, domain)
        p = lookup.programme()
        say(
            dispatcher,
            f"Le {p['name']} aide les entreprises collectives (coopératives, mutuelles et OBNL d'économie "
            f"sociale) à prendre le virage numérique : {join_fr(p['offers'])}. Il compte trois volets.",
            p["citation"],
            [VOLETS_BUTTON, SCREEN_BUTTON],
        )
        return []


class ActionFunder(KnowledgeAction):
    def name(self) -> Text:
        return "action_funder"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        if answers.funds_something_else(text):
            # "le rapport du CEFRIO, c'est qui qui l'a payé ?": the CEFRIO's glossary entry says its
            # principal financial partner; the programme's funder is not the answer
            term = lookup.define("cefrio")
            if term:
                say(dispatcher, f"{term['term']} : {term['definition']}", term["citation"])
                return []
        p = lookup.programme()
        say(
            dispatcher,
            f"Le programme est financé par le {p['funder']}, par l'entremise de l'{p['funder_channel']}.",
            cite_many(lookup.facts("funder")),
        )
        return []


def _full_name(partner) -> str:
    acronym = partner.get("acronym")
    return f"{partner['name']} ({acronym})" if acronym and acronym != partner["name"] else partner["name"]


class ActionPartners(KnowledgeAction):
    def name(self) -> Text:
        return "action_partners"

    def answer(self, dispatcher, tracker, domain):
        asked = lookup.partner(latest_text(tracker))
        if asked and (asked.get("programme_role") or asked.get("description")):
            # Who it is (whom it represents, with its figures), then what it does in the programme.
            name = f"{asked['name']} ({asked['acronym']})" if asked.get("acronym") else asked["name"]
            role = asked.get("programme_role")
            lines = [f"{name} : {asked['description']}" if asked.get("description") else f"{name} :"]
            if role:
                lines.append(role if role.startswith("Aucun") else f"Dans le programme : {lower_first(role)}")
            say(dispatcher, "\n".join(lines), asked["citation"])
            return [SlotSet(LAST_RECORD_SLOT, f"partner:{asked['id']}")]
        p = lookup.programme()
        partners = lookup.partners(p["partners"])
        # each by its full name (the acronym after it): "Chantier" alone names nothing to a newcomer
        roles = [f"• {_full_name(x)} : {lower_first(x['programme_role'])}" for x in partners if x.get("programme_role")]
        say(dispatcher, "Le programme est porté par un partenariat :\n" + "\n".join(roles), cite_many(partners))
        return []


def _volet_card(number: int, detailed: bool = False) -> str:
    """What a volet offers, for whom, who coordinates it (as the records name it), and its status;
    `detailed` (one volet asked): also each of its offers (the webinars' topics, what volet 3's
    projects may be about)."""
    v = lookup.volet(number)
    text = f"Volet {number} — {v['name']} : {v['summary']}"
    if detailed and v.get("offers"):
        text += f" Ce qu'il comprend : {' ; '.join(v['offers'])}."
    text += f" Pour qui : {lower_first(v['audience'])}"
    who = lookup.coordinator(number)
    if who:
        acronym = who.get("acronym")
        named = f"{who['name']} ({acronym})" if acronym and not who["name"].startswith(acronym) else who["name"]
        text += f" Coordonné par : {named}."
    if v.get("status_note"):
        text += f" À noter : {v['status_note']}"
    return text


def _volet_by_tool(text: str) -> int | None:
    """The one volet whose tool a question about the volets names ("de quoi parlent les webinaires
    ?": volet 1's), by the tool's head word as its record names it (words of 8 letters or more:
    "webinaires", "autoexamen"); None when no volet's, or several volets', tools are named."""
    folded = fold(text)
    found = set()
    for v in lookup.volets():
        for tool in v.get("tools") or []:
            words = fold(tool).split()
            head = words[0].rstrip("s") if words else ""
            if len(head) >= 8 and re.search(rf"\b{re.escape(head)}", folded):
                found.add(v["number"])
    return found.pop() if len(found) == 1 else None


class ActionVolets(KnowledgeAction):
    def name(self) -> Text:
        return "action_volets"

    def answer(self, dispatcher, tracker, domain):
        numbers = volet_numbers(tracker)
        if len(numbers) >= 2:  # a comparison: each volet's card, side by side
            for n in numbers:
                say(dispatcher, _volet_card(n), lookup.volet(n)["citation"])
            dispatcher.utter_message(text="Lequel vous intéresse ?", buttons=[SCREEN_BUTTON])
            return []
        number = volet_number(tracker) or _volet_by_tool(latest_text(tracker))
        if number:
            v = lookup.volet(number)
            say(
                dispatcher,
                _volet_card(number, detailed=True),
                v["citation"],
                [button("Comment commencer ?", "/ask_how_to_start"), SCREEN_BUTTON],
            )
            return [SlotSet(LAST_RECORD_SLOT, f"volet:{v['id']}")]
        vs = lookup.volets()
        lines = [f"{v['number']}. {v['name']} — {v['summary']}" for v in vs]
        say(
            dispatcher,
            "Le programme a trois volets :\n" + "\n".join(lines),
            cite_many(vs),
            [button(f"Volet {v['number']}", f'/ask_volets{{"volet":"{v["number"]}"}}') for v in vs],
        )
        return []


class ActionNotCovered(KnowledgeAction):
    def name(self) -> Text:
        return "action_not_covered"

    def answer(self, dispatcher, tracker, domain):
        for reply in answers.not_covered():
            say(dispatcher, reply.text, reply.source)
        return []


class ActionHowToStart(KnowledgeAction):
    def name(self) -> Text:
        return "action_how_to_start"

    def answer(self, dispatcher, tracker, domain):
        number = volet_number(tracker) or 2
        v = lookup.volet(number)
        steps = "\n".join(f"{i}. {s}" for i, s in enumerate(v["how_to_start"], 1))
        say(
            dispatcher,
            f"Pour commencer (volet {number}, {lower_first(v['name'])}) :\n{steps}",
            v["citation"],
            [SCREEN_BUTTON, button("Parler à un conseiller", "/request_human")],
        )
        return []


class ActionUptake(KnowledgeAction):
    def name(self) -> Text:
        return "action_uptake"

    def answer(self, dispatcher, tracker, domain):
        facts = lookup.facts("uptake")
        say(dispatcher, " ".join(f["text"] for f in facts), cite_many(facts))
        return []
