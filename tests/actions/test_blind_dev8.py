"""Failures left from the dev7 blind bank and seen on dev8 (3 December), each a family that recurs."""

from __future__ import annotations

from actions import advice, answers, programme
from tests.actions.helpers import run, texts, tracker_for


def test_a_survey_figure_asked_of_another_topics_action_gets_the_figure(kb):
    """dev7 g094, g103: « les boss s'intéressent-tu au numérique », « combien pensent qu'ils doivent
    faire un virage numérique pour grandir » were read as advice and got advice; the figures
    (70 %, 42 %) lead retrieval."""
    reply = answers.figure_leads("combien pensent quils doivent faire un virage numerique pour grandir")
    assert reply is not None and "42 %" in reply.text
    reply = answers.figure_leads("les boss sinteressent tu au numerique dans ces orgs la")
    assert reply is not None and "70 %" in reply.text
    # through the advice action, as the NLU read it
    msgs, _ = run(
        advice.ActionAdvice(),
        tracker_for("combien pensent quils doivent faire un virage numerique pour grandir", "ask_advice"),
    )
    assert "42 %" in texts(msgs)
    # a piece of advice asked in words close to a figure stays advice
    assert answers.figure_leads("on part un projet de logiciel, faut tu prevoir un budget pour la formation") is None


def test_verb_forms_and_synonyms_the_stemmer_leaves_apart_meet(kb):
    """dev7 g088, g096: « Quel secteur vend le plus en ligne » missed the firms that « vendent »;
    « combien disent qu'ils ont pas l'argent qu'il faut » missed the « ressources financières »."""
    reply = answers.figures_answer("Quel secteur vend le plus en ligne, et dans quelle proportion?")
    assert reply is not None and "47 %" in reply.text and "loisirs" in reply.text
    reply = answers.figure_leads("combien disent quils ont pas largent quil faut pour le numerique")
    assert reply is not None and "52 %" in reply.text
    reply = answers.figures_answer("combien pensent quils doivent grandir grace au numerique")
    assert reply is not None and ("42 %" in reply.text or "49 %" in reply.text)
    # dev8 h087: « des sites adaptés au cell », « un gars des TI »
    from knowledge import retrieval

    top = retrieval.search("combien ont des sites adaptes au cell", kinds=("statistic",), k=1)
    assert top and "mobile" in top[0].record["label"]


def test_the_organisations_surveyed_pick_no_figure(kb):
    """dev8 h070, h076: « Quelle proportion des organisations interrogées a une personne-ressource en
    TI ? » got a perception (« leur organisation a les compétences »); « Combien d'entreprises
    d'économie sociale interrogées disposent d'un plan numérique ? » got the size of the sector."""
    reply = answers.figures_answer(
        "Quelle proportion des organisations interrogées a une personne-ressource en TI à l'interne ?"
    )
    assert reply is not None and reply.text.lstrip("• ").startswith("Entreprises qui ont à l'interne")
    assert "21 %" in reply.text
    reply = answers.figures_answer(
        "Combien d'entreprises d'économie sociale interrogées disposent déjà d'un plan numérique ?"
    )
    assert reply is not None and "17 %" in reply.text


def test_pis_then_a_subject_starts_another_question():
    """dev8 h008, h041: « combien de monde travaille chez Défi Polyteck pis la compagnie est née de
    quoi », « UTILE y ont combien d'employés pis leur budget TI annuel » got one facet of two."""
    assert answers.split_questions(
        "combien de monde travaille chez defi polyteck pis la compagnie est nee de quoi"
    ) == [
        "combien de monde travaille chez defi polyteck",
        "la compagnie est nee de quoi",
    ]
    assert answers.split_questions("utile yont combien demployes pis leur budget ti annuel") == [
        "utile yont combien demployes",
        "leur budget ti annuel",
    ]
    # two things compared are one question
    text = "cest quoi la difference entre le volet 2 pis le volet 3"
    assert answers.split_questions(text) == [text]


def test_each_question_joined_by_pis_gets_its_facet(kb):
    msgs, _ = run(
        programme.ActionVolets(), tracker_for("utile yont combien demployes pis leur budget ti annuel", "ask_volets")
    )
    text = texts(msgs)
    assert "10 employés" in text and "4 000 $" in text


