"""Answers built from retrieval (actions/answers.py) through the real actions, over a real SQLite KB."""

from __future__ import annotations

from actions import answers, cases, fallback, figures, programme
from common.language import ENGLISH_NOTICE, looks_english
from common.slots import LAST_RECORD_SLOT
from tests.actions.helpers import run, texts, tracker_for


def _slot(events, name):
    return next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name), None)


def test_the_figure_asked_of_a_named_case_not_its_card(kb):
    msgs, events = run(cases.ActionCases(), tracker_for("combien d'employés chez Groupe TAQ ?", "ask_cases"))
    assert "Groupe TAQ (Québec) — effectif : 260 personnes" in texts(msgs) and "\nSource : " in texts(msgs)
    assert _slot(events, LAST_RECORD_SLOT) == "case:case_07_groupe_taq"


def test_a_cost_question_gets_the_amount(kb):
    msgs, _ = run(cases.ActionCases(), tracker_for("defi polyteck leur erp a coute combien", "ask_cases"))
    assert "80 000 $" in texts(msgs)


def test_a_case_named_alone_still_gets_its_card_with_buttons(kb):
    msgs, _ = run(cases.ActionCases(), tracker_for("parlez-moi de groupe taq", "ask_cases"))
    assert "Le projet :" in texts(msgs) and any(m.get("buttons") for m in msgs)


def test_follow_up_resolves_to_the_case_in_context(kb):
    tracker = tracker_for(
        "et combien ça leur a coûté ?", "ask_amounts", slots={LAST_RECORD_SLOT: "case:case_02_defi_polyteck"}
    )
    reply = answers.follow_up("et combien ça leur a coûté ?", "case:case_02_defi_polyteck", None)
    assert reply is not None and "80 000 $" in reply.text
    msgs, _ = run(fallback.ActionAnswerOrClarify(), tracker)
    assert "80 000 $" in texts(msgs)


def test_top_concerns_are_listed_by_share(kb):
    msgs, _ = run(
        figures.ActionStatistic(),
        tracker_for("c'est quoi les principales preoccupations des dirigeants", "ask_statistic"),
    )
    text = texts(msgs)
    assert "83 %" in text and text.index("83 %") < text.index("74 %")


def test_partner_profile_says_whom_it_represents(kb):
    msgs, _ = run(programme.ActionPartners(), tracker_for("le CQCM ça représente qui ?", "ask_partners"))
    # The partner's own card answers (profile is a whole-record facet); it must name its role.
    assert "CQCM" in texts(msgs)


def test_fallback_answers_a_known_term_instead_of_buttons(kb):
    msgs, events = run(fallback.ActionAnswerOrClarify(), tracker_for("le tiess c koi", "nlu_fallback"))
    assert "innovation sociale" in texts(msgs) and "\nSource : " in texts(msgs)
    assert not any(e.get("event") == "followup" for e in events)


def test_fallback_hands_over_to_the_two_stage_fallback_when_nothing_fits(kb):
    msgs, events = run(fallback.ActionAnswerOrClarify(), tracker_for("asdfgh qwerty zxcv", "nlu_fallback"))
    assert msgs == []
    assert events == [{"event": "followup", "timestamp": None, "name": "action_two_stage_fallback"}]


def test_out_of_scope_still_says_so_for_a_pizza(kb):
    msgs, _ = run(fallback.ActionAnswerOrOutOfScope(), tracker_for("peux-tu me commander une pizza", "out_of_scope"))
    assert [m.get("response") for m in msgs] == ["utter_out_of_scope"]


def test_greeting_with_a_question_answers_the_question(kb):
    msgs, _ = run(fallback.ActionGreet(), tracker_for("bonjour, le TIESS c'est quoi au juste ?", "greet"))
    assert texts(msgs).startswith("Bonjour !") and "innovation sociale" in texts(msgs)
    msgs, _ = run(fallback.ActionGreet(), tracker_for("bonjour", "greet"))
    assert [m.get("response") for m in msgs] == ["utter_greet"]


