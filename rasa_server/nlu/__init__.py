"""Custom Rasa NLU components of the Virage pipeline (see config.yml).

Rasa imports this package whenever it loads or trains the model (the Rasa server, `rasa shell`,
`rasa test`, the benchmark), never in the action server: the place to install
`rasa_server.patches`, a fix to Rasa's own handling of action server replies.
"""
from rasa_server import patches as rasa_fixes

rasa_fixes.apply()