def test_who_spoke_for_a_case(kb):
    """dev8 h056, h057: « qui a parlé au nom de Sercovie », « Qui a témoigné pour Défi Polyteck »
    got the card without the person."""
    reply = answers.named_facet("qui a parle au nom de sercovie dans le rapport du cefrio")
    assert reply is not None and "Rémi Demers" in reply.text
    reply = answers.named_facet("Qui a témoigné pour Défi Polyteck dans l'étude de cas ?")
    assert reply is not None and "Serge Sylvain" in reply.text
    # "parle-moi de…" is not "who spoke"
    assert answers.named_facet("parle moi de la mauve") is None


def test_the_programme_asked_for_what_the_visitor_said_they_are(kb):
    """dev8 hc08: « Nous sommes une mutuelle d'assurance en Beauce. Le programme s'applique-t-il aux
    mutuelles ? » got the programme's audience, no verdict and no offer to check."""
    msgs, _ = run(
        programme.ActionProgramme(),
        tracker_for(
            "Bonjour. Nous sommes une mutuelle d'assurance en Beauce. "
            "Le programme de transformation numérique s'applique-t-il aux mutuelles ?",
            "ask_programme",
        ),
    )
    text = texts(msgs)
    assert "D'après ce que vous m'avez dit (mutuelle" in text and "Volet 1" in text
    assert any("/start_screening" in str(b.get("payload")) for m in msgs for b in m.get("buttons") or [])


def test_a_part_leaning_on_the_case_before_stays_with_it(kb):
    """A part with no facet of the case before it but a sentence of it gets that sentence; « pis
    c'est quoi » does not split (« Culture Saguenay, qui les a accompagnés pis c'est quoi qui en est
    sorti » answered its second part with L'itinéraire when it did)."""
    replies = answers.answers_for_parts(
        answers.split_questions("combien de monde travaille chez defi polyteck pis la compagnie est nee de quoi")
    )
    assert replies is not None and "175 employés" in replies[0].text and "fusion" in replies[1].text
    text = "culture saguenay lac st jean qui les a accompagnes pis cest quoi qui en est sorti"
    assert answers.split_questions(text) == [text]


def test_how_long_the_survey_took_is_not_a_silence(kb):
    """dev8 h094: « Combien de temps durait en moyenne le questionnaire de l'enquête du CEFRIO ? » was
    told the sources give no response delay; they give 17 minutes."""
    text = "Combien de temps durait en moyenne le questionnaire de l'enquête du CEFRIO ?"
    assert answers.silence_or_person(text) is None
    reply = answers.leading_fact(text)
    assert reply is not None and "17 minutes" in reply.text


def test_the_map_of_digital_uses_asked_by_its_own_words(kb):
    """dev8 h128, h130: « Quels nouveaux développements technologiques le référentiel mentionne-t-il ? »
    got a winning condition; « Quels champs d'application … le référentiel couvre-t-il ? » was read
    as « does the programme cover an application? »."""
    reply = answers.leading_fact(
        "Quels nouveaux développements technologiques le référentiel des usages numériques mentionne-t-il ?"
    )
    assert reply is not None and "RFID" in reply.text
    text = "Quels champs d'application en entreprise le référentiel des usages numériques couvre-t-il ?"
    assert not answers.asks_what_is_paid(text)
    reply = answers.uses_overview(text)
    assert reply is not None and "Gestion des opérations" in reply.text and "Relation client" in reply.text
    # the programme paying for an application is still asked as such
    assert answers.asks_what_is_paid("le programme couvre tu une application mobile?")


def test_where_the_assets_go_when_the_coop_closes(kb):
    """dev8 h108: « si notre coop ferme ses portes les biens qui restent vont ou selon les regles »
    (no accent on « où ») was taken for a statement: « Noté : coopérative »."""
    text = "si notre coop ferme ses portes les biens qui restent vont ou selon les regles"
    assert answers.looks_like_question(text)
    reply = answers.criterion_answer(text)
    assert reply is not None and "reliquat" in reply.text
    assert not answers.looks_like_question("on est une coop ou un obnl")


def test_what_a_case_does_asked_second(kb):
    """dev2 e107, once « pis ils » split the message: « la mauve c'est où pis ils font quoi » answered
    « ils font quoi » with the regional poles."""
    replies = answers.answers_for_parts(answers.split_questions("la mauve cest ou pis ils font quoi"))
    assert replies is not None and "Saint-Vallier" in replies[0].text
    assert "produits locaux et biologiques" in replies[1].text


