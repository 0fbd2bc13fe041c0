"""Each answering action over a real SQLite knowledge base: the facts, the source line, the buttons."""

from __future__ import annotations

import pytest

from actions import advice, cases, contact, eligibility, figures, glossary, money_and_dates, programme
from actions.kb import KB_DOWN_MESSAGE
from tests.actions.helpers import ent, payloads, run, texts, tracker_for


def test_programme(kb):
    msgs, events = run(programme.ActionProgramme(), tracker_for("c'est quoi le programme", "ask_programme"))
    assert events == [] and len(msgs) == 1
    assert "entreprises collectives" in texts(msgs) and "\nSource : " in texts(msgs)
    assert "/start_screening" in payloads(msgs)


def test_funder_names_mei_and_otn(kb):
    msgs, _ = run(programme.ActionFunder(), tracker_for("qui finance", "ask_funder"))
    assert "ministère de l'Économie et de l'Innovation" in texts(
        msgs
    ) and "Offensive de transformation numérique" in texts(msgs)


def test_partners_and_one_partner(kb):
    msgs, _ = run(programme.ActionPartners(), tracker_for("qui s'occupe du programme", "ask_partners"))
    assert all(x in texts(msgs) for x in ("CQCM", "Chantier", "CDRQ"))
    msgs, _ = run(programme.ActionPartners(), tracker_for("c'est quoi le role du chantier", "ask_partners"))
    assert texts(msgs).startswith("Chantier de l'économie sociale") and "volet 1" in texts(msgs)


@pytest.mark.parametrize(
    "tracker, expected",
    [
        (tracker_for("le volet 2 c'est quoi", "ask_volets", [ent("volet", "2")]), "Volet 2 — Accompagnement"),
        (tracker_for("c koi le volet trois", "ask_volets"), "Volet 3 — Aide financière"),
        (tracker_for("le 1er volet", "ask_volets"), "Volet 1 — Information"),
    ],
)
def test_one_volet(kb, tracker, expected):
    msgs, _ = run(programme.ActionVolets(), tracker)
    assert texts(msgs).startswith(expected)


def test_all_volets_offer_one_button_each(kb):
    msgs, _ = run(programme.ActionVolets(), tracker_for("les volets", "ask_volets"))
    assert texts(msgs).count("\n1.") == 1 and len(payloads(msgs)) == 3


def test_volet_3_mentions_committed_funds(kb):
    msgs, _ = run(programme.ActionVolets(), tracker_for("volet 3", "ask_volets", [ent("volet", "3")]))
    assert "30 000 $ à 250 000 $" in texts(msgs) and "engagés" in texts(msgs)


def test_not_covered_says_tools_are_not_paid_in_volet_2(kb):
    msgs, _ = run(programme.ActionNotCovered(), tracker_for("ca paye des logiciels?", "ask_not_covered"))
    assert "acheter des outils" in texts(msgs) and "expertise-conseil" in texts(msgs)


def test_how_to_start(kb):
    msgs, _ = run(programme.ActionHowToStart(), tracker_for("comment on commence", "ask_how_to_start"))
    assert "CDRQ" in texts(msgs) and "autoexamen" in texts(msgs)


def test_uptake(kb):
    msgs, _ = run(programme.ActionUptake(), tracker_for("combien d'entreprises", "ask_uptake"))
    assert "143" in texts(msgs)


def test_contact_gives_only_sourced_details(kb):
    msgs, _ = run(contact.ActionContact(), tracker_for("numero de telephone?", "ask_contact"))
    t = texts(msgs)
    assert "www.cdrq.coop" in t and "aucun numéro de téléphone" in t
    assert "/request_contact" in payloads(msgs)


def test_request_human_offers_to_pass_the_request(kb):
    msgs, events = run(contact.ActionRequestHuman(), tracker_for("je veux parler a quelqu'un", "request_human"))
    assert events == [] and "conseiller régional de la CDRQ" in texts(msgs)
    assert payloads(msgs)[0] == "/request_contact"


