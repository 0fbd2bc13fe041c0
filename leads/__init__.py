"""Leads: contact requests saved with the person's explicit consent (Québec's Law 25).

Only this package writes personal data. It shares the database of the knowledge base
(``DATABASE_URL``, default SQLite file ``var/virage.sqlite3``) but owns its own tables
(``leads_*``). Rasa's SQL tracker store (``rasa_server.tracker_store``) writes ``events`` in the
same database, so :func:`leads.store.forget` can delete a person's conversations too.
"""

from leads.consent import CONSENT_TEXT, CONSENT_VERSION, RETENTION_DAYS  # noqa: F401
