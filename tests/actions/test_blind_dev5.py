"""Failures seen on a fresh blind bank (dev5, 2 December), each a family that recurs: "les 3
volets" read as the third volet; a second question in one message that names nothing ("combien
d'employés ?") dropped because it is about the same record as the first; "Québec" inside an
organisation's name read as the whole sector; a comparison with other Québec firms given before
the survey's own figure; "what share … are on Facebook" answered with the term "médias sociaux";
"la diff entre …" not read as a comparison; an organisation's usual work asked "en dehors du
programme" answered with its role in the programme; a question after a greeting unanswered."""

from __future__ import annotations

from actions import answers, programme
from knowledge import retrieval
from tests.actions.helpers import run, texts, tracker_for


def test_the_three_volets_are_all_three_not_the_third(kb):
    entities = [{"entity": "volet", "value": "3"}]  # what the NLU finds in "les 3 volets"
    msgs, _ = run(programme.ActionVolets(), tracker_for("cest quoi les 3 volets du programme", "ask_volets", entities))
    said = texts(msgs)
    assert "Information et formation" in said and "planification stratégique" in said and "30 000 $" in said
    # the third volet, asked as such, is still the third
    msgs, _ = run(programme.ActionVolets(), tracker_for("c'est quoi le 3e volet", "ask_volets", entities))
    assert "Information et formation" not in texts(msgs) and "30 000 $" in texts(msgs)
    assert "volet3" not in retrieval.index().query_tokens("les 3 volets")[0]
    assert "volet3" in retrieval.index().query_tokens("le volet 3")[0]


def test_a_second_short_question_is_about_the_record_of_the_first(kb):
    replies = answers.answers_for_parts(answers.split_questions("la mauve cest ou? combien demployes?"))
    assert replies is not None and len(replies) == 2
    assert "Saint-Vallier" in replies[0].text and "12 employés" in replies[1].text


def test_quebec_in_an_organisations_name_is_not_the_whole_sector(kb):
    question = (
        "De combien a augmenté le chiffre d'affaires des membres des Librairies indépendantes du Québec "
        "au plus fort de la crise ?"
    )
    assert answers.sector_figures_asked(question) == []
    reply = answers.any_answer(question)
    assert reply is not None and "1000 %" in reply.text
    assert answers.sector_figures_asked("combien d'emplois en économie sociale au Québec")


def test_the_surveys_own_figure_comes_before_a_comparison_with_other_firms(kb):
    reply = answers.figures_answer("Quelle proportion des entreprises sondées vend ses produits ou services en ligne ?")
    assert reply is not None
    lines = reply.text.splitlines()
    assert any("vendent leurs produits ou services en ligne" in line and "29 %" in line for line in lines)
    assert not lines[0].startswith("• Comparaison")
    hits = retrieval.search("vendent en ligne comparaison entreprises québécoises", kinds=("statistic",), k=6)
    assert hits[0].record["label"].startswith("Comparaison")
    # asked to compare, the comparison keeps its place
    assert answers._survey_first(hits, "et par rapport aux PME ?") == hits
    assert not answers._survey_first(hits, "combien vendent en ligne ?")[0].record["label"].startswith("Comparaison")


def test_a_share_asked_in_english_gets_the_figure_not_the_term(kb):
    reply = answers.any_answer("What share of the surveyed enterprises are on Facebook?")
    assert reply is not None and "76 %" in reply.text and "Facebook" in reply.text


def test_diff_asks_for_a_comparison(kb):
    replies = answers.compared("cest quoi la diff entre entreprise sociale pis entreprise d'economie sociale")
    assert replies is not None and len(replies) == 2
    assert "lucratives" in replies[0].text  # the social enterprise: private, for profit


def test_what_a_partner_does_apart_from_the_programme_is_its_profile(kb):
    for question in (
        "Que fait la CDRQ en temps normal, en dehors du programme ?",
        "Que fait la Coopérative de développement régional du Québec en dehors de ce programme ?",
    ):
        top = retrieval.search(question, k=1)[0]
        assert (top.record_id, top.facet) == ("cdrq", "profile"), question


def test_the_volets_full_names_name_them(kb):
    reply = answers.named_facet(
        "Quels outils sont offerts aux entreprises qui veulent demander l'accompagnement à la planification stratégique ?"
    )
    assert reply is not None and "guide de référence" in reply.text
    # "planifier" is no plan to invest: not the survey's investment figures
    assert (
        answers.uses_by_group(
            "Quels outils sont offerts aux entreprises qui veulent demander l'accompagnement à la planification "
            "stratégique ?"
        )
        is None
    )


def test_the_minister_at_the_time_of_the_report_is_named(kb):
    reply = answers.silence_or_person("Qui était la ministre de l'Économie quand le rapport du CEFRIO est paru ?")
    assert reply is not None and "Dominique Anglade" in reply.text


