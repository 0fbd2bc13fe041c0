"""Failures seen on a fresh blind bank (dev4, 2 December), each one a family that recurred in
the other blind banks: a figure of an organisation the question names, answered with survey
figures; words of the whole sector ("entreprises d'économie sociale") picking the figures of the
sharing economy; a term whose own words make the question (the three families of digital skills)
answered with survey figures; a follow-up on a volet that kept the volet when the question named
the deadlines or another offer; facts that rule a visitor out ("on vend rien", assets to the
founders) only "noted"; a question of fact misread as "are you a bot?"."""

from __future__ import annotations

from actions import answers, fallback, screening
from tests.actions.helpers import run, texts, tracker_for


def test_a_figure_of_a_named_organisation_comes_from_its_record(kb):
    for question, expected in (
        ("le cqcm represente combien de coops pis de mutuelles", ("3 160", "26 mutuelles")),
        ("Quel budget TI la SODER consacre-t-elle chaque année ?", ("170 000 $",)),
    ):
        reply = answers.figures_answer(question)
        assert reply is not None and all(e in reply.text for e in expected), (question, reply)
    # the survey's own figure is not taken over by the organisation that ran it
    assert answers.figures_answer("Combien d'entreprises ont participé à l'enquête du CEFRIO ?") is None


def test_survey_figures_ignore_the_words_of_the_whole_sector(kb):
    reply = answers.figures_answer(
        "Quelle proportion des entreprises d'économie sociale ont une personne-ressource en TI à l'interne ?"
    )
    assert reply is not None and reply.text.startswith("• Entreprises qui ont à l'interne une personne-ressource en TI")
    assert "21 %" in reply.text.splitlines()[0]
    # the sharing economy is a survey question, not the size of the sector
    assert (
        answers.sector_figures_asked(
            "Combien d'entreprises d'économie sociale œuvrent déjà dans l'économie de partage ?"
        )
        == []
    )


def test_a_term_that_makes_the_question_beats_the_survey(kb):
    reply = answers.figures_answer("Quelles sont les trois familles de compétences numériques définies par le CEFRIO ?")
    assert reply is not None and all(w in reply.text for w in ("techniques", "collaboratives", "analytiques"))
    # a term named in passing does not ("entreprise d'économie sociale en aide à domicile")
    reply = answers.figures_answer(
        "Sur quels réseaux sociaux les entreprises d'économie sociale sont-elles le plus présentes ?"
    )
    assert reply is not None and "Facebook" in reply.text


def test_a_follow_up_on_a_volet_gives_way_to_what_the_question_names(kb):
    context = "volet:volet_3"
    # the dates asked after the volet 3 are that volet's (dev7 gc12: "pis on dépose ça quand ?")
    dated = answers.follow_up("pis c'est quand les dates de depot?", context, None)
    assert dated is not None and "24 janvier" in dated.text and "l'année n'est pas précisée" in dated.text
    assert (
        answers.context_follow_up("finalement on va peut-etre juste commencer par de la formation, ya quoi?", context)
        is None
    )
    reply = answers.follow_up("pis combien on peut avoir?", context, None)
    assert reply is not None and "250 000 $" in reply.text


def test_a_fact_that_rules_the_visitor_out_gets_the_verdict(kb):
    for text, why in (
        ("Non on ne vend rien, tout vient de subventions", "activités marchandes"),
        ("nos reglements disent que si on ferme les actifs sont remis aux 3 fondateurs. c'est grave?", "reliquat"),
    ):
        tracker = tracker_for(text, "inform", slots={"legal_form": "nonprofit"})
        msgs, events = run(screening.ActionNoteProfile(), tracker)
        said = texts(msgs)
        assert "Volets 1 et 2 : non admissibles" in said and why in said, said
        assert any(
            e.get("event") == "slot" and e.get("name") in ("market_activities", "dissolution_rule") for e in events
        )
    # a fact that rules out only the volet 3 is noted, as before
    assert not screening._rules_out(tracker_for("pas une federation", "inform"), {"is_network": False})


