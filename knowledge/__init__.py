"""Virage knowledge base: the programme as sourced, dated data, and the engines that read it.

Nothing here knows about Rasa. Use it from the action server, the pre-screening CLI,
a notebook or a test alike:

    from knowledge import db, eligibility
    with db.session_scope() as session:
        result = eligibility.evaluate({"legal_form": "cooperative"}, session=session)
"""