def test_retrieval_reads_the_question_not_what_the_visitor_says_of_themselves(kb):
    assert (
        answers.question_of("on est une petite coop de 4 personnes. on commence par quoi ?") == "on commence par quoi ?"
    )
    assert answers.question_of("on connait rien au numerique, par ou on commence") == "par ou on commence"
    # what comes first names the record asked about: the whole message is read
    for text in ("La Mauve, combien ca a coute", "Parlons de La Mauve. Combien ca a coute ?"):
        assert answers.question_of(text) == text


def test_follow_ups_on_a_survey_figure_stay_with_it(kb):
    first = answers.figures_answer("combien d'entreprises d'économie sociale vendent en ligne selon le CEFRIO?")
    assert first is not None and first.text.startswith("• Entreprises qui vendent leurs produits ou services en ligne")
    context = first.records[0]
    assert context == "statistic:web_online_sales_total"
    # another group: the same figure for it, or said missing with the figure in context
    sector = answers.follow_up("pis dans le secteur loisirs tourisme culture?", context, None)
    assert sector is not None and "47 %" in sector.text and "loisirs" in sector.text
    missing = answers.other_group("pis dans le secteur habitation?", context)
    assert missing is not None and missing.text.startswith("Nos sources ne donnent pas ce chiffre pour le secteur")
    # the same part of the report, the figure whose label says the negation and the intention
    nope = answers.context_follow_up("et celles qui vendent pas, elles comptent s'y mettre?", context)
    assert nope is not None and "86 %" in nope.text
    # another figure named
    facebook = answers.context_follow_up("ok, et Facebook?", context)
    assert facebook is not None and "76 %" in facebook.text


def test_whether_the_programme_pays_for_a_tool_is_answered_whatever_the_intent(kb):
    from actions import fallback

    for question in (
        "est-ce que vous financez le logiciel de rendez-vous lui-même?",
        "le volet 3 on pourrait tu avoir de l'argent pour notre CRM ?",
        "la subvention peut tu servir a acheter des ordis",
    ):
        assert answers.asks_what_is_paid(question), question
    for question in (
        "La Mauve a payé combien pour son logiciel ?",
        "les coops prevoient investir dans quels logiciels",
    ):
        assert not answers.asks_what_is_paid(question), question
    msgs, _ = run(
        fallback.ActionBotChallenge(),
        tracker_for("est-ce que vous financez le logiciel de rendez-vous lui-même?", "bot_challenge"),
    )
    assert "ne sert pas à acheter des outils" in texts(msgs)


def test_what_is_wrong_asks_why_the_verdict():
    from actions.screening import asks_why_verdict

    assert asks_why_verdict("c'est quoi exactement qui cloche?")
    assert asks_why_verdict("qu'est-ce qui cloche")
    assert not asks_why_verdict("c'est quoi le volet 2")


def test_the_share_of_respondents_in_a_size_band(kb):
    for question in (
        "Quelle proportion des entreprises interrogées compte moins de cinq employés ?",
        "Quelle proportion des entreprises sondées a moins de cinq employés ?",
    ):
        reply = answers.figures_answer(question)
        assert reply is not None and reply.text.startswith(
            "• Part des répondants qui comptent moins de 5 employés : 47 %"
        )
    # a figure of that band is not its share
    reply = answers.figures_answer(
        "quelle proportion des entreprises de moins de 5 employes utilisent les medias sociaux"
    )
    assert reply is not None and "69 %" in reply.text
    assert answers.survey_group("les petites entreprises genre moins de 5 employes")["value"] == "lt5"
    assert answers.survey_group("plus de 19 employes")["value"] == "20plus"


def test_the_minister_is_named_for_the_reports_time_not_for_today(kb):
    then = answers.silence_or_person("Qui était la ministre de l'Économie quand le rapport du CEFRIO est paru ?")
    assert then is not None and then.text.startswith("Dominique Anglade")
    today = answers.silence_or_person("Qui est le ministre responsable du programme aujourd'hui ?")
    assert today is not None and "Anglade" not in today.text and "ne" in today.text


def test_dates_are_not_data(kb):
    top = retrieval.search("c'est quoi les prochaines dates", k=3)
    assert all(h.record_id not in ("data_mining", "big_data") for h in top)
    assert retrieval.search("c quoi le big data", k=1)[0].record_id == "big_data"


def test_a_second_part_that_only_repeats_the_first_answer_is_asked_on_its_own(kb):
    replies = answers.answers_for_parts(
        answers.split_questions("le numerique peut tu aider pour gerer nos benevoles? ca change tout le temps")
    )
    assert replies is not None and len(replies) == 2 and replies[0].text != replies[1].text


def test_a_statement_about_us_before_another_question_is_no_eligibility_question(kb):
    from actions import cases

    slots = {"needs": ["erp"]}
    text = (
        "Finalement, c'est peut-être trop gros pour nous. Un outil plus simple comme celui d'UTILE, c'était quoi déjà ?"
    )
    msgs, _ = run(cases.ActionCases(), tracker_for(text, "ask_cases", slots=slots))
    assert "UTILE" in texts(msgs) and "admissible" not in texts(msgs) and "Volet 1" not in texts(msgs)