def test_a_question_of_fact_read_as_are_you_a_bot_is_answered(kb):
    msgs, _ = run(fallback.ActionBotChallenge(), tracker_for("le volet 3 donne combien au maximum ?", "bot_challenge"))
    assert "250 000 $" in texts(msgs)
    msgs, _ = run(fallback.ActionBotChallenge(), tracker_for("es-tu un robot ?", "bot_challenge"))
    assert [m.get("response") for m in msgs] == ["utter_iamabot"]


def test_the_survey_of_the_cefrio_is_not_the_cefrio(kb):
    reply = answers.figures_answer("c'etait quoi l'enquete du cefrio sur l'economie sociale?")
    assert reply is not None and "403" in reply.text


def test_a_follow_up_on_a_survey_figure(kb):
    # it names another figure: that figure, not the one in context again
    reply = answers.follow_up("pis sur facebook?", "statistic:web_online_sales_total", None)
    assert reply is not None and "Facebook : 76 %" in reply.text
    # it names none and refers back: the figures asked, for the group in context
    reply = answers.context_follow_up(
        "pis elles prevoient investir dans quoi?", "statistic:usage_social_media_sector_agri_resources_energy"
    )
    assert reply is not None and reply.text.startswith(
        "• Entreprises qui prévoient investir dans un site Web informationnel"
    )
    assert all("secteur agroalimentaire" in line for line in reply.text.splitlines())


def test_a_named_term_among_rare_words_and_a_case_ranked_by_what_is_asked(kb):
    reply = answers.any_answer("c'est quoi la GED dont tu parles dans les tableaux?")
    assert reply is not None and reply.text.startswith("Gestion électronique des documents (GED)")
    from knowledge import cases

    found = cases.search(text="vous avez un exemple d'organisme pour aines qui a informatise ses inscriptions?")
    assert found[0]["case"]["id"] == "case_01_sercovie"


def test_the_form_asked_about_is_kept_as_the_visitors_own_until_they_say_otherwise(kb):
    """dev3 fc06: "Les coopératives funéraires, ça entre dans l'économie sociale ?" then "Bon, la
    nôtre alors : est-ce qu'on est admissibles ?" was asked the legal form again."""
    from actions.eligibility import ActionEligibilityAnswer
    from tests.actions.helpers import ent

    text = "Les coopératives funéraires, ça entre dans l'économie sociale ?"
    msgs, events = run(
        ActionEligibilityAnswer(), tracker_for(text, "ask_eligibility", [ent("legal_form", "coopératives")])
    )
    assert "Coopérative : oui" in texts(msgs)
    assert [(e["name"], e["value"]) for e in events if e.get("event") == "slot"] == [("legal_form", "cooperative")]
    # what the visitor already said of their own organisation is not replaced
    tracker = tracker_for(
        text, "ask_eligibility", [ent("legal_form", "coopératives")], slots={"legal_form": "nonprofit"}
    )
    _, events = run(ActionEligibilityAnswer(), tracker)
    assert not [e for e in events if e.get("event") == "slot" and e.get("name") == "legal_form"]


def test_a_criterion_asked_as_a_definition_gets_its_rule(kb):
    """dev3 fc18: "pis la règle de dissolution ça veut dire quoi exactement" → "not in my glossary"."""
    from actions.glossary import ActionDefine

    msgs, _ = run(
        ActionDefine(), tracker_for("pis la regle de dissolution ca veut dire quoi exactement", "ask_definition")
    )
    assert "reliquat" in texts(msgs) and "objectifs semblables" in texts(msgs)
    msgs, _ = run(ActionDefine(), tracker_for("c'est quoi un flurbo", "ask_definition"))
    assert texts(msgs).startswith("Je ne trouve pas ce terme")


