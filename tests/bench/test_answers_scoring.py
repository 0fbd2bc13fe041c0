"""Scoring of `make bench-answers` (bench/answers_scoring.py, bench/answers.py): no server needed.

The normalisation promised to the question writers, each verdict of a single question with a
hand-made answer, the seed facts (what counts as invented), the volet-verdict detector, the
screening persona (topic of a bot question → the answer typed), the conversation checks, the
knowledge-base reach, and what the sealed part may write.
"""

from __future__ import annotations

import pytest

from bench import answers_scoring as scoring
from bench.answers_scoring import (
    DONT_KNOW,
    NOT_EXCLUDED,
    NOT_PUBLIC,
    SKIP,
    Fallbacks,
    SeedFacts,
    choose_answer,
    classify_single,
    detect_verdicts,
    evaluate_conversation,
    map_topic,
    normalise,
    normalise_regex,
)
from knowledge.paths import seeds_dir

# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Économie SOCIALE", "economie sociale"),
        ("30 000 $", "30000 $"),
        ("30\u00a0000\u00a0$", "30000 $"),  # non-breaking space
        ("250\u202f000 $", "250000 $"),  # narrow no-break space
        ("1 234 567 personnes", "1234567 personnes"),
        ("volet\t2\n\n est  là", "volet 2 est la"),
        ("l’année", "l'annee"),
        ("  ", ""),
        (None, ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_regex_normalised_like_the_answer_but_escapes_keep_their_case():
    assert normalise_regex("Fédération") == "federation"
    assert normalise_regex(r"30 000 \$") == r"30000 \$"
    assert normalise_regex(r"\D\S\W\B") == r"\D\S\W\B"  # not \d\s\w\b
    assert scoring.matches(r"30 000 \$", normalise("de 30\u00a0000 $ à 250 000 $"))
    assert scoring.matches("ÉLIGIBLE", normalise("eligible"))
    assert not scoring.matches(r"\D143", normalise("1143"))


def test_bad_regex_is_reported_and_never_matches():
    assert scoring.check_regexes(["ok", "(unclosed"]) and len(scoring.check_regexes(["ok", "(unclosed"])) == 1
    assert not scoring.matches("(unclosed", "unclosed")


# --------------------------------------------------------------------------- seed facts


@pytest.fixture(scope="module")
def seeds() -> SeedFacts:
    if not seeds_dir().is_dir():
        pytest.skip(f"no seed documents at {seeds_dir()}")
    return SeedFacts.from_dir(seeds_dir())


@pytest.fixture(scope="module")
def tiny_seeds() -> SeedFacts:
    return SeedFacts(
        [
            "Les volets 1, 2 et 3. Une aide de 30 000 $ à 250 000 $, 143 entreprises, 47,8 G$ et "
            "14,5 % du PIB en 2017. "
            "Écrivez à info@exemple.qc.ca ou au 418 555-0199, www.cdrq.coop/services. "
            "Taux : 41,67 %."
        ]
    )


def test_seed_numbers_are_known_and_others_invented(seeds):
    assert seeds.unknown("De 30 000 $ à 250 000 $, pour 143 entreprises, en 2017.") == []
    assert seeds.unknown("Les 7 000 entreprises, 47,8 milliards $.") == []
    assert seeds.unknown("Il y a 123456 entreprises.") == ["number 123456"]


def test_seed_facts_of_every_kind(tiny_seeds):
    ok = "30\u00a0000 $, 47,8 milliards, 14,5 %, info@exemple.qc.ca, (418) 555-0199, https://www.cdrq.coop/services/"
    assert tiny_seeds.unknown(ok) == []
    assert tiny_seeds.unknown("41,7 %") == []  # a seed decimal rounded to one decimal
    assert tiny_seeds.unknown("en 2019") == ["number 2019"]
    assert tiny_seeds.unknown("autre@exemple.qc.ca") == ["email autre@exemple.qc.ca"]
    assert tiny_seeds.unknown("appelez le 514 555-1234") == ["phone 5145551234"]
    assert tiny_seeds.unknown("voir www.inventé.org") == ["url invente.org"]
    # digits inside a file name or an identifier are not numbers
    assert tiny_seeds.unknown("Source : 004_f41160bf7fba2b24.txt") == []


def test_extract_facts_does_not_count_phone_digits_as_numbers():
    found = scoring.extract_facts(normalise("Tél. : 418 555-0199, 12 employés"))
    assert found.phones == ["4185550199"]
    assert found.numbers == ["12"]


# --------------------------------------------------------------------------- single questions


@pytest.fixture(scope="module")
def fallbacks() -> Fallbacks:
    from bench.common import REPO

    return Fallbacks.from_domain(REPO / "domain")


def reply(*texts):
    return [{"recipient_id": "x", "text": t} for t in texts]


ITEM = {"id": "t1", "kind": "amounts", "must": [r"30 000", r"250 000"], "must_not": [r"500 000"]}


def test_right(tiny_seeds, fallbacks):
    r = classify_single(
        ITEM, reply("Au volet 3 : de 30 000 $ à 250 000 $.\nSource : article-bilan"), tiny_seeds, fallbacks
    )
    assert r["verdict"] == "right"


def test_must_is_searched_in_all_replies_together(tiny_seeds, fallbacks):
    r = classify_single(ITEM, reply("De 30 000 $", "à 250 000 $."), tiny_seeds, fallbacks)
    assert r["verdict"] == "right"


def test_incomplete_when_one_must_matched(tiny_seeds, fallbacks):
    r = classify_single(ITEM, reply("Au moins 30 000 $."), tiny_seeds, fallbacks)
    assert r["verdict"] == "incomplete" and r["missing"] == [r"250 000"]


def test_incomplete_when_a_source_is_cited(tiny_seeds, fallbacks):
    r = classify_single(
        ITEM, reply("Le volet 3 finance des réseaux.\nSource : article-bilan du programme"), tiny_seeds, fallbacks
    )
    assert r["verdict"] == "incomplete"


def test_wrong_fact(tiny_seeds, fallbacks):
    item = dict(ITEM, must_not=[r"\b143\b"])
    r = classify_single(item, reply("De 30 000 $ à 250 000 $, 143 entreprises."), tiny_seeds, fallbacks)
    assert r["verdict"] == "wrong_fact"


def test_invented_wins_over_everything(tiny_seeds, fallbacks):
    r = classify_single(ITEM, reply("De 30 000 $ à 250 000 $ et jusqu'à 500 000 $."), tiny_seeds, fallbacks)
    assert r["verdict"] == "invented" and r["invented"] == ["number 500000"]


def test_dialogue_failure(tiny_seeds, fallbacks):
    assert classify_single(ITEM, [], tiny_seeds, fallbacks)["verdict"] == "dialogue_failure"
    assert classify_single(ITEM, None, tiny_seeds, fallbacks, error="timeout (30 s)")["verdict"] == "dialogue_failure"
    apology = (
        "Désolé, je n'ai pas pu préparer ma réponse : un de mes services ne répond pas pour le moment. "
        "Réessayez dans un instant."
    )
    assert classify_single(ITEM, reply(apology), tiny_seeds, fallbacks)["verdict"] == "dialogue_failure"
    kb_down = "Désolé, je n'arrive pas à consulter ma base de connaissances pour le moment."
    assert classify_single(ITEM, reply(kb_down), tiny_seeds, fallbacks)["verdict"] == "dialogue_failure"


@pytest.mark.parametrize(
    "text",
    [
        "Désolé, je n'ai pas compris. Pouvez-vous reformuler ? Par exemple : « c'est quoi le volet 2 ? »",
        "Je ne peux pas vous aider avec ça : je suis spécialisé dans le Programme pour la transformation "
        "numérique des entreprises collectives.",
        "Je ne suis pas certain d'avoir compris. Vouliez-vous parler de l'un de ces sujets ?",
    ],
)
def test_misunderstood_fallbacks(text, tiny_seeds, fallbacks):
    assert classify_single(ITEM, reply(text), tiny_seeds, fallbacks)["verdict"] == "misunderstood"


def test_misunderstood_generic_or_off_topic(tiny_seeds, fallbacks):
    assert (
        classify_single(ITEM, reply("Avec plaisir ! Autre chose ?"), tiny_seeds, fallbacks)["verdict"]
        == "misunderstood"
    )
    # nothing asked for, no source: an answer to another question
    r = classify_single(ITEM, reply("Le webinaire démystifie la transformation numérique."), tiny_seeds, fallbacks)
    assert r["verdict"] == "misunderstood"


def test_generic_reply_is_right_when_it_is_what_was_asked(tiny_seeds, fallbacks):
    item = {"id": "g", "kind": "other", "must": ["robot|assistant automatise"], "must_not": []}
    r = classify_single(
        item,
        reply("Je suis un assistant automatisé (un robot conversationnel), pas une personne."),
        tiny_seeds,
        fallbacks,
    )
    assert r["verdict"] == "right"


def test_fallback_wins_over_right(tiny_seeds, fallbacks):
    item = {"id": "f", "kind": "other", "must": ["volet"], "must_not": []}
    text = "Désolé, je n'ai pas compris. Pouvez-vous reformuler ? Par exemple : « c'est quoi le volet 2 ? »"
    assert classify_single(item, reply(text), tiny_seeds, fallbacks)["verdict"] == "misunderstood"


@pytest.mark.parametrize(
    "admission",
    [
        "Nos sources ne précisent pas le montant du volet 2.",
        "Les documents ne le disent pas.",
        "Je n'ai pas d'information sur le numéro de téléphone.",
        "L'année n'est pas précisée dans l'annonce.",
        "Aucune information sur ce point dans mes sources.",
        "Je ne sais pas : un conseiller pourra vous répondre.",
        "Nos sources mentionnent une subvention, sans en donner le montant.",
    ],
)
def test_silent_item_needs_an_admission(admission, tiny_seeds, fallbacks):
    item = {"id": "s", "kind": "amounts", "silent": True, "must": ["conseill|cdrq"], "must_not": []}
    r = classify_single(
        item, reply(admission + " Un conseiller de la CDRQ peut vous le préciser."), tiny_seeds, fallbacks
    )
    assert r["verdict"] == "right", r


def test_silent_item_without_admission_is_not_right(tiny_seeds, fallbacks):
    item = {"id": "s", "kind": "amounts", "silent": True, "must": ["conseill"], "must_not": []}
    r = classify_single(item, reply("Un conseiller vous aidera.\nSource : article"), tiny_seeds, fallbacks)
    assert r["verdict"] == "incomplete"
    r = classify_single(item, reply("Le montant est de 30 000 $.\nSource : article"), tiny_seeds, fallbacks)
    assert r["verdict"] == "incomplete"


def test_the_domain_fallback_texts_are_found(fallbacks):
    assert any("pas compris" in f for f in fallbacks.fallback)
    assert any("aider avec ca" in f for f in fallbacks.fallback)
    assert fallbacks.generic


# --------------------------------------------------------------------------- volet verdicts


SCREENING_RESULT = (
    "Selon les critères publiés :\n"
    "• Volet 1 (Information et formation) : admissible — tous ses critères sont remplis.\n"
    "• Volet 2 (Accompagnement à la planification stratégique en transformation numérique) : à confirmer ; "
    "il manque : gouvernance démocratique.\n"
    "• Volet 3 (Aide financière aux réseaux) : non admissible. Le volet 3 vise les réseaux.\n"
    "L'admissibilité est validée par les partenaires du programme."
)


@pytest.mark.parametrize(
    "text, expected",
    [
        (SCREENING_RESULT, {1: "eligible", 2: "unknown", 3: "not_eligible"}),
        (
            "Selon les critères publiés :\n• Volets 1, 2 et 3 : non admissibles. Les syndicats sont exclus.",
            {1: "not_eligible", 2: "not_eligible", 3: "not_eligible"},
        ),
        (
            "• Volets 2 et 3 : non admissibles. Une entreprise d'économie sociale ne doit pas…",
            {2: "not_eligible", 3: "not_eligible"},
        ),
        (
            "Un OBNL, selon les critères publiés :\n• Volet 1 : oui.\n• Volet 2 : non — il faut être admissible…\n"
            "• Volet 3 : possible, si ces critères sont remplis : réseau.",
            {1: "eligible", 2: "not_eligible", 3: "unknown"},
        ),
        (
            "Selon les critères publiés, non : les syndicats sont exclus.",
            {1: "not_eligible", 2: "not_eligible", 3: "not_eligible"},
        ),
        ("Vous seriez admissible au volet 2, mais pas admissible au volet 3.", {2: "eligible", 3: "not_eligible"}),
        ("Le volet 3 pourrait vous convenir.", {3: "unknown"}),
        ("Le volet 3 offre de 30 000 $ à 250 000 $ aux réseaux.", {}),
        ("Volet 2 — Accompagnement : un autoexamen puis un plan.", {}),
    ],
)
def test_detect_verdicts(text, expected):
    assert detect_verdicts(text) == expected


def test_verdict_turn():
    assert scoring.is_verdict_turn(SCREENING_RESULT)
    assert not scoring.is_verdict_turn("Quelle est la forme juridique de votre organisation ?")


# --------------------------------------------------------------------------- screening persona


@pytest.mark.parametrize(
    "question, topic",
    [
        ("Quelle est la forme juridique de votre organisation ?", "legal_form"),
        (
            "Votre organisation est-elle un ordre professionnel, un regroupement professionnel ou patronal, un parti "
            "politique, un organisme religieux ou un syndicat ?",
            "org_category",
        ),
        (
            "Votre organisation est-elle un réseau : une fédération de coopératives ou une association sectorielle "
            "d'entreprises collectives ?",
            "is_network",
        ),
        (
            "Le projet vise-t-il à structurer tout votre réseau (par exemple cybersécurité, progiciel de gestion "
            "intégré, nouveau modèle d'affaires) ?",
            "project",
        ),
        (
            "Votre organisation est-elle sous le contrôle décisionnel d'un ou de plusieurs organismes publics "
            "(une municipalité, un ministère…) ?",
            "public_control",
        ),
        (
            "Vos règles prévoient-elles une gouvernance démocratique par les membres (un membre = un vote, conseil "
            "d'administration élu, assemblée générale annuelle) ?",
            "governance",
        ),
        (
            "Vos règles interdisent-elles ou limitent-elles la distribution des surplus (par exemple, une ristourne "
            "au prorata des opérations des membres) ?",
            "profits",
        ),
        (
            "En cas de dissolution, vos règles prévoient-elles de remettre le reste des biens à un organisme aux "
            "objectifs semblables ?",
            "dissolution",
        ),
        (
            "Votre organisation a-t-elle pour but de répondre aux besoins de ses membres ou de sa collectivité ?",
            "members",
        ),
        ("Votre OBNL vend-il des biens ou des services (les revenus de location comptent) ?", "market"),
        ("Votre organisation est-elle établie au Québec ?", "quebec"),
        ("Dans quel secteur êtes-vous ?", "sector"),
        ("Dans quelle région êtes-vous ?", "region"),
        ("Combien d'employés avez-vous ?", "staff"),
        ("Puis-je vous aider avec autre chose ?", None),
    ],
)
def test_map_topic(question, topic):
    assert map_topic(question) == topic


def test_every_question_of_the_knowledge_base_has_a_topic():
    """The form's questions come from knowledge/sources/eligibility.yml: each must map to a topic."""
    import yaml

    from knowledge.paths import SOURCES_DIR

    data = yaml.safe_load((SOURCES_DIR / "eligibility.yml").read_text(encoding="utf-8"))
    questions = [q["question"] for q in data.get("questions") or []]
    assert questions
    assert [q for q in questions if map_topic(q) is None] == []


VOCAB = {
    "legal_forms": {
        "cooperative": ["cooperative", "coop", "cooperative de travailleurs"],
        "mutual": ["mutuelle"],
        "nonprofit": ["obnl"],
        "public_body": ["municipalite", "ministere"],
    },
    "excluded_categories": {"union": ["syndicat"], "professional_order": ["ordre professionnel"]},
    "regions": {"bas_saint_laurent": ["bas saint laurent", "rimouski"]},
}
ANSWERS = {
    "legal_form": "une coop de travailleurs",
    "is_network": "non, juste une coop",
    "governance": "oui, un membre un vote",
    "region": "Rimouski, dans le Bas-Saint-Laurent",
}


def test_choose_answer_from_the_bank():
    assert choose_answer("legal_form", ANSWERS, vocab=VOCAB) == "une coop de travailleurs"
    assert choose_answer("governance", ANSWERS, vocab=VOCAB) == "oui, un membre un vote"
    assert choose_answer("profits", ANSWERS, vocab=VOCAB) == DONT_KNOW


def test_choose_answer_asked_again_gives_up_gracefully():
    assert choose_answer("legal_form", ANSWERS, vocab=VOCAB, attempt=1) == DONT_KNOW
    assert choose_answer("legal_form", ANSWERS, vocab=VOCAB, attempt=2) == SKIP


def test_choose_answer_derived_topics():
    assert choose_answer("org_category", ANSWERS, vocab=VOCAB) == NOT_EXCLUDED
    assert (
        choose_answer("org_category", dict(ANSWERS, legal_form="un syndicat local"), vocab=VOCAB) == "un syndicat local"
    )
    assert choose_answer("org_category", {"sector": "culture"}, vocab=VOCAB) == DONT_KNOW
    assert choose_answer("public_control", ANSWERS, vocab=VOCAB) == NOT_PUBLIC
    controlled = dict(ANSWERS, governance="la municipalité nomme le CA")
    assert choose_answer("public_control", controlled, vocab=VOCAB) == "oui, la municipalité nomme le CA"
    assert choose_answer("public_control", {"legal_form": "une municipalité"}, vocab=VOCAB) == "oui, une municipalité"
    assert choose_answer("public_control", {"sector": "culture"}, vocab=VOCAB) == DONT_KNOW
    assert choose_answer("quebec", ANSWERS, vocab=VOCAB) == "oui, Rimouski, dans le Bas-Saint-Laurent"
    assert choose_answer("quebec", {"region": "Toronto"}, vocab=VOCAB) == DONT_KNOW


def test_unmapped_question_with_buttons_gets_dont_know():
    assert choose_answer(None, ANSWERS, vocab=VOCAB) == DONT_KNOW


def test_pending_question_and_start_button():
    replies = [
        {"text": "Le volet 3 vise les réseaux.", "buttons": [{"title": "Vérifier", "payload": "/start_screening"}]}
    ]
    assert scoring.pending_question(replies) is None
    assert scoring.start_screening_button(replies) == "/start_screening"
    asked = replies + [{"text": "Quelle est la forme juridique de votre organisation ?", "buttons": []}]
    assert scoring.pending_question(asked)["text"].startswith("Quelle")


# --------------------------------------------------------------------------- conversations


CONV = {
    "id": "c1",
    "kind": "screening",
    "turns": [{"user": "on est une coop", "must": ["coop"], "must_not": []}],
    "expect": {"verdict": {"volet1": "eligible", "volet3": "not_eligible"}, "must": ["volet 2"], "must_not": []},
}


def test_conversation_right():
    texts = ["Coopérative : je vérifie.", SCREENING_RESULT]
    failures = [scoring.check_turn(CONV["turns"][0], reply(texts[0]))]
    result = evaluate_conversation(CONV, failures, texts)
    assert result["right"], result["reasons"]


def test_conversation_failures_are_named():
    texts = ["Bonjour.", "Selon les critères publiés :\n• Volet 1 (Information) : à confirmer ; il manque : x."]
    failures = [scoring.check_turn(CONV["turns"][0], reply(texts[0]))]
    result = evaluate_conversation(CONV, failures, texts)
    categories = {c for c, _ in result["reasons"]}
    assert categories == {"turn", "expect_must", "verdict"}
    assert ("verdict", "volet 1: expected eligible, got unknown") in result["reasons"]
    assert ("verdict", "volet 3: expected not_eligible, got not stated") in result["reasons"]


def test_conversation_turn_without_reply_is_a_dialogue_failure():
    failures = [scoring.check_turn({"user": "x"}, [], error="timeout (30 s)")]
    result = evaluate_conversation({"id": "c", "turns": [{"user": "x"}]}, failures, [])
    assert [c for c, _ in result["reasons"]] == ["dialogue_failure"]


def test_last_verdict_wins():
    assert scoring.final_verdicts(["• Volet 2 : possible, si…", "• Volet 2 (Accompagnement) : admissible — tous…"]) == {
        2: "eligible"
    }


def test_a_hypothesis_verdict_is_not_the_organisations():
    """dev5 fc05, dev6 fc12: « et si on ajoutait une AG annuelle ? » after the refusal got the verdicts
    of that case, said as a hypothesis; the organisation's verdict is still the refusal."""
    refusal = "• Volets 1, 2 et 3 : non admissibles. Les règles d'une entreprise d'économie sociale prévoient…"
    hypothesis = (
        "Hypothèse : gouvernance démocratique. Je n'ai rien changé à vos réponses. D'après la définition d'une "
        "entreprise d'économie sociale (rapport du CEFRIO, 2017) et ce que le programme annonce pour chaque volet, "
        "dans ce cas :\n• Volet 1 (Information et formation) : à confirmer"
    )
    assert scoring.final_verdicts([refusal, hypothesis]) == {1: "not_eligible", 2: "not_eligible", 3: "not_eligible"}


# --------------------------------------------------------------------------- knowledge-base reach


def test_kb_reach():
    snap = {
        "cases": [
            {"id": "c1", "name": "Sercovie (Service communautaire à la vie)"},
            {"id": "c2", "name": "Groupe TAQ"},
        ],
        "statistics": [
            {"id": "s1", "label": "Entreprises qui vendent en ligne", "value": 23.5},
            {"id": "s2", "label": "Entreprises qui ont un site Web", "value": 80.0},
        ],
        "glossary": [
            {"id": "crm", "term": "CRM", "definition": "Logiciel de gestion de la relation client, qui aide."}
        ],
    }
    sigs = scoring.reach_signatures(snap)
    texts = [
        "Voici des exemples :\n• Sercovie (OBNL, Sherbrooke) — popote roulante",
        "• Entreprises qui vendent en ligne : 23,5 % (n = 403)\n• Autre chose : 80 %",
        "CRM : Logiciel de gestion de la relation client, qui aide.",
    ]
    reach = scoring.kb_reach(sigs, texts)
    assert reach["per_kind"]["cases"] == {"records": 2, "reached": 1}
    assert reach["per_kind"]["statistics"] == {"records": 2, "reached": 1}  # 80 % is not on s2's line
    assert reach["per_kind"]["glossary"] == {"records": 1, "reached": 1}
    assert reach["reached"] == 3 and reach["records"] == 5


# --------------------------------------------------------------------------- the harness's bank and output


FIXTURE_BANK = """\
version: 1
writer: dev
singles:
  - id: f001
    kind: amounts
    style: phone
    text: "combien pour le volet 3"
    must: ['30 000', '250 000']
    must_not: []
  - id: f002
    kind: other
    style: written
    text: "texte"
    must: ['(unclosed']
conversations:
  - id: fc01
    kind: screening
    turns:
      - user: "on est une coop"
    answers: {legal_form: "une coop"}
    expect:
      verdict: {volet1: eligible}
"""


def test_load_bank_reports_bad_regexes(tmp_path):
    from bench.answers import load_bank

    path = tmp_path / "dev.yml"
    path.write_text(FIXTURE_BANK, encoding="utf-8")
    bank = load_bank(path)
    assert [s["id"] for s in bank["singles"]] == ["f001", "f002"]
    assert [c["id"] for c in bank["conversations"]] == ["fc01"]
    assert len(bank["errors"]) == 1 and bank["errors"][0].startswith("f002:")


def test_summary_table_and_last_line():
    from bench.answers import last_line, render_part, summarise

    singles = [
        {"id": "a", "kind": "amounts", "style": "phone", "verdict": "right"},
        {"id": "b", "kind": "cases", "style": "written", "verdict": "invented"},
    ]
    convs = [{"id": "c", "kind": "screening", "right": False, "reasons": [("verdict", "volet 1: …")]}]
    summary = summarise(singles, convs)
    assert summary["singles"]["right"] == 1 and summary["by_kind"]["cases"]["invented"] == 1
    part = {
        "part": "sealed",
        "summary": summary,
        "bank_errors": 0,
        "not_run": {"singles": 0, "conversations": 0},
        "elapsed_seconds": 1.0,
        "kb_reach": {"records": 0},
        "conversations": [],
    }
    table = render_part(part)
    assert "conversations: 0/1 right; failed checks: verdict 1" in table
    assert last_line({"sealed": part}) == (
        "answers: dev_right=- dev2_right=- dev3_right=- dev4_right=- dev5_right=- dev6_right=- dev7_right=- "
        "dev8_right=- dev9_right=- dev10_right=- dev11_right=- sealed_right=1/2 sealed2_right=- sealed3_right=- sealed4_right=- "
        "sealed5_right=- sealed6_right=- sealed7_right=- sealed8_right=- sealed9_right=- sealed10_right=- invented=1 "
        "conversations_sealed=0/1 conversations_sealed2=- conversations_sealed3=- conversations_sealed4=- "
        "conversations_sealed5=- conversations_sealed6=- conversations_sealed7=- conversations_sealed8=- "
        "conversations_sealed9=- conversations_sealed10=-"
    )
    # every sealed bank prints ids and verdicts only, whatever its number
    from bench.answers import is_sealed

    assert is_sealed("sealed") and is_sealed("sealed2") and not is_sealed("dev")


def test_todays_refusal_wording_refuses_every_volet():
    from bench.answers_scoring import detect_verdicts

    text = (
        "Syndicat : non. D'après la définition d'une entreprise d'économie sociale (rapport du CEFRIO, "
        "2017) et ce que le programme annonce pour chaque volet : les syndicats sont exclus."
    )
    assert detect_verdicts(text) == {1: "not_eligible", 2: "not_eligible", 3: "not_eligible"}
    # said « non admissible » since 3 December
    assert detect_verdicts(text.replace(": non.", ": non admissible au programme.")) == {
        1: "not_eligible",
        2: "not_eligible",
        3: "not_eligible",
    }


def test_a_number_the_visitor_typed_and_the_bot_says_back_is_not_invented():
    from pathlib import Path

    from bench.answers_scoring import Fallbacks, SeedFacts, classify_single

    seeds = SeedFacts(["Le volet 3 accorde de 30 000 $ à 250 000 $."])
    fallbacks = Fallbacks.from_domain(Path(__file__).resolve().parents[2] / "domain")
    item = {"text": "on est 45 employés, des exemples ?", "must": [], "must_not": []}
    said = classify_single(item, [{"text": "Noté : 45 employés. Source : x"}], seeds, fallbacks)
    assert said["verdict"] != "invented"
    other = classify_single(item, [{"text": "Noté : 46 employés. Source : x"}], seeds, fallbacks)
    assert other["verdict"] == "invented"
