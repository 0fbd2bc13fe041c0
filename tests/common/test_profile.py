"""common/profile.py reads answers the way people type them: no accents, Québec French, extra
words, a button's label typed out, negations, corrections and hypotheses."""

from __future__ import annotations

import pytest

from common import profile
from common.profile import (
    BOOLEAN_FIELDS,
    FACT_PHRASES,
    describe,
    describe_profile,
    extract_profile,
    is_correction,
    is_hypothetical,
    is_negated,
    join_facts,
    option_typed,
    read_answer,
    yes_no,
)

# (message, the question's field, the answer read)
ANSWERS = [
    # a button's label, typed, with or without accents, wrapped in a few words
    ("Mutuelle", "legal_form", "mutual"),
    ("Coopérative", "legal_form", "cooperative"),
    ("cooperative", "legal_form", "cooperative"),
    ("OBNL", "legal_form", "nonprofit"),
    ("osbl", "legal_form", "nonprofit"),
    ("Autre", "legal_form", "other"),
    ("on est une coop", "legal_form", "cooperative"),
    ("cooperatve", "legal_form", "cooperative"),  # a typo
    ("Entreprise privée", "legal_form", "business"),
    ("on est une petite coop, pas une fédération", "legal_form", "cooperative"),
    ("pas une coop, un OBNL", "legal_form", "nonprofit"),  # the negation ends at the comma
    ("Non, aucune de ces catégories", "org_category", "none"),
    ("Non, aucun de ceux-là", "org_category", "none"),
    ("non pantoute", "org_category", "none"),
    ("on est pas un syndicat", "org_category", "none"),
    ("Ordre professionnel", "org_category", "professional_order"),
    ("on est pas une eglise, on est un syndicat", "org_category", "union"),
    # yes/no with extra words, leading or alone
    ("oui comme je disais, des repas", "market_activities", True),
    ("ouais", "based_in_quebec", True),
    ("ben oui", "structuring_project", True),
    ("yes", "dissolution_rule", True),
    ("comme je disais, oui", "democratic_governance", True),
    ("pas vraiment", "structuring_project", False),
    ("non, on est autonomes", "public_control", False),
    ("Non, elle est autonome", "public_control", False),
    ("Non, une seule entreprise", "is_network", False),
    ("Oui, un réseau", "is_network", True),
    # the words that state the fact, negation included
    ("Un membre un vote, CA élu", "democratic_governance", True),
    ("on fait une AGA chaque annee pis les membres elisent le CA", "democratic_governance", True),
    ("pas d'AGA, c'est le proprio qui decide", "democratic_governance", False),
    ("on fait des ristournes", "surplus_limited", True),
    ("pas de ristourne chez nous, tout est reinvesti", "surplus_limited", True),
    ("non on distribue aucun surplus a nos membres", "surplus_limited", True),
    ("on verse des dividendes aux actionnaires", "surplus_limited", False),
    ("on est autonomes", "public_control", False),
    ("oui on est autonome", "public_control", False),  # the fact beats a yes said to the wrong reading
    ("la ville nous controle pas", "public_control", False),
    ("aucun organisme public nous contrôle", "public_control", False),
    ("on releve directement d'un ministere", "public_control", True),
    ("on vend du cafe pis des sandwichs", "market_activities", True),
    ("on loue des salles", "market_activities", True),
    ("juste des subventions", "market_activities", False),
    ("si on ferme nos biens vont a une autre coop", "dissolution_rule", True),
    ("on est pas une federation", "is_network", False),
    ("non on est juste une coop", "is_network", False),
    ("on regroupe une quarantaine de coops", "is_network", True),
    ("icitte au Québec", "based_in_quebec", True),
    ("en dehors du Québec, en Ontario", "based_in_quebec", False),
    ("le projet vise tout le reseau", "structuring_project", True),
    ("pas vraiment, on est pas mal autonomes", "public_control", False),  # "pas mal" is "quite"
    ("notre mission c'est les jeunes du quartier, pas juste nos membres", "serves_members_or_community", True),
    ("non, on est une coop autonome", "is_network", False),
    ("oui, à Gaspé", "based_in_quebec", True),
    ("oui, c'est dans nos règlements", "dissolution_rule", True),
]


@pytest.mark.parametrize("text, field, expected", ANSWERS)
def test_read_answer(kb, text, field, expected):
    assert read_answer(text, field) == expected