def test_two_questions_in_one_message_get_two_answers(kb):
    assert answers.split_questions("c'est quoi le TIESS ? et combien d'employés chez Groupe TAQ ?") == [
        "c'est quoi le TIESS",
        "combien d'employés chez Groupe TAQ",
    ]
    msgs, _ = run(
        cases.ActionCases(), tracker_for("c'est quoi le TIESS ? et combien d'employés chez Groupe TAQ ?", "ask_cases")
    )
    assert "innovation sociale" in texts(msgs) and "260 personnes" in texts(msgs)


def test_one_question_is_not_split():
    assert answers.split_questions("qui est admissible au volet 2 ?") == ["qui est admissible au volet 2 ?"]
    assert answers.split_questions("en 3 lignes, c'est quoi le programme") == ["en 3 lignes, c'est quoi le programme"]


def test_english_is_noticed_in_english_and_still_answered(kb):
    assert looks_english("what is the program about and who can apply?")
    assert not looks_english("c'est quoi le programme pour les coops")
    assert not looks_english("CRM ERP")
    msgs, _ = run(programme.ActionProgramme(), tracker_for("what is the program about?", "ask_programme"))
    assert msgs[0]["text"] == ENGLISH_NOTICE and "entreprises collectives" in texts(msgs[1:])


def test_an_empty_facet_says_the_sources_are_silent(kb):
    from knowledge import retrieval

    hit = next(
        h for h in retrieval.search("combien d'employés MaisonNette", kinds=["case"], k=10) if h.facet == "staff"
    )
    if hit.text:  # the knowledge base learnt the figure: nothing to check here
        return
    reply = answers.render(hit)
    assert "nos sources ne donnent pas son effectif" in reply.text


def test_a_question_the_sources_do_not_answer_says_so_and_who_knows(kb):
    from actions import glossary

    msgs, _ = run(
        glossary.ActionDefine(), tracker_for("l'autodiagnostic ça prend combien de temps ?", "ask_definition")
    )
    text = texts(msgs)
    assert "sources" in text and "peut vous répondre" in text and "\nSource : " in text
    msgs, _ = run(programme.ActionProgramme(), tracker_for("c'est quoi le programme", "ask_programme"))
    assert "peut vous répondre" not in texts(msgs)  # an ordinary question is not taken for a silence


def test_a_person_named_in_the_sources(kb):
    msgs, _ = run(fallback.ActionAnswerOrClarify(), tracker_for("qui est Marie-Josée Paquette ?", "nlu_fallback"))
    assert texts(msgs).startswith("Marie-Josée Paquette : directrice générale")


def test_a_greeting_with_facts_notes_them_and_offers_the_screening(kb):
    from tests.actions.helpers import ent

    msgs, _ = run(
        fallback.ActionGreet(),
        tracker_for(
            "bonjour on est une coop de travail a rimouski, est-ce qu'on peut avoir de l'aide?",
            "greet",
            [ent("legal_form", "coop de travail"), ent("region", "rimouski")],
        ),
    )
    # the facts are noted and the question is answered for them: a verdict per volet for what is known
    said = texts(msgs)
    assert said.startswith("Bonjour !\nD'après ce que vous m'avez dit (coopérative, Bas-Saint-Laurent)")
    assert "• Volet 1 (Information et formation) : à confirmer" in said
    assert "• Volet 2 (Accompagnement à la planification stratégique en transformation numérique) : à confirmer" in said
    assert "Je peux vérifier ce qui manque en quelques questions." in said and "/start_screening" in str(msgs)


def test_follow_ups_on_a_case_whatever_the_intent(kb):
    """After the Défi Polyteck card: 'ils ont combien d'employés ?' and 'combien ça leur a coûté ?'
    are about that case, even when read as a question about eligibility or about amounts."""
    from actions import money_and_dates

    ctx = {LAST_RECORD_SLOT: "case:case_02_defi_polyteck"}
    msgs, _ = run(figures.ActionStatistic(), tracker_for("Ils ont combien d'employés ?", "ask_statistic", slots=ctx))
    assert texts(msgs).startswith("Défi Polyteck (Estrie) — effectif")
    msgs, _ = run(money_and_dates.ActionAmounts(), tracker_for("Combien ça leur a coûté ?", "ask_amounts", slots=ctx))
    assert "80 000 $" in texts(msgs)
    msgs, _ = run(money_and_dates.ActionAmounts(), tracker_for("combien d'employés chez Groupe TAQ", "ask_amounts"))
    assert "260 personnes" in texts(msgs)