def test_the_second_question_of_a_message_about_what_the_first_named(kb):
    """dev4 f082: "… L'itinéraire et quand a-t-elle été lancée ?" got the volet 3 filing dates too."""
    text = "Comment s'appelle l'édition numérique du magazine L'itinéraire et quand a-t-elle été lancée ?"
    replies = answers.answers_for_parts(answers.split_questions(text))
    assert not replies or all("janvier" not in r.text for r in replies)


def test_a_person_named_in_full_and_who_helped_a_case(kb):
    reply = answers.named_person("martin noel il fait quoi dans tout ca")
    assert reply is not None and "Librairies indépendantes" in reply.text and "conseiller principal" in reply.text
    assert answers.named_person("joyeux noel") is None  # a surname alone is a word
    reply = answers.named_facet("culture saguenay lac st jean qui les a aides")
    assert reply is not None and "Consortium de ressources et d'expertises coopératives" in reply.text


def test_who_funds_the_programme_is_its_funder_facet(kb):
    reply = answers.named_facet("Qui finance le programme de transformation numérique des entreprises collectives ?")
    assert reply is not None and "(MEI)" in reply.text and "Offensive de transformation numérique" in reply.text


def test_the_lists_of_the_map_of_digital_uses(kb):
    """Asked in four blind banks: the families, the fields, the trends of annex 5, as a list."""
    reply = answers.uses_overview(
        "Quelles familles d'usages et de technologies numériques le référentiel présente-t-il ?"
    )
    assert reply is not None and all(
        f in reply.text for f in ("Bureautique", "Communications", "Opérations financières", "Nouveaux développements")
    )
    reply = answers.uses_overview("cest quoi les nouvelles technos a surveiller en eco sociale")
    assert reply is not None and "Chaîne de blocs" in reply.text and "Objets connectés" in reply.text
    # one family asked: its own record, not the list
    text = "Dans le référentiel, l'inscription en ligne et le paiement en ligne relèvent de quelle famille d'usages ?"
    assert answers.uses_overview(text) is None
    assert answers.any_answer(text).text.startswith("Opérations financières")