@pytest.mark.parametrize(
    "text, field",
    [
        ("aucune idée", "org_category"),  # "I don't know" is a skip, not "none of these"
        ("je sais pas si on vend", "market_activities"),
        ("bof", "legal_form"),
        ("vendredi on ferme tôt", "market_activities"),  # "vendredi" is not "vendre"
        ("on est membre d'une fédération", "is_network"),  # belongs to a network, is not one
        ("on a des reseaux sociaux", "is_network"),
        ("/affirm", "based_in_quebec"),  # button payloads are read by their intent, not as text
        # a yes that goes with words answering another question is not guessed
        ("oui comme je disais on est basés à Gaspé", "public_control"),
        ("oui comme je disais, des repas", "public_control"),
        ("", "legal_form"),
    ],
)
def test_nothing_is_read_from(kb, text, field):
    assert read_answer(text, field) is None


def test_a_typed_option_is_the_whole_message_not_a_question(kb):
    assert option_typed("Mutuelle", "legal_form") == "mutual"
    assert option_typed("plutôt une mutuelle", "legal_form") == "mutual"
    assert option_typed("une mutuelle c'est admissible ?", "legal_form") is None
    assert option_typed("Regroupement patronal", "org_category") == "employer_group"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("oui", True),
        ("Oui!", True),
        ("ouin", True),
        ("euh oui", True),
        ("absolument", True),
        ("bien sûr", True),
        ("non", False),
        ("nope", False),
        ("pantoute", False),
        ("pas du tout", False),
        ("aucun", False),
        ("organisme a but non lucratif", None),  # "non" inside a legal form's name
        ("aucune idée", None),
        ("pas de ristourne", None),  # a statement, not a no
        ("oui non je sais pas", None),
        ("on vend des repas", None),
    ],
)
def test_yes_no(text, expected):
    assert yes_no(text) is expected


def test_negation_reaches_the_end_of_its_clause():
    assert is_negated("on est une petite coop, pas une fédération", "fédération")
    assert not is_negated("on est une petite coop, pas une fédération", "coop")
    assert is_negated("on n'est pas une coop", "coop")
    assert not is_negated("pas une coop, un OBNL", "OBNL")


@pytest.mark.parametrize(
    "text",
    [
        "en fait on est une association sectorielle",
        "finalement on est un OBNL",
        "je me suis trompé, on est une coop",
        "je me suis trompee c'est une mutuelle",
        "plutôt une mutuelle",
        "oups, correction : on est à Rimouski",
    ],
)
def test_corrections(text):
    assert is_correction(text)


def test_not_corrections():
    assert not is_correction("on est une coop")
    assert not is_correction("/inform")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("et si on se transforme en coop ?", True),
        ("et si on devenait une coop ?", True),
        ("si on était une fédération", True),
        ("pis si on était un OBNL, ça changerait quoi", True),
        ("supposons qu'on devienne un OBNL", True),
        ("si jamais on passe en coop", True),
        ("je veux savoir si on est admissible", False),
        ("on serait-tu admissibles au programme nous autres", False),
        ("on est une coop", False),
    ],
)
def test_hypotheses(text, expected):
    assert is_hypothetical(text) is expected


def _parse(text, intent="inform", entities=()):
    return {"text": text, "intent": {"name": intent}, "entities": list(entities)}


def test_extract_profile_negated_entities(kb):
    ents = [
        {"entity": "legal_form", "value": "coop", "start": 18, "end": 22},
        {"entity": "network", "value": "fédération", "start": 32, "end": 42},
    ]
    found = extract_profile(_parse("on est une petite coop, pas une fédération", entities=ents))
    assert found == {"legal_form": "cooperative", "is_network": False}
    # without offsets, the entity is found in the text
    found = extract_profile(
        _parse(
            "pas une coop, un OBNL",
            entities=[{"entity": "legal_form", "value": "coop"}, {"entity": "legal_form", "value": "OBNL"}],
        )
    )
    assert found == {"legal_form": "nonprofit"}
    found = extract_profile(
        _parse("on fait partie d'un réseau de coops", entities=[{"entity": "network", "value": "réseau"}])
    )
    assert "is_network" not in found


def test_a_count_of_members_is_not_the_staff(kb):
    # dev9 jc13: "une trentaine d'OBNL" counts the association's members, not its employees
    text = "nous sommes une association qui regroupe une trentaine d'OBNL en tourisme"
    start = text.index("une trentaine")
    ents = [{"entity": "employees", "value": "une trentaine", "start": start, "end": start + len("une trentaine")}]
    assert "employees" not in extract_profile(_parse(text, entities=ents))
    text = "on a une trentaine d'employés"
    start = text.index("une trentaine")
    ents = [{"entity": "employees", "value": "une trentaine", "start": start, "end": start + len("une trentaine")}]
    assert extract_profile(_parse(text, entities=ents))["employees"] == 30