def test_the_partners_are_listed_by_their_full_names(kb):
    msgs, _ = run(
        programme.ActionPartners(), tracker_for("Quels sont les organismes partenaires du programme ?", "ask_partners")
    )
    said = texts(msgs)
    assert "Chantier de l'économie sociale (Chantier)" in said
    assert "Consortium de ressources et d'expertises coopératives" in said
    assert "Conseil québécois de la coopération et de la mutualité (CQCM)" in said


def test_a_term_said_in_full_is_answered_whatever_the_action(kb):
    from actions import kb as kb_actions

    text = "cest quoi les 3 familles de competences numeriques du cefrio"
    replies = kb_actions.retrieval_first(text, tracker_for(text, "ask_partners"))
    assert replies and replies[0].text.startswith("Compétences numériques")


def test_what_is_allowed_gets_the_rule_not_a_term(kb):
    from actions import kb as kb_actions

    for text in (
        "Une entreprise d'économie sociale a-t-elle le droit de distribuer ses surplus à ses membres ?",
        "on peut tu distribuer nos profits aux membres",
    ):
        replies = kb_actions.retrieval_first(text, tracker_for(text, "ask_eligibility"))
        assert replies and "interdisent ou limitent" in replies[0].text, text
    assert answers.rule_asked("c'est quoi une ristourne") is None


def test_who_to_contact_offers_the_check_first_when_the_visitor_said_who_they_are(kb):
    from actions import contact

    msgs, _ = run(
        contact.ActionContact(),
        tracker_for("Qui je contacte dans ma région?", "ask_contact", slots={"legal_form": "cooperative"}),
    )
    assert "/start_screening" in [b["payload"] for m in msgs for b in (m.get("buttons") or [])]
    msgs, _ = run(contact.ActionContact(), tracker_for("Qui je contacte dans ma région?", "ask_contact"))
    assert "/start_screening" not in [b["payload"] for m in msgs for b in (m.get("buttons") or [])]


def test_follow_ups_on_the_size_of_the_sector(kb):
    context = "sector_figure:cefrio2017_enterprises"
    year = answers.follow_up("et en 2017 ?", context, None)
    assert year is not None and "7 000" in year.text and "11 200" not in year.text
    jobs = answers.follow_up("et ça fait combien d'emplois, pour les deux chiffres ?", context, None)
    assert jobs is not None and "210 000" in jobs.text and "220 000" in jobs.text


def test_is_it_a_coop_after_a_case_is_about_the_case(kb):
    reply = answers.follow_up("C'est une coop ?", "case:case_culture_saguenay_lac_saint_jean", None)
    assert reply is not None and reply.text.startswith("Non. Culture Saguenay") and "OBNL" in reply.text
    reply = answers.follow_up("c'est une coop?", "case:case_08_la_mauve", None)
    assert reply is not None and reply.text.startswith("Oui. Coopérative La Mauve")
    # another case named: not the one in context
    assert answers.case_form_asked("et La Mauve c est une coop?", "case_11_utile") is None


def test_whether_a_project_type_is_financed(kb):
    assert answers.asks_what_is_paid("la cybersécurité ça rentre tu dans ce qui est financé?")
    assert "cybersécurité" in answers.not_covered()[0].text


def test_a_question_read_as_a_statement_gets_retrievals_whole_answer(kb):
    from actions import screening

    msgs, _ = run(screening.ActionNoteProfile(), tracker_for("on peut tu distribuer nos profits aux membres", "inform"))
    assert "interdisent ou limitent" in texts(msgs)


def test_why_asks_the_explanation_not_the_definition(kb):
    reply = answers.leading_fact(
        "Pourquoi une entreprise d'économie sociale doit-elle offrir ses services en mode hybride ?", advice=True
    )
    assert reply is not None and "pas accès" in reply.text


def test_an_it_person_by_revenue_is_a_survey_figure_not_the_sectors_size(kb):
    from actions import figures

    text = "La présence d'une ressource TI varie-t-elle selon le chiffre d'affaires ?"
    msgs, _ = run(figures.ActionStatistic(), tracker_for(text, "ask_statistic"))
    assert "24 %" in texts(msgs) and "15 %" in texts(msgs)


def test_examples_say_what_they_have_in_common(kb):
    from actions import cases

    msgs, _ = run(
        cases.ActionCases(), tracker_for("Est-ce que la friperie fait partie des exemples du CEFRIO ?", "ask_cases")
    )
    assert texts(msgs).startswith("Voici des exemples (commerce de détail")


def test_the_next_step_is_the_steps_not_a_piece_of_advice(kb):
    msgs, _ = run(
        programme.ActionHowToStart(),
        tracker_for("ok. C'est quoi la prochaine étape concrètement ?", "ask_how_to_start"),
    )
    assert texts(msgs).startswith("Pour commencer")