def test_deadlines_say_the_year_is_unknown(kb, monkeypatch):
    monkeypatch.setenv("VIRAGE_TODAY", "2026-01-10")
    msgs, _ = run(money_and_dates.ActionDeadlines(), tracker_for("c'est quand la date limite", "ask_deadlines"))
    t = texts(msgs)
    assert "sont le 24 janvier et le 25 février" in t and "année n'est pas précisée" in t
    assert "prochaine à venir serait le 24 janvier" in t and "fonds alloués au volet 3 ont été engagés" in t
    monkeypatch.setenv("VIRAGE_TODAY", "2026-11-21")
    msgs, _ = run(money_and_dates.ActionDeadlines(), tracker_for("date limite", "ask_deadlines"))
    assert "déjà passées" in texts(msgs)


def test_deadlines_for_a_volet_without_dates_say_so_first(kb):
    msgs, _ = run(
        money_and_dates.ActionDeadlines(),
        tracker_for("cest quoi la date limite pour le volet 2", "ask_deadlines", [ent("volet", "2")]),
    )
    t = texts(msgs)
    assert t.startswith(
        "Nos sources n'annoncent aucune date limite pour le volet 2 ; pour savoir quand commencer : joindre"
    )
    assert "pour le volet 3" in t and "24 janvier" in t  # the dates that exist, named as volet 3's
    assert "deuxième volet" in t  # volet 2's record is cited
    msgs, _ = run(
        money_and_dates.ActionDeadlines(), tracker_for("date limite du volet 3", "ask_deadlines", [ent("volet", "3")])
    )
    assert texts(msgs).startswith("Les dates de dépôt annoncées pour le volet 3")


def test_amounts(kb):
    msgs, _ = run(money_and_dates.ActionAmounts(), tracker_for("combien on peut avoir", "ask_amounts"))
    t = texts(msgs)
    assert "30 000 $ à 250 000 $" in t and "sans en donner le montant" in t


def test_envelope(kb):
    msgs, _ = run(money_and_dates.ActionEnvelope(), tracker_for("reste-t-il des fonds", "ask_envelope"))
    assert "engagés" in texts(msgs) and "CQCM" in texts(msgs)


def test_cases_by_technology(kb):
    msgs, _ = run(cases.ActionCases(), tracker_for("qui a implanté un ERP", "ask_cases", [ent("technology", "ERP")]))
    t = texts(msgs)
    assert t.startswith("Voici des exemples") and "Groupe TAQ" in t and "rapport du CEFRIO" in t
    assert all(p.startswith("/ask_cases{") for p in payloads(msgs))


def test_examples_matching_every_criterion_come_first_and_the_others_say_what_they_share(kb):
    msgs, _ = run(
        cases.ActionCases(),
        tracker_for(
            "des exemples de coop en alimentation",
            "ask_cases",
            [ent("legal_form", "coop"), ent("sector", "alimentation")],
        ),
    )
    t = texts(msgs)
    assert t.startswith("Ce qui correspond à toute votre demande :\n• Coopérative La Mauve")
    assert "\nD'autres exemples, qui n'en partagent qu'une partie (coopérative) :\n• " in t
    assert t.count("• ") == 3


def test_named_case_detail(kb):
    msgs, _ = run(
        cases.ActionCases(),
        tracker_for(
            "parle-moi des librairies independantes", "ask_cases", [ent("case_name", "librairies independantes")]
        ),
    )
    assert texts(msgs).startswith("Les Librairies indépendantes du Québec") and "Le projet :" in texts(msgs)


def test_cases_without_match_explains_what_exists(kb):
    msgs, _ = run(cases.ActionCases(), tracker_for("zzz", "ask_cases"))
    # What exists, without a count no source writes (13 in the report + 2 from the programme).
    assert "Nos études de cas" in texts(msgs) and "15" not in texts(msgs)


def test_statistic_with_base_and_year(kb):
    msgs, _ = run(figures.ActionStatistic(), tracker_for("combien vendent en ligne?", "ask_statistic"))
    t = texts(msgs)
    assert "29 %" in t and "n = 403" in t and "2016" in t and "Source : " in t