def test_an_amount_question_about_a_silence_says_so(kb):
    from actions import money_and_dates

    msgs, _ = run(money_and_dates.ActionAmounts(), tracker_for("le webinaire c'est gratuit ?", "ask_amounts"))
    assert "30 000 $" not in texts(msgs) and "sources" in texts(msgs)
    msgs, _ = run(money_and_dates.ActionAmounts(), tracker_for("combien pour le volet 3", "ask_amounts"))
    assert "30 000 $" in texts(msgs) and "250 000 $" in texts(msgs)


def test_no_rendered_answer_states_a_number_the_seeds_do_not_write(kb, seeds_dir):
    """Every facet of every record, as the bot would say it: each number, amount, e-mail, phone and
    URL is written in a seed document (47,8 milliards, not the 47 800 000 000 a record stores)."""
    from bench.answers_scoring import SeedFacts, normalise
    from knowledge import retrieval

    seeds = SeedFacts.from_dir(seeds_dir)
    unknown = {}
    for doc in retrieval.index().docs + retrieval.index(opt_in=True).docs:
        hit = retrieval.Hit(doc.doc_id, doc.kind, doc.record_id, doc.facet, 1.0, doc.record, doc.text, 1.0, doc.names)
        found = seeds.unknown(normalise(answers.render(hit).text))
        if found:
            unknown[doc.doc_id] = found
    assert unknown == {}


def test_a_new_question_after_a_case_is_not_taken_for_a_follow_up(kb):
    ctx = {LAST_RECORD_SLOT: "case:case_07_groupe_taq"}
    msgs, _ = run(programme.ActionProgramme(), tracker_for("c'est quoi le programme", "ask_programme", slots=ctx))
    assert "Groupe TAQ" not in texts(msgs) and "entreprises collectives" in texts(msgs)
    msgs, _ = run(cases.ActionCases(), tracker_for("et les résultats ?", "ask_cases", slots=ctx))
    assert texts(msgs).startswith("Groupe TAQ (Québec) — résultats")


def test_volets_name_their_coordinator_and_two_volets_are_compared(kb):
    msgs, _ = run(programme.ActionVolets(), tracker_for("qui soccupe du volet 1", "ask_volets"))
    assert "Chantier de l'économie sociale" in texts(msgs)  # the volet's coordinator facet
    msgs, _ = run(programme.ActionVolets(), tracker_for("le volet 1 c'est quoi", "ask_volets"))
    assert "Coordonné par : Chantier de l'économie sociale." in texts(msgs)
    msgs, _ = run(
        programme.ActionVolets(), tracker_for("cest quoi la difference entre le volet 2 pis le volet 3", "ask_volets")
    )
    text = texts(msgs)
    assert "Volet 2 — " in text and "Volet 3 — " in text and text.index("Volet 2 — ") < text.index("Volet 3 — ")


def test_a_long_case_name_with_words_between_still_names_the_case(kb):
    reply = answers.named_facet("Qu'a fait la Coopérative de solidarité d'aide à domicile de la Haute-Côte-Nord ?")
    assert reply is not None and "tablettes" in reply.text
    reply = answers.named_facet("la coop d'aide a domicile de la haute cote nord a sauve combien de temps")
    assert reply is not None and "moins d'une heure" in reply.text


def test_each_clause_of_a_question_about_one_case_gets_its_facet(kb):
    reply = answers.named_facet("defi polyteck ils ont mis quoi en place pis ca a coute combien")
    assert reply is not None and "Prextra" in reply.text and "80 000 $" in reply.text
    reply = answers.named_facet("la mauve cest ou pis ils font quoi")
    assert reply is not None and "Saint-Vallier" in reply.text and "produits locaux et biologiques" in reply.text
    reply = answers.named_facet("sercovie cest quoi pis ils ont combien d'employes")
    assert reply is not None and "40 employés" in reply.text and "popote roulante" in reply.text


def test_a_phone_number_asked_and_not_given_is_said_missing(kb):
    extra = answers.admission("Quel est le numéro de téléphone du CQCM ?", "CQCM — pour le joindre : www.cqcm.coop")
    assert extra is not None and extra.startswith("Nos sources ne donnent pas de numéro de téléphone.")
    assert answers.admission("quel est le numero de tel du cefrio", "Téléphone : 418 523-3746") is None


