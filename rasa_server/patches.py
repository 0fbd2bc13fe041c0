"""Every place Virage departs from Rasa 3.6's own behaviour, and why. Read this first.

Patched in place (this module, installed by `rasa_server/nlu/__init__.py` whenever Rasa loads
or trains the model, never in the action server):

1. `RemoteAction._validate_action_result` re-checked Rasa's large events schema against the
   JSON-Schema meta-schema on every custom action (jsonschema 4.17): about 110 ms per action
   here (cProfile of 120 turns of `bench/messages.py`: 13.4 s of 22.7 s inside
   `check_schema`), more than NLU and the action together. `apply()` below compiles the
   validator once and validates each reply against it, with Rasa's own error message.

9. `MessageProcessor.parse_message` — at the contact form's e-mail and phone questions the
   answer is read as data first, intents second: an address containing « annule »
   (« annule.roy@coop.ca ») was classified `stop` and the rule "stop during the contact
   form" cancelled the form. When the form asks for the e-mail (or the phone) and the message
   holds one valid address (or number), the intent becomes `inform` (the model's reading
   stays in `intent_ranking`); anything else keeps the model's intent. The same holds for the
   screening form: when it asks a question and the message answers it without asking one back
   (« oui, ça irait à une autre coop ou à la fédération » to the dissolution question, read
   `ask_eligibility`; « on voudrait un site pour prendre les commandes » to the project question,
   read `ask_advice`), the intent becomes `inform`, and the interruption rule of the other
   intent does not pause the form over an answer. And a question starting with a question word
   (« Qui pourrait nous accompagner dans notre planification ? ») is not a request to start the
   screening: read `start_screening` by the model, it takes the model's next reading instead
   (the screening is started only when asked, issue 19).

10. `FailSafeTrackerStore` (the wrapper Rasa puts around every tracker store) answers a failing
   `retrieve` with "no conversation" and a failing `save` by saving in process memory: while
   the database is down (a PostgreSQL restart in the cluster, tests/cluster/), the visitor got
   answers from a conversation started from nothing (the screening answers forgotten), and those
   turns, acknowledged, never reached the database; behind a load balancer the next message,
   on another server, saw none of them. `apply()` makes it log and raise instead: the channel's
   guard answers with the French apology, and the conversation resumes from the database once
   it is back.

11. `MessageProcessor.parse_message` — a message of statements ending on a question (« On est
   une petite coop de 4 personnes. On commence par quoi ? ») was read as a whole: the model
   could not place it, or took it for a statement (`inform`), and the question went unanswered;
   likewise a greeting with a question (« Bonjour! on connaît rien au numérique, par où on
   commence », read `greet`). For those readings, the last sentence (what follows the greeting)
   is parsed alone; a confident question intent from it, or the fallback when the model cannot
   place it either, becomes the message's intent. The retrieval of the actions reads that
   question (actions/kb.py); the entities of the whole message stay, so what the visitor said
   about themselves is still recorded.

Replaced by subclasses, loaded by class path from credentials.yml / endpoints.yml / config.yml:

2. `rasa_server/channels.py` — Rasa's socket.io channel passes `cors_allowed_origins=[]`,
   which python-engineio reads as "check no Origin": any website could talk to the bot with
   its visitors' browsers. The subclass sets the partner allow-list and removes Engine.IO's
   duplicate CORS headers (Sanic-CORS already sends them; browsers reject two).
3. `rasa_server/channels.py` — Rasa calls `sio.enter_room()` without `await`; with
   python-socketio 5 the socket never joins its room and, with `session_persistence`, every
   reply is lost. The subclass awaits it.
4. `rasa_server/rest_channel.py`, `rasa_server/guard.py` — both channels wrap message handling
   so every turn gets a French answer (empty or oversized text, failing or silent processing).
5. `rasa_server/tracker_store.py` — `SQLTrackerStore` wants dialect/host/db apart; ours takes
   one URL (`DATABASE_URL`) and masks personal data before events are stored (Law 25).
6. `rasa_server/nlu/spacy_nlp.py` — `SpacyNLP` loaded `fr_core_news_md` twice and ran pipes
   nothing reads.
7. `rasa_server/nlu/fallback.py` — `FallbackClassifier` with a higher bar for the intents whose
   action erases something.
8. `rasa_server/memory.py` — glibc keeps the heap freed while loading the model; it is given
   back once the server has started.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, Text

_APPLIED = False


@lru_cache(maxsize=1)
def action_result_validator() -> Any:
    """A validator for the action server's reply format, its schema checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        f"the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


