"""The advisors' workspace: a web application (Starlette, port 8090 on 127.0.0.1) over the
same database as the bot, the leads and the tracker store.

    python -m workspace serve [--port 8090]                 (started by `make run`)
    python -m workspace advisor-add --email X --role conseiller|administrateur
    python -m workspace import [--in CHEMIN | --from-tracker]   (the page's import, as a worker)

Lead cards come from the pre-screening (prescreen/: the bot's own reading of a conversation,
verdicts, quotes, next step); this package stores them with what advisors add (status,
assignment, notes) in its own ``ws_*`` tables, and never shows contact details without a
recorded consent (the cards are masked by prescreen; the conversations are masked here).
"""