def test_sector_size_gives_both_dates(kb):
    msgs, _ = run(
        figures.ActionStatistic(), tracker_for("combien d'entreprises d'économie sociale au Québec", "ask_statistic")
    )
    t = texts(msgs)
    assert "11 200" in t and "7 000" in t


def test_define(kb):
    msgs, _ = run(glossary.ActionDefine(), tracker_for("c koi un crm", "ask_definition", [ent("term", "crm")]))
    assert texts(msgs).startswith("Gestion de la relation client (CRM) :")
    msgs, _ = run(glossary.ActionDefine(), tracker_for("c'est quoi un flux capacitor", "ask_definition"))
    assert "glossaire" in texts(msgs) and "Source" not in texts(msgs)


def test_advice_on_suppliers(kb):
    msgs, _ = run(advice.ActionAdvice(), tracker_for("comment choisir un fournisseur", "ask_advice"))
    # the supplier advice, introduced as such
    assert texts(msgs).startswith("Pour choisir et suivre un fournisseur") and "Source : " in texts(msgs)


def test_the_challenges_and_the_keys_asked_are_listed_whole(kb):
    msgs, _ = run(advice.ActionAdvice(), tracker_for("quels sont les grands défis des entreprises ?", "ask_advice"))
    said = texts(msgs)
    assert said.startswith("Les principaux défis") and "Mobiliser et sensibiliser" in said and "compétences" in said
    msgs, _ = run(advice.ActionAdvice(), tracker_for("c'est quoi les six clés de PME 2.0 ?", "ask_advice"))
    said = texts(msgs)
    assert all(f"Clé {n} :" in said for n in range(1, 7)) and said.index("Clé 1") < said.index("Clé 6")


@pytest.mark.parametrize(
    "entity, value, verdict",
    [
        (
            "org_category",
            "syndicat",
            "Syndicat : non admissible au programme. D'après la définition d'une entreprise d'économie sociale",
        ),
        (
            "legal_form",
            "entreprise privée",
            "Entreprise privée à but lucratif : non admissible au programme. D'après la définition",
        ),
    ],
)
def test_one_line_eligibility_exclusions(kb, entity, value, verdict):
    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for(f"un {value} est admissible?", "ask_eligibility", [ent(entity, value)]),
    )
    assert texts(msgs).startswith(verdict) and "Source : " in texts(msgs)


def test_one_line_eligibility_obnl(kb):
    msgs, _ = run(
        eligibility.ActionEligibilityAnswer(),
        tracker_for("un OBNL est-il admissible?", "ask_eligibility", [ent("legal_form", "OBNL")]),
    )
    t = texts(msgs)
    # the point asked (the legal form), then what is left to check; no "possible" per volet
    assert t.startswith("Organisme à but non lucratif (OBNL) : oui, sur ce point.") and "possible" not in t
    assert "hors des catégories exclues" in t and "activités marchandes (OBNL)" in t and "établie au Québec" in t
    assert "Un conseiller confirmera." in t and "/start_screening" in payloads(msgs)


def test_knowledge_failure_gives_a_french_apology(monkeypatch, fresh_db_url):
    monkeypatch.setenv("DATABASE_URL", fresh_db_url)  # an empty database: no kb_* table
    msgs, events = run(programme.ActionProgramme(), tracker_for("programme", "ask_programme"))
    assert events == [] and texts(msgs) == KB_DOWN_MESSAGE


def test_generic_eligibility_answer_reads_the_knowledge_base(kb):
    msgs, _ = run(eligibility.ActionEligibilityAnswer(), tracker_for("qui est admissible?", "ask_eligibility"))
    t = texts(msgs)
    assert t.startswith("Entreprises collectives du Québec : coopératives, mutuelles et OBNL")
    assert "gouvernance démocratique" in t and "fédérations de coopératives" in t


def test_statistic_fallback_states_the_sample_from_the_knowledge_base(kb):
    msgs, _ = run(figures.ActionStatistic(), tracker_for("zzz qqq", "ask_statistic"))
    assert "auprès de 403 entreprises" in texts(msgs) and "(2016)" in texts(msgs)