def test_a_person_asked_by_role_and_organisation(kb):
    for question, name in (
        ("c qui la dg du CQCM", "Marie-Josée Paquette"),
        ("le dg de la cdrq cest qui", "Mathieu Vigneault"),
        ("c qui la pdg du cefrio quand le rapport est sorti", "Jacqueline Dubé"),
    ):
        reply = answers.named_facet(question) or answers.silence_or_person(question)
        assert reply is not None and name in reply.text, question
    by_role = answers.person_by_role("c qui la dg du CQCM")
    assert by_role is not None and by_role.text.startswith("Marie-Josée Paquette")
    assert answers.person_by_role("le programme s'adresse a qui") is None


def test_a_role_without_its_organisation_names_nobody(kb):
    # the 2017 report quotes a minister; today's minister is not in the sources
    assert answers.person_by_role("Qui est le ministre responsable du programme aujourd'hui ?") is None


def test_which_lead_lists_the_leading_figures_by_share(kb):
    reply = answers.figures_answer("c quoi les preoccupations d'affaires principales des entreprises")
    assert reply is not None and reply.text.index("83 %") < reply.text.index("74 %") < reply.text.index("73 %")
    reply = answers.figures_answer(
        "Sur quels réseaux sociaux les entreprises d'économie sociale sont-elles le plus présentes ?"
    )
    assert reply is not None and reply.text.startswith("• Entreprises présentes sur le réseau social Facebook : 76 %")
    assert "vendent en ligne" not in reply.text  # figures of the same facet that are not asked


def test_when_and_where_of_the_cefrio_report_and_its_survey(kb):
    for question, expected in (
        ("le rapport du cefrio est sorti quand", "13 juillet 2017"),
        ("Quand l'enquête du CEFRIO a-t-elle été réalisée ?", "du 26 mai au 28 juin 2016"),
        ("ou je peux trouver le rapport du cefrio", "cefr.io/es20"),
    ):
        reply = answers.any_answer(question)
        assert reply is not None and expected in reply.text and reply.source, question


def test_more_silences_are_said_with_who_knows(kb):
    for question, admitted in (
        ("L'auto-examen coûte-t-il quelque chose ?", "ne disent pas ce que l'autoexamen"),
        ("Y a-t-il un nombre maximal d'employés pour être admissible au programme ?", "ni maximale"),
        ("Combien de projets ont été refusés au volet 3 ?", "sans en donner le nombre"),
        (
            "La bonification du programme a-t-elle finalement été accordée par le gouvernement ?",
            "ne disent pas ce qui a été décidé",
        ),
        ("combien dentreprises ont eu la subvention de planification strategique", "ne disent pas combien"),
        ("Qui est le ministre responsable du programme aujourd'hui ?", "sans donner le nom d'un ministre"),
    ):
        reply = answers.silence_or_person(question)
        assert reply is not None and admitted in reply.text, question
    assert answers.silence_or_person("combien coute le volet 3") is None  # the sources say it


def test_a_short_common_word_of_a_silence_does_not_answer_for_it(kb):
    # "payer" is a phrase of organisation_cost; the question has its own answer (volet 2 pays advice)
    assert (
        answers.silence_or_person("Le programme peut-il payer notre nouveau logiciel de gestion des sinistres ?")
        is None
    )


def test_a_survey_figure_by_group_or_that_the_survey_does_not_give_it(kb):
    reply = answers.context_follow_up("pis selon la taille ca change tu?", "statistic:web_online_sales_total")
    assert reply is not None and reply.text.startswith("Nos sources ne donnent pas ce chiffre selon la taille.")
    assert "29 %" in reply.text
    reply = answers.context_follow_up("pis selon le secteur?", "statistic:web_online_sales_total")
    assert reply is not None and "secteur loisirs" in reply.text and "47 %" in reply.text


def test_a_question_read_as_a_figure_gets_the_record_that_answers_it(kb):
    reply = answers.figures_answer(
        "Les défis numériques des entreprises d'économie sociale sont-ils différents de ceux des autres PME ?"
    )
    assert reply is not None and "ressemblent beaucoup à ceux des autres PME" in reply.text