def test_extract_profile_reads_a_correction_against_the_legal_forms(kb):
    found = extract_profile(
        _parse(
            "en fait on est une association sectorielle",
            entities=[{"entity": "network", "value": "association sectorielle"}],
        )
    )
    assert found == {"legal_form": "nonprofit", "is_network": True}
    # not the loose words: the city financing it does not make it a public body
    assert "legal_form" not in extract_profile(_parse("en fait c'est la ville qui nous finance"))


def test_extract_profile_answers_the_question_asked(kb):
    assert extract_profile(_parse("Mutuelle", "ask_definition"), requested="legal_form") == {"legal_form": "mutual"}
    assert extract_profile(_parse("oui", "affirm"), requested="based_in_quebec") == {"based_in_quebec": True}
    assert extract_profile(_parse("/deny", "deny"), requested="org_category") == {"org_category": "none"}
    assert extract_profile(
        _parse('/inform{"is_network":false}', entities=[{"entity": "is_network", "value": False}])
    ) == {"is_network": False}


def test_every_yes_no_question_says_itself_back():
    assert set(FACT_PHRASES) == set(BOOLEAN_FIELDS)


def test_describe(kb):
    assert describe("legal_form", "cooperative") == "coopérative"
    assert describe("legal_form", "nonprofit") == "OBNL"  # an acronym keeps its capitals
    assert describe("legal_form", "nonprofit", article=True) == "un OBNL"
    assert describe("legal_form", "cooperative", article=True) == "une coopérative"
    assert describe("org_category", "union", article=True) == "un syndicat"
    assert describe("is_network", False) == "une seule entreprise, pas un réseau"
    assert describe("region", "saguenay_lac_saint_jean") == "Saguenay–Lac-Saint-Jean"
    assert describe("employees", 1) == "1 employé" and describe("employees", 12) == "12 employés"
    facts = describe_profile({"region": "saguenay_lac_saint_jean", "legal_form": "cooperative"})
    assert join_facts(facts) == "coopérative, Saguenay–Lac-Saint-Jean"
    assert join_facts(["a", "b, c"]) == "a ; b, c"


def test_every_cue_field_is_a_yes_no_question():
    assert set(profile._CUES) <= set(BOOLEAN_FIELDS)


def test_facts_said_in_passing_are_read_without_a_question(kb):
    text = "on est une petite coop a Rimouski, on vend du pain pis du cafe, pis les membres elisent le CA a l'AGA"
    found = extract_profile(_parse(text))
    assert found["market_activities"] is True and found["democratic_governance"] is True
    assert extract_profile(_parse("on fait des ristournes")) == {"surplus_limited": True}
    # words that mean something else are not facts
    for text in ("contrôle de la qualité", "on veut faire du vote en ligne", "on a nommé un nouveau DG"):
        assert extract_profile(_parse(text)) == {}, text
    # an option typed with no question pending; "non" alone says nothing without its question
    assert extract_profile(_parse("Coopérative")) == {"legal_form": "cooperative"}
    assert extract_profile(_parse("non", "deny")) == {}


def test_an_option_said_only_negated_is_reported(kb):
    assert profile.negated_options("en fait non, on est un OBNL, pas un regroupement patronal") == {
        "org_category": ["employer_group"]
    }
    assert profile.negated_options("on est un syndicat, pas un parti politique") == {
        "org_category": ["political_party"]
    }
    assert profile.negated_options("on est une coop") == {}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("une douzaine", 12),
        ("une quinzaine d'employés", 15),
        ("cinq ou six", 6),
        ("un employé", 1),
        ("12 employés", 12),
    ],
)
def test_head_counts_in_words_take_the_number_not_the_article(text, expected):
    from common.profile import parse_employees

    assert parse_employees(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # dev4 fc07: an OBNL told eligible after saying it sells nothing ("ne vend rien" read as sells)
        ("Non on ne vend rien, tout vient de subventions du gouvernement et de dons", {"market_activities": False}),
        ("on vend rien", {"market_activities": False}),
        ("on vend aucun produit", {"market_activities": False}),
        ("on ne vend que des repas", {"market_activities": True}),
        # dev4 fc01: "à Québec" said of the visitor is a place in Québec; the sector's "au Québec" is not
        ("On est une coop de travail en developpement web a Quebec, on est 12.", {"based_in_quebec": True}),
        ("combien de coops au Quebec", {}),
        ("on est pas au Quebec, on est a Ottawa", {"based_in_quebec": False}),
        # dev4 fc08: assets handed to the founders on dissolution
        (
            "nos reglements disent que si on ferme les actifs sont remis aux 3 fondateurs. c'est grave?",
            {"dissolution_rule": False},
        ),
        ("les biens vont a un autre organisme", {"dissolution_rule": True}),
    ],
)
def test_sales_denied_the_visitor_in_quebec_and_assets_to_founders_are_read_in_passing(kb, text, expected):
    found = extract_profile(_parse(text))
    assert {
        k: v for k, v in found.items() if k in ("market_activities", "based_in_quebec", "dissolution_rule")
    } == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("organisme culturel, théâtre", "none"),  # dev3 fc09: asked again, then skipped
        ("un festival de musique", "none"),
        ("on est un organisme religieux", "religious_org"),
        ("syndicat", "union"),
        ("je ne sais pas", None),
    ],
)
def test_what_the_organisation_is_answers_the_excluded_categories_question(kb, text, expected):
    assert read_answer(text, "org_category") == expected


