"""Glossary: "c'est quoi un CRM ?"."""

from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions import answers
from actions.kb import KnowledgeAction, emit, first_entity, latest_text, say
from common.formatting import button
from common.slots import LAST_RECORD_SLOT
from knowledge import lookup


class ActionDefine(KnowledgeAction):
    def name(self) -> Text:
        return "action_define"

    def answer(self, dispatcher, tracker, domain):
        asked = first_entity(tracker, "term")
        term = (lookup.define(asked) if asked else None) or lookup.define(latest_text(tracker))
        if not term:
            # "la règle de dissolution ça veut dire quoi ?": a criterion's words, not a glossary term;
            # or another record the question names
            text = latest_text(tracker)
            reply = answers.criterion_answer(text) or answers.any_answer(text, loose=False)
            if reply is not None:
                return emit(dispatcher, [reply])
            dispatcher.utter_message(
                text=(
                    "Je ne trouve pas ce terme dans mon glossaire. Essayez un mot comme CRM, ERP, infonuagique, "
                    "sociofinancement, OBNL ou autoexamen."
                )
            )
            return []
        say(
            dispatcher,
            f"{term['term']} : {term['definition']}",
            term["citation"],
            [button("Des exemples ?", "/ask_cases")] if term.get("related") else None,
        )
        return [SlotSet(LAST_RECORD_SLOT, f"term:{term['id']}")] if term.get("id") else []  # "c'est gratuit ?" next