def test_a_part_of_the_map_of_digital_uses_leads_only_far_ahead(kb):
    """dev3 f019, once the map of digital uses could lead: « une paroisse qui a une friperie ça compte
    tu comme économie sociale » got « rendre des comptes »."""
    assert answers.leading_fact("une paroisse qui a une friperie ca compte tu comme economie sociale") is None


def test_follow_ups_on_a_case_in_everyday_words(kb):
    """dev8 hc03, hc05, hc06: after a case, « ils sont combien d'employés là-bas ? » got its lessons
    (« là-bas » read as « base »), « pis leur première plateforme a tu marché ? » its founding (a
    market), « leur campagne a rapporté combien ? » nothing, « ça a donné quoi comme
    recommandations ? » a piece of advice."""
    reply = answers.follow_up("ils sont combien d'employés là-bas?", "case:case_08_la_mauve", None)
    assert reply is not None and "12 employés" in reply.text
    reply = answers.follow_up("pis leur premiere plateforme a tu marche?", "case:case_08_la_mauve", None)
    assert reply is not None and "échec" in reply.text
    reply = answers.follow_up("leur campagne a rapporte combien?", "case:case_12_euguelienne", None)
    assert reply is not None and "30 000 $" in reply.text
    assert answers.refers_back("ça a donné quoi comme recommandations?")
    reply = answers.follow_up(
        "ça a donné quoi comme recommandations?", "case:case_culture_saguenay_lac_saint_jean", None
    )
    assert reply is not None and "cybersécurité" in reply.text


def test_a_share_of_the_firms_with_a_term_said_in_full_is_a_figure(kb):
    """dev8 hc04: « Dans l'enquête du CEFRIO, quelle part des entreprises a une ressource TI à
    l'interne ? » got the definition of the term, then « nos sources ne donnent pas ce pourcentage »."""
    text = "Dans l'enquête du CEFRIO, quelle part des entreprises a une ressource TI à l'interne ?"
    assert answers.leading_fact(text) is None
    reply = answers.figures_answer(text)
    assert reply is not None and "21 %" in reply.text.split("\n")[0]


def test_the_sentence_of_a_case_that_answers_the_question(kb):
    """dev8 h012, h039, h042: the sentence that answered was not found: « ses préposés » against the
    record's « une préposée » (two stems), « objectifs directeurs » against « principes », « quel
    nouveau public » against « rejoindre les jeunes » (the seed: « un nouveau segment de marché : les
    jeunes »)."""
    from knowledge import retrieval
    from knowledge.cases import get

    found = retrieval.best_passages(
        "case",
        get("case_03_csad_haute_cote_nord"),
        "Comment la coopérative d'aide à domicile de la Haute-Côte-Nord a-t-elle préparé la formation de ses "
        "préposés avant de passer aux tablettes ?",
    )
    assert any("2 semaines" in x for x in found)
    found = retrieval.best_passages(
        "case", get("case_11_utile"), "Quels objectifs directeurs UTILE s'est-il donnés pour son projet numérique ?"
    )
    assert any("transparence" in x for x in found)
    found = retrieval.best_passages(
        "case", get("case_10_itineraire"), "litineraire visait quel nouveau public avec son virage numerique"
    )
    assert any("jeunes" in x for x in found)


def test_a_figure_compared_between_groups_gives_every_group(kb):
    """dev8 h091: « Les entreprises ayant un chiffre d'affaires de 100 000 $ et plus ont-elles plus
    souvent une ressource TI interne que les plus petites ? » got the 24 % without the 15 %."""
    reply = answers.figures_answer(
        "Les entreprises ayant un chiffre d'affaires de 100 000 $ et plus ont-elles plus souvent une "
        "ressource TI interne que les plus petites ?"
    )
    assert reply is not None and "24 %" in reply.text and "15 %" in reply.text
    # no comparison asked: the figure asked only
    reply = answers.figures_answer(
        "quelle part des entreprises de 100 000 $ et plus de chiffre d'affaires ont une ressource TI interne"
    )
    assert reply is not None and "24 %" in reply.text and "15 %" not in reply.text