def test_outside_quebec_answer_is_not_undone_by_where_they_sell():
    """ "non, on est au Nouveau-Brunswick, mais on vend beaucoup au Québec" to "établie au Québec ?"
    is a no: the Québec named is where they sell (it was read as the region, hence a yes)."""
    field = "based_in_quebec"
    assert read_answer("non, on est au Nouveau-Brunswick, mais on vend beaucoup au Québec", field) is False
    assert read_answer("on est a Edmundston au NB", field) is False
    assert read_answer("on est pas en Ontario, on est à Gatineau", field) is True
    assert read_answer("oui au Québec", field) is True


def test_a_hedged_answer_is_read_from_what_it_says_not_from_its_oui():
    """ "je crois que oui, vers une autre mutuelle, il faudrait que je vérifie" answers the dissolution
    question by what it names; "je pense que oui pour les règles…" said to the public-control question
    is about something else, and must not read as "yes, under public control" (not eligible)."""
    assert (
        read_answer("je crois que oui, vers une autre mutuelle, il faudrait que je vérifie", "dissolution_rule") is True
    )
    said = "euh je pense que oui pour les règles, faudrait que je demande à la présidente mais je crois bien"
    assert read_answer(said, "public_control") is None
    assert read_answer("je sais pas", "dissolution_rule") is None


def test_a_negation_reaches_past_articles_and_stops_at_mais():
    """dev8 hc11: « on représente des entreprises collectives, pas des patrons au sens d'un
    regroupement patronal » was read as a regroupement patronal (all three volets refused)."""
    from common.profile import is_negated, read_answer

    text = (
        "ben... on est pas un syndicat ni un ordre, on représente des entreprises collectives, "
        "pas des patrons au sens d'un regroupement patronal"
    )
    assert is_negated(text, "regroupement patronal")
    assert read_answer(text, "org_category") == "none"
    # what follows "mais" / "plutôt" is said, not negated
    assert not is_negated("on est pas une coop mais un obnl", "obnl")
    assert not is_negated("on est pas une cooperative de travail plutot une obnl", "obnl")
    assert is_negated("pas une federation", "federation")


def test_no_public_control_because_the_members_elect_the_board():
    """dev8 hc10: « non, ce sont nos coops membres qui élisent le CA » to « under public control? »
    noted the governance and asked the same question again."""
    from common.profile import read_answer

    assert read_answer("non, ce sont nos coops membres qui élisent le CA", "public_control") is False
    # a yes that goes with another question's words is still asked again
    assert read_answer("oui comme je disais, on est basés à Gaspé", "public_control") is None


def test_where_the_assets_go_is_not_the_visitors_legal_form():
    """dev8 hc10: « le reliquat irait à une autre fédération ou à un organisme coopératif » to the
    dissolution question changed the federation of co-ops into an OBNL."""
    text = "le reliquat irait à une autre fédération ou à un organisme coopératif, c'est prévu"
    start = text.index("organisme")
    found = extract_profile(
        {"text": text, "entities": [{"entity": "legal_form", "value": "organisme", "start": start, "end": start + 9}]},
        requested="dissolution_rule",
    )
    assert found == {"dissolution_rule": True}


def test_no_public_body_on_the_board_nor_in_control():
    """dev8 hc08: « Aucun organisme public ne siège à notre conseil ni ne contrôle nos décisions. » was
    not understood, then asked again."""
    from common.profile import read_answer

    assert (
        read_answer("Aucun organisme public ne siège à notre conseil ni ne contrôle nos décisions.", "public_control")
        is False
    )
    assert read_answer("aucun probleme, la ville nous controle", "public_control") is True
