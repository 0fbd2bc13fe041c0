"""Custom Rasa NLU components of the Virage pipeline (see config.yml).

Rasa imports this package whenever it loads or trains the model (the Rasa server, `rasa shell`,
`rasa test`, the benchmark), never in the action server: the place to install
`rasa_server.patches`, the fixes to Rasa itself (that module lists every departure from Rasa 3.6).
"""

from rasa_server import patches

patches.apply()