def test_a_count_asked_of_a_term_is_not_a_share(kb):
    """dev2 e159, dev7 g200, once a share asked kept a term from leading: « pme 2.0 première phase ça
    a aidé combien d'entreprises » is the term's count (30), not a share of the survey."""
    reply = answers.leading_fact("pme 2.0 premiere phase ca a aide combien d'entreprises")
    assert reply is not None and "30 PME" in reply.text


def test_the_launch_named_in_passing_is_no_question_about_its_date(kb):
    """dev8 h104: « Combien de coopératives compte-t-on parmi les 11 200 entreprises d'économie
    sociale mentionnées au lancement du programme ? » was told the launch is not dated."""
    assert (
        answers.silence_or_person(
            "Combien de coopératives compte-t-on parmi les 11 200 entreprises d'économie sociale mentionnées "
            "au lancement du programme ?"
        )
        is None
    )
    reply = answers.silence_or_person("le lancement du programme c'etait quand")
    assert reply is not None and "pas datée" in reply.text


def test_par_rapport_a_is_no_result(kb):
    """dev8 h053, once « rapporté » asked for a case's results: « … voulait récupérer par rapport à sa
    plateforme transactionnelle ? » got the results, not the project (« reprendre le contrôle »)."""
    reply = answers.named_facet(
        "Qu'est-ce que la coopérative des Librairies indépendantes du Québec voulait récupérer par rapport à "
        "sa plateforme transactionnelle ?"
    )
    assert reply is not None and "contrôle" in reply.text


def test_follow_ups_about_elles_keep_the_group_in_context(kb):
    """dev8 hc04: after the share of firms with an in-house IT resource, « et celles-là, elles
    utilisent plus l'infonuagique que les autres ? », « pis pour le plan numérique, elles sont à
    combien ? », « et l'intérêt de la haute direction chez elles ? » got the whole survey's figures."""
    reply = answers.follow_up(
        "et celles-là, elles utilisent plus l'infonuagique que les autres?", "statistic:it_resource_inhouse_total", None
    )
    assert reply is not None and "55 %" in reply.text and "39 %" in reply.text
    reply = answers.follow_up(
        "pis pour le plan numérique, elles sont à combien?", "statistic:usage_cloud_it_with", None
    )
    assert reply is not None and "23 %" in reply.text and "17 %" not in reply.text
    reply = answers.follow_up("et l'intérêt de la haute direction chez elles?", "statistic:usage_cloud_it_with", None)
    assert reply is not None and "79 %" in reply.text


def test_eligibility_questions_with_a_controller_or_a_single_coop(kb):
    """dev h109: « Une organisation dont les décisions sont prises par la municipalité peut-elle être
    une entreprise d'économie sociale ? » was answered on the legal form alone, without the public
    control; dev d026: « Nous sommes une petite coop indépendante, pas membre d'une fédération.
    Peut-on obtenir l'aide financière du volet 3 ? » was told « oui pour le volet 3, sur ce point »."""
    from actions.eligibility import ActionEligibilityAnswer
    from tests.actions.helpers import ent

    text = (
        "Une organisation dont les décisions sont prises par la municipalité peut-elle être une entreprise "
        "d'économie sociale ?"
    )
    msgs, _ = run(ActionEligibilityAnswer(), tracker_for(text, "ask_eligibility", [ent("legal_form", "municipalité")]))
    assert "contrôle décisionnel" in texts(msgs)
    text = "Nous sommes une petite coop indépendante, pas membre d'une fédération. Peut-on obtenir l'aide financière du volet 3 ?"
    msgs, _ = run(
        ActionEligibilityAnswer(),
        tracker_for(text, "ask_eligibility", [ent("legal_form", "coop"), ent("volet", "3")]),
    )
    said = texts(msgs)
    assert "non admissible pour le volet 3" in said and "le volet 1" in said and "le volet 2" in said


def test_how_long_after_a_case_is_its_duration(kb):
    """dev dc20: « en combien de temps ? » after L'Euguélienne's campaign was told the sources give no
    response delay; the record says 42 days."""
    reply = answers.context_follow_up("en combien de temps ?", "case:case_12_euguelienne")
    assert reply is not None and "42 jours" in reply.text
    assert answers.follow_up("en combien de temps ?", "case:case_02_defi_polyteck", None) is None