def test_a_change_of_rules_after_a_verdict_says_what_they_would_have_to_say(kb):
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.screening import VERDICT_INTRO, verdict_follow_up

    base = tracker_for(
        "et si on modifie nos reglements a la prochaine AG?",
        "nlu_fallback",
        slots={"legal_form": "nonprofit", "market_activities": True, "dissolution_rule": False},
    )
    tracker = Tracker(
        sender_id="t",
        slots=base.slots,
        latest_message=base.latest_message,
        events=[{"event": "bot", "text": f"{VERDICT_INTRO} …"}] + list(base.events),
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    assert verdict_follow_up(dispatcher, tracker, tracker.latest_message["text"]) == []
    said = texts(dispatcher.messages)
    assert said.startswith("Ce qui bloque aujourd'hui") and "objectifs semblables" in said


def test_a_question_about_us_is_the_eligibility_actions_not_a_record(kb):
    """dev2 ec08: "nous sommes une mutuelle… Le programme s'adresse-t-il aussi aux mutuelles ?" got
    the programme's audience once the programme's facets were answered like a record's."""
    from actions.eligibility import ActionEligibilityAnswer
    from tests.actions.helpers import ent

    text = "Bonjour, nous sommes une mutuelle d'assurance régionale. Le programme s'adresse-t-il aussi aux mutuelles ?"
    msgs, events = run(ActionEligibilityAnswer(), tracker_for(text, "ask_eligibility", [ent("legal_form", "mutuelle")]))
    assert texts(msgs).startswith("D'après ce que vous m'avez dit (mutuelle)")
    assert ("legal_form", "mutual") in [(e["name"], e["value"]) for e in events if e.get("event") == "slot"]


def test_survey_facets_asked_in_everyday_words(kb):
    reply = answers.figures_answer("les entreprises investissent combien en techno par annee en general")
    assert reply is not None and "49 %" in reply.text
    reply = answers.figures_answer("les dg sont tu interesses au numerique en general ou pas")
    assert reply is not None and "70 %" in reply.text


def test_thanks_then_a_question_answers_the_question(kb):
    from actions.screening import ActionThank

    msgs, _ = run(ActionThank(), tracker_for("Merci. Et c'est quoi la mission de l'UTILE au juste ?", "thank"))
    assert texts(msgs).startswith("Avec plaisir !") and "UTILE" in texts(msgs)
    msgs, _ = run(ActionThank(), tracker_for("merci beaucoup!", "thank"))
    assert [m.get("response") for m in msgs] == ["utter_thank"]


def test_when_a_case_was_founded_and_fillers_that_ask_nothing(kb):
    reply = answers.named_facet("ok, autre chose: le Journal Ensemble, il a été fondé quand?")
    assert reply is not None and "2010" in reply.text
    reply = answers.named_facet("Changement de sujet : l'UTILE utilise quelle plateforme ?")
    assert reply is not None and "Podio" in reply.text


def test_a_follow_up_asking_two_facets_gets_both(kb):
    """dev3 fc22: "pis ils ont combien d'employés pis quel chiffre d'affaires" after La Mauve."""
    reply = answers.follow_up(
        "pis ils ont combien d employes pis quel chiffre d affaires", "case:case_08_la_mauve", None
    )
    assert reply is not None and "900 000 $" in reply.text and "12 employés" in reply.text


def test_who_is_excluded_and_why_a_distinct_programme(kb):
    assert answers.asks_who_is_excluded("Dommage. Qui d'autre est exclu ?")
    assert not answers.asks_who_is_excluded("qu'est-ce qui est exclu des dépenses ?")
    reply = answers.criterion_answer("Dommage. Qui d'autre est exclu ?")
    assert reply is not None and "partis politiques" in reply.text
    for question in (
        "Pourquoi a-t-on fait un programme à part pour l'économie sociale au lieu d'utiliser les programmes des PME ?",
        "Qui a dit que les entreprises collectives ont des spécificités qui justifient un programme distinct ?",
    ):
        reply = answers.leading_fact(question)
        assert reply is not None and "Marie-Josée Paquette" in reply.text and "spécificités" in reply.text
    assert answers.leading_fact("qui est admissible?") is None


def test_a_partner_named_as_a_source_is_not_the_subject(kb):
    """dev3 fc19: "la friperie fait partie des exemples du CEFRIO ?" got the CEFRIO's role."""
    assert answers.named_facet("Est-ce que la friperie fait partie des exemples du CEFRIO ?") is None
    reply = answers.named_facet("que fait le CQCM dans le programme")
    assert reply is not None and "rôle dans le programme" in reply.text


def test_a_leading_fact_or_named_term_over_a_fixed_answer(kb):
    """dev2 e050, e051, e160: the report's date and address, PME 2.0's second phase, asked in words
    the NLU reads as the deadlines or the contacts."""
    for question, expected in (
        ("le rapport du cefrio est sorti quand", "13 juillet 2017"),
        ("ou je peux trouver le rapport du cefrio", "cefr.io/es20"),
    ):
        reply = answers.leading_fact(question)
        assert reply is not None and expected in reply.text, question
    reply = answers.leading_fact("Jusqu'à quand se déroule la deuxième phase de PME 2.0 ?", terms=True)
    assert reply is not None and "2018" in reply.text
    assert answers.leading_fact("Jusqu'à quand se déroule la deuxième phase de PME 2.0 ?") is None
    # the families of a term are not the families of digital uses
    assert answers.uses_overview("c quoi les 3 familles de competences numeriques") is None


def test_a_leading_piece_of_advice_answers_whatever_the_intent(kb):
    """dev2 e144, e145: a challenge of the CEFRIO report asked in the visitor's words."""
    reply = answers.leading_fact("les mauvaises experiences numeriques cest a cause de la techno?", advice=True)
    assert reply is not None and "rarement" in reply.text
    reply = answers.leading_fact("le numerique ca va tu faire perdre des jobs chez nous?", advice=True)
    assert reply is not None and "satisfaction des employés" in reply.text
    assert answers.leading_fact("les mauvaises experiences numeriques cest a cause de la techno?") is None


def test_what_comes_after_the_plan_is_not_how_long_it_lasts(kb):
    """Three blind banks: "une fois le plan stratégique terminé, quelle est la suite ?"."""
    for question in (
        "Une fois notre plan stratégique numérique terminé avec la CDRQ, quelle est la suite ?",
        "quesse qui arrive apres quon a fait le plan strategique",
    ):
        assert answers.silence_or_person(question) is None
        reply = answers.leading_fact(question)
        assert reply is not None and "MEI" in reply.text
    reply = answers.silence_or_person("le plan strategique ca dure combien de temps")
    assert reply is not None and "durée" in reply.text


def test_what_the_programme_does_not_pay_for_is_said_and_cited(kb):
    """dev4 f026: the software is not paid for (the CDRQ's article), cited as such."""
    reply = answers.named_facet("Le programme peut-il payer l'achat de logiciels pour notre coop ?")
    assert reply is not None and "pas l'achat d'outils" in reply.text
    assert "article sur le service de la CDRQ" in reply.source, reply.source
    # "le programme" names the programme in most questions: only a confident match answers from it
    for question in (
        "La bonification du programme a-t-elle finalement été accordée par le gouvernement ?",  # dev d167
        "Une mutuelle peut-elle profiter du programme ?",  # dev d024
    ):
        assert answers.named_facet(question) is None, question


def test_questions_in_english_reach_the_same_records(kb):
    """Each blind bank has a few English questions (the notice is said, then the answer)."""
    reply = answers.figures_answer("Which social networks are social economy enterprises most present on?")
    assert reply is not None and reply.text.startswith("• Entreprises présentes sur le réseau social Facebook : 76 %")
    reply = answers.named_facet("How many items are in Le Grand Costumier's inventory?")
    assert reply is not None and "90 000" in reply.text
    reply = answers.named_facet("And who leads the CDRQ?")
    assert reply is not None and "Mathieu Vigneault" in reply.text


def test_the_rule_of_dissolution_and_the_split_of_the_sector(kb):
    """dev d027, d062."""
    reply = answers.criterion_answer("Si une entreprise d'économie sociale est dissoute, qu'arrive-t-il à ses biens ?")
    assert reply is not None and "objectifs semblables" in reply.text
    asked = answers.sector_figures_asked(
        "Dans le portrait de 2017, comment se répartissaient les 7 000 entreprises entre coops et OBNL ?"
    )
    assert {(f["indicator"], f["value"]) for f in asked} >= {("cooperatives", 3300), ("nonprofits", 3700)}


def test_head_counts_and_clients_of_a_case(kb):
    """dev d088, d111: "combien de préposés pis de clients", "combien de lecteurs et d'employés"."""
    reply = answers.named_facet("la coop daide a domicile haute cote nord a combien de preposes pis de clients")
    assert reply is not None and "26 préposés" in reply.text and "270" in reply.text
    reply = answers.named_facet("Combien de lecteurs et d'employés compte L'itinéraire ?")
    assert reply is not None and "14 employés" in reply.text and "15 000" in reply.text
    assert reply.text.count("14 employés") == 1
    assert answers.named_facet("parle moi de la mauve") is None  # the card: the case action says it


def test_did_it_work_the_first_time_asks_the_lessons(kb):
    """dev4 fc14: "ça a tu marché du premier coup ?" after Sercovie got its results."""
    reply = answers.follow_up("ca a tu marche du premier coup?", "case:case_01_sercovie", None)
    assert reply is not None and "leçons tirées" in reply.text and "un échec" in reply.text