CONTACT_FORM = "contact_form"
DATA_INTENT = "inform"


def read_contact_answer_as_data(parse_data: Dict[Text, Any], tracker: Any) -> Dict[Text, Any]:
    """The fix 9 above: `parse_data` with intent `inform` when the contact form asks for the
    e-mail or phone and the message holds one."""
    from common.contact import extract_email, extract_phone
    from common.slots import CONTACT_EMAIL_SLOT, CONTACT_PHONE_SLOT, REQUESTED_SLOT

    if tracker is None or tracker.active_loop_name != CONTACT_FORM:
        return parse_data
    requested = tracker.get_slot(REQUESTED_SLOT)
    text = parse_data.get("text") or ""
    reader = {CONTACT_EMAIL_SLOT: extract_email, CONTACT_PHONE_SLOT: extract_phone}.get(requested)
    if reader is None or not reader(text).value:
        return parse_data
    intent = parse_data.get("intent") or {}
    if intent.get("name") == DATA_INTENT:
        return parse_data
    return {**parse_data, "intent": {"name": DATA_INTENT, "confidence": 1.0}}


SCREENING_FORM = "screening_form"
# A message that asks something back is a side question, even when it also holds an answer.
_ASKS_BACK = re.compile(
    r"^(?:c est quoi|qu est ce|quel|quelle|quels|quelles|comment|pourquoi|combien|quand|qui|est ce)\b"
)


def _asks_back(text: str) -> bool:
    from knowledge.text import fold

    return "?" in text or bool(_ASKS_BACK.search(fold(text)))


def read_screening_answer_as_data(parse_data: Dict[Text, Any], tracker: Any) -> Dict[Text, Any]:
    """The fix 9 above, for the screening form: `inform` when the message answers the question
    asked and asks none back."""
    from common.profile import read_answer
    from common.slots import REQUESTED_SLOT

    if tracker is None or tracker.active_loop_name != SCREENING_FORM:
        return parse_data
    requested = tracker.get_slot(REQUESTED_SLOT)
    text = parse_data.get("text") or ""
    intent = (parse_data.get("intent") or {}).get("name")
    if not requested or not text or text.startswith("/") or intent in (DATA_INTENT, "affirm", "deny"):
        return parse_data
    if intent in ("stop", "skip_question", "restart_conversation", "request_data_deletion") or _asks_back(text):
        return parse_data
    try:
        value = read_answer(text, requested)
    except Exception:  # the knowledge base names the options; without it the model's reading stands
        return parse_data
    if value is None:
        return parse_data
    return {**parse_data, "intent": {"name": DATA_INTENT, "confidence": 1.0}}


_WH_QUESTION = re.compile(
    r"^(?:(?:et|pis|ok|bon|alors|mais)\s+)*(?:qui|quoi|quand|combien|ou|comment|pourquoi|quel|quelle|quels|"
    r"quelles|c est quoi|qu est ce|par ou|par quoi)\b|"
    # "le numérique peut tu nous aider pour nos AG ?": what digital tools do, not the programme for us
    r"^(?:le numerique|la techno\w*|les outils?|les technos?|le web|internet) (?:peut|peuvent|pourrait|pourraient)\b"
)
_ASKS_SCREENING = re.compile(r"admissib|eligib|qualifi|verifi|\bdroit\b|questionnaire")
# "et si on modifie nos règlements ?": a hypothesis, not a request to start the screening
_HYPOTHESIS = re.compile(r"^(?:(?:et|pis|ok|bon|alors|mais)\s+)*si\b")


