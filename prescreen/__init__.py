"""Pre-screening: ranked, explained lead cards for the programme's advisors.

    python -m prescreen --in FICHIER_OU_DOSSIER --out DOSSIER   (make prescreen IN=… OUT=…)
    python -m prescreen --out DOSSIER                           (the tracker store)

Pipeline (see README.md in this folder):
  readers   — tracker store, Rasa tracker JSON exports, chat transcripts, e-mails, call notes,
              free prose → conversations (garbage → a clear French message, the batch goes on)
  nlu       — the trained Rasa model (NLU part only), batched, each unique sentence parsed once
  cards     — profile fields via the bot's own reading (common.profile.extract_profile), each
              with its quote; eligibility per volet, unknowns, next step and deadline from the
              knowledge base (knowledge_glue is the one file touching it); contact details
              only with a recorded consent
  priority  — the documented score (below)
  writers   — leads.json, leads.csv (UTF-8 with BOM, « ; »), leads.html (escaped), by priority

Priority (prescreen/priority.py):
    priorité = round(100 × E × (0,30 + 0,25·C + 0,15·B + 0,15·U + 0,15·J))
E admissibilité (1 eligible volet / 0.6 to confirm / 0 none), C complétude (share of legal
form, network, sector, region, size, needs known), B besoin (a need identified), U urgence
(nearest filing date of an open volet: ≤30 d 1, ≤90 d 0.5, later or year unknown 0.25, none 0),
J joignabilité (consented contact 1, asked to be contacted 0.5, else 0).
"""
