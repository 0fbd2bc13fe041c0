"""knowledge.text, the one text-folding module: each variant pinned on the same inputs.

The expected values are what the copies it replaced returned (knowledge.text.fold,
prescreen.readers.fold, actions.contact_form._fold, bench.nlu.normalise), so the call sites
read text exactly as before.
"""

from __future__ import annotations

import pytest

from knowledge.text import fold, fold_for_contact, fold_keep_punctuation, fold_words, strip_accents

INPUTS = (
    "Éligibilité, ÇA?",
    "L’OBNL d'Œuvre",
    "Cœur  de   métier",
    "Coop 😀 !",
    "20 % ou 5$",
    "jean.Côté@Coop.ca, +1 418-555-0199",
    "",
    "ﬁn\tÀ",
)

EXPECTED = {
    fold: (
        "eligibilite ca",
        "l obnl d oeuvre",
        "coeur de metier",
        "coop",
        "20 % ou 5$",
        "jean cote coop ca 1 418 555 0199",
        "",
        "fin a",
    ),
    fold_keep_punctuation: (
        "eligibilite, ca?",
        "l'obnl d'œuvre",
        "cœur  de   metier",
        "coop 😀 !",
        "20 % ou 5$",
        "jean.cote@coop.ca, +1 418-555-0199",
        "",
        "fin\ta",
    ),
    fold_for_contact: (
        "eligibilite ca",
        "l obnl d œuvre",
        "cœur de metier",
        "coop",
        "20 ou 5",
        "jean.cote@coop.ca +1 418-555-0199",
        "",
        "fin a",
    ),
    fold_words: (
        "eligibilite ca",
        "l obnl d œuvre",
        "cœur de metier",
        "coop",
        "20 ou 5",
        "jean cote coop ca 1 418 555 0199",
        "",
        "fin a",
    ),
}


@pytest.mark.parametrize("variant", list(EXPECTED), ids=lambda f: f.__name__)
def test_each_variant_on_accents_apostrophes_emoji_case(variant):
    assert tuple(variant(text) for text in INPUTS) == EXPECTED[variant]


def test_strip_accents_keeps_case_punctuation_and_oe():
    assert strip_accents("Éligibilité, Œuvre ’") == "Eligibilite, Œuvre ’"


def test_missing_text_folds_to_empty():
    assert fold(None) == fold_keep_punctuation(None) == fold_for_contact(None) == ""
    assert fold(12) == "12"


def test_a_phrase_matches_with_its_elided_article_glued_on():
    from knowledge.text import phrase_pattern

    assert phrase_pattern("habitation").search("les coops dhabitation")
    assert phrase_pattern("association").search("notre lassociation")
    assert phrase_pattern("habitation").search("coop d habitation")
    # short phrases and consonants are left alone: "lart" is not "art", "dsante" is not "sante"
    assert not phrase_pattern("art").search("lart")
    assert not phrase_pattern("sante").search("dsante")
    assert not phrase_pattern("habitation").search("cohabitation")


def test_the_trailing_question_of_statements_then_a_question():
    from knowledge.text import trailing_question

    assert (
        trailing_question("on est une petite coop de 4 personnes. on commence par quoi ?") == "on commence par quoi ?"
    )
    assert trailing_question("On est une OBNL\ncombien ca coute") == "combien ca coute"
    assert trailing_question("Nous sommes une mutuelle. Peut-on participer ?") == "Peut-on participer ?"
    for text in (
        "c'est quoi le volet 2 ?",  # one sentence
        "on est une coop. on a 12 employes",  # no question
        "c quoi le volet 2? et le 3?",  # two questions: split_questions' work
        "",
    ):
        assert trailing_question(text) == "", text


def test_a_question_after_a_comma_is_the_trailing_question_only_when_it_opens_on_a_question_word():
    from knowledge.text import trailing_question

    assert trailing_question("on connait rien au numerique, par ou on commence") == "par ou on commence"
    assert trailing_question("on est une coop, c'est quoi le volet 2") == "c'est quoi le volet 2"
    for text in ("oui, comme je disais on fait des repas", "non merci, ca va", "bonjour, j'ai une question"):
        assert trailing_question(text) == "", text


def test_no_trailing_question_when_the_head_asks_too():
    from knowledge.text import trailing_question

    text = "2 questions : est-ce qu'une federation peut deposer au volet 3, et c'est quoi les prochaines dates?"
    assert trailing_question(text) == ""


def test_a_last_sentence_with_a_question_word_inside_is_the_trailing_question():
    from knowledge.text import trailing_question

    text = "on est 3 employes. les petites orgs comme nous utilisent quoi surtout comme outils"
    assert trailing_question(text) == "les petites orgs comme nous utilisent quoi surtout comme outils"