def demote_start_screening(parse_data: Dict[Text, Any]) -> Dict[Text, Any]:
    """The fix 9 above, last part: `start_screening` for a question-word question that does not ask
    to check eligibility, or for a hypothesis ("et si on modifie nos règlements ?"), becomes the
    model's next question intent (or nlu_fallback)."""
    from knowledge.text import fold

    intent = (parse_data.get("intent") or {}).get("name")
    text = parse_data.get("text") or ""
    if intent != "start_screening" or not text or text.startswith("/"):
        return parse_data
    folded = fold(text)
    asks_something_else = _WH_QUESTION.search(folded) and not _ASKS_SCREENING.search(folded)
    if not (asks_something_else or _HYPOTHESIS.search(folded)):
        return parse_data
    for row in parse_data.get("intent_ranking") or []:
        name = row.get("name")
        if name and name.startswith("ask_") and float(row.get("confidence") or 0) >= 0.02:
            return {**parse_data, "intent": {"name": name, "confidence": row.get("confidence")}}
    return {**parse_data, "intent": {"name": "nlu_fallback", "confidence": 1.0}}


# Intents a message of statements then a question may get from the model as a whole: it could not
# place it (nlu_fallback), or the statements weighed most (inform); or the greeting did (greet).
_RE_READ = ("nlu_fallback", "inform")
QUESTION_CONFIDENT = 0.6
GREETING_REST_WORDS = 3


def question_to_re_read(parse_data: Dict[Text, Any]) -> str:
    """The fix 11 above: the trailing question of a message the model read as a statement or could
    not place ("On est une petite coop de 4 personnes. On commence par quoi ?"), or what follows a
    greeting ("Bonjour! on connaît rien au numérique, par où on commence"); else ""."""
    from knowledge.text import after_greeting, trailing_question

    intent = (parse_data.get("intent") or {}).get("name")
    text = parse_data.get("text") or ""
    if not text or text.startswith("/"):
        return ""
    if intent == "greet":
        rest = after_greeting(text)
        if rest == text.strip() or len(rest.split()) < GREETING_REST_WORDS:
            return ""
        return trailing_question(rest) or rest
    return trailing_question(text) if intent in _RE_READ else ""


def read_trailing_question(parse_data: Dict[Text, Any], question: Dict[Text, Any]) -> Dict[Text, Any]:
    """The question's own reading when it is a confident question intent, or when the model cannot
    place the question either (the fallback's retrieval then reads it; not after a greeting: the
    greeting's action reads what follows it); the whole message's text and entities (what the
    visitor said about themselves) are kept."""
    intent = question.get("intent") or {}
    name = intent.get("name") or ""
    confident = name.startswith("ask_") and float(intent.get("confidence") or 0) >= QUESTION_CONFIDENT
    greeted = (parse_data.get("intent") or {}).get("name") == "greet"
    if not (confident or (name == "nlu_fallback" and not greeted)):
        return parse_data
    return {**parse_data, "intent": intent, "intent_ranking": question.get("intent_ranking") or []}


def apply() -> None:
    """Installs the fixes once per process."""
    global _APPLIED
    if _APPLIED:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import UserMessage
    from rasa.core.processor import MessageProcessor

    RemoteAction._validate_action_result = _validate_action_result
    original_parse = MessageProcessor.parse_message

    async def parse_message(self, message, tracker=None, only_output_properties=True):
        parse_data = await original_parse(self, message, tracker, only_output_properties)
        question = question_to_re_read(parse_data)
        if question:
            asked = UserMessage(question, sender_id=message.sender_id, input_channel=message.input_channel)
            parse_data = read_trailing_question(
                parse_data, await original_parse(self, asked, tracker, only_output_properties)
            )
        parse_data = demote_start_screening(parse_data)
        return read_screening_answer_as_data(read_contact_answer_as_data(parse_data, tracker), tracker)

    MessageProcessor.parse_message = parse_message
    _tracker_store_errors_raise()
    _APPLIED = True


def _tracker_store_errors_raise() -> None:
    """The fix 10 above."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    async def retrieve(self, sender_id):
        try:
            return await self._tracker_store.retrieve(sender_id)
        except Exception as e:
            self.on_tracker_store_retrieve_error(e)
            raise

    async def retrieve_full_tracker(self, sender_id):
        try:
            return await self._tracker_store.retrieve_full_tracker(sender_id)
        except Exception as e:
            self.on_tracker_store_retrieve_error(e)
            raise

    async def save(self, tracker):
        try:
            await self._tracker_store.save(tracker)
        except Exception as e:
            self.on_tracker_store_error(e)
            raise

    FailSafeTrackerStore.retrieve = retrieve
    FailSafeTrackerStore.retrieve_full_tracker = retrieve_full_tracker
    FailSafeTrackerStore.save = save
