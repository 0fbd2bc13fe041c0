"""The conversation's slot names, each declared once for the Python side.

domain/*.yml declares the slots for Rasa; Python code (action server, Rasa server plugins, the
advisors' pre-screening reading trackers) imports their names from here instead of typing them.
tests/common/test_slots.py checks that every name here is a slot of domain/ and that every slot
of domain/ is here or is a profile field.

The answers to the screening questions are not listed here: there is one slot per field of
knowledge/sources/eligibility.yml's questions, named after the field (common.profile.PROFILE_SLOTS,
derived from that file).
"""

from __future__ import annotations

# -- Rasa's own ------------------------------------------------------------------------------
# The slot an active form is asking for: set by Rasa's form loop and by the validate_* actions
# (next_requested_slot), emptied when a form is cancelled. Built in: not declared in domain/.
REQUESTED_SLOT = "requested_slot"

# -- organisation profile (domain/core.yml) --------------------------------------------------------
# What a message says about the organisation beside the screening answers (never asked by the
# form): region, sector (vocabulary ids), head-count, digital needs (list of vocabulary ids).
# Filled from any message by validate_screening_form (common.profile.extract_profile).
CONTEXT_SLOTS = ("region", "sector", "employees", "needs")

# -- screening (domain/core.yml) -------------------------------------------------------------------
# Fields the user chose to skip ("passer"), so they are not asked again (list; validate_screening_form).
SCREENING_SKIPPED_SLOT = "screening_skipped"
# JSON summary of the latest screening result (action_screening_result); saved with a lead.
SCREENING_RESULT_SLOT = "screening_result"
# The question whose answer could not be read this turn (validate_screening_form said so itself).
SCREENING_UNREAD_SLOT = "screening_unread"
# {field: number of answers to that question that could not be read} (validate_screening_form):
# at the third, the way out (skip the question, or stop) is offered.
SCREENING_FAILURES_SLOT = "screening_failures"
# The facts of the latest hypothesis asked about ("et si on devenait une coop ?" → {"legal_form":
# "cooperative"}): answered, never merged into the answers (actions/screening.py).
SCREENING_HYPOTHESIS_SLOT = "screening_hypothesis"

# -- consent and contact details (domain/leads.yml) ------------------------------------------------
# True / False once the person answered the Law 25 notice (mapped from affirm/deny in contact_form,
# checked by validate_contact_form); the tracker store masks personal data unless it is True.
CONSENT_SLOT = "consent"
# ISO time the person said yes (validate_contact_form); stored with the lead's consent record.
CONSENT_GIVEN_AT_SLOT = "consent_given_at"
# The contact details asked by contact_form (from_text, cleaned by validate_contact_form).
CONTACT_NAME_SLOT = "contact_name"
CONTACT_ORG_SLOT = "contact_org"
CONTACT_EMAIL_SLOT = "contact_email"  # normalised address, or SKIPPED
CONTACT_PHONE_SLOT = "contact_phone"  # "514-555-1234", or SKIPPED
# Personal data: masked in logs (common.logging_privacy) and in the tracker store without consent.
CONTACT_SLOTS = (CONTACT_NAME_SLOT, CONTACT_ORG_SLOT, CONTACT_EMAIL_SLOT, CONTACT_PHONE_SLOT)
# Consecutive invalid answers to the current contact question (validate_contact_form, reset on success).
CONTACT_FAILURES_SLOT = "contact_failures"
# "V-XXXXXX", the reference of the lead saved for this conversation (action_submit_lead).
LEAD_REFERENCE_SLOT = "lead_reference"

# -- privacy markers read by the tracker store (domain/leads.yml) ---------------------------------
# Set (ISO time) by action_refuse_consent when the contact form is cancelled: the tracker store
# re-masks the conversation's stored events.
PRIVACY_SCRUB_SLOT = "privacy_scrub"
# Set (ISO time) by action_forget_me ("supprimer mes données"): the tracker store drops every
# stored event up to it.
DATA_DELETION_SLOT = "data_deletion_at"

# -- short-term context (domain/answers.yml) --------------------------------------------------------
# "kind:record_id" of the record the bot last answered about ("case:case_07_groupe_taq"), set by the
# answering actions; a follow-up that names no record ("combien ça leur a coûté ?") is about it.
LAST_RECORD_SLOT = "last_record"

# -- slot values -----------------------------------------------------------------------------------
# The value of CONTACT_EMAIL_SLOT / CONTACT_PHONE_SLOT when the person skips the question
# (domain/leads.yml's utter_ask_contact_phone tests it too).
SKIPPED = "aucun"
