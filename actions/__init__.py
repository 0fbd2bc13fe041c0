"""Virage custom actions (rasa-sdk). Thin: read slots and entities, call knowledge/, format French.

rasa-sdk imports every submodule of this package and registers each Action subclass.
"""
