"""Retrieval over the whole knowledge base (knowledge/retrieval.py), on the real KB built from
the YAML sources: questions typed the way visitors type (phone style, no accents, typos, Québec
French, English words) find the right record and facet; hostile input gives [] or sane hits;
every record is reachable by its own name; a query costs well under 10 ms."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge import retrieval, store

# (query, expected, within): `expected` is a doc id ("kind:record#facet"), a record
# ("kind:record", any facet) or a tuple of accepted ones; the best accepted hit must rank
# within the first `within` hits.
RANKING = [
    ("combien demployes chez groupe taq", "case:case_07_groupe_taq#staff", 1),
    ("Combien d’employés chez Groupe TAQ ?", "case:case_07_groupe_taq#staff", 1),
    ("how many employees at groupe taq", "case:case_07_groupe_taq#staff", 1),
    ("defi polyteck leur erp a coute combien", "case:case_02_defi_polyteck#cost", 1),
    ("ERP cost polyteck", "case:case_02_defi_polyteck#cost", 1),
    ("defi polytek employes", "case:case_02_defi_polyteck#staff", 1),
    ("le tiess c koi", ("partner:tiess", "term:tiess"), 1),
    ("les 6 cles de pme 2.0", "advice:practices_not_size#winning_condition", 1),
    ("3 familles de competences numeriques", "term:digital_skills#definition", 1),
    ("le cqcm ca represente qui", "partner:cqcm#profile", 1),
    ("volet 3 montant max", "volet:volet_3#amount", 1),
    ("cb d'argent on peut avoir au troisieme volet", "volet:volet_3#amount", 1),
    ("librairies independantes", "case:case_librairies_independantes_quebec#profile", 1),
    ("librairies indépendentes du qc", "case:case_librairies_independantes_quebec", 1),
    ("culture saguenay lac saint jean", "case:case_culture_saguenay_lac_saint_jean#profile", 1),
    ("c quoi un erp", "term:erp#definition", 1),
    ("cmb d'entreprises sont sur facebook", "statistic:web_social_facebook", 1),
    ("sercovie ca a donne quoi comme resultats", "case:case_01_sercovie#results", 1),
    ("qui coordonne le volet 2", "volet:volet_2#coordinator", 1),
    (
        "date limite pour deposer au volet 3",
        ("deadline:volet3_filing_january_24", "deadline:volet3_filing_february_25"),
        1,
    ),
    ("c'est quoi une ristourne", "term:ristourne#definition", 1),
    (
        "combien d'emplois en economie sociale",
        ("sector_figure:cefrio2017_jobs_2015", "sector_figure:release2017_jobs", "sector_figure:launch_employees"),
        1,
    ),
    ("les syndicats sont-ils admissibles", "criterion:not_excluded_category", 1),
    ("conseils pour choisir un fournisseur", "advice:invest_in_supplier_selection", 3),
    ("qui finance le programme", ("programme:ptnec#funder", "fact:funder_mei_otn"), 1),
    (
        "tendances a surveiller",
        (
            "digital_use:trend_established",
            "digital_use:trend_growing",
            "digital_use:trend_emerging",
            "digital_use:trend_disruptive",
        ),
        1,
    ),
    ("euguelienne la campagne a ramasse combien", "case:case_12_euguelienne", 1),
    ("grand costumier combien d'employes", "case:case_13_grand_costumier#staff", 1),
    ("la remise a combien de benevoles", "case:case_06_la_remise#staff", 1),
    ("budget informatique de l'itineraire", "case:case_10_itineraire#cost", 1),
    ("lecons apprises chez utile", "case:case_11_utile#lessons", 1),
    ("quelles technologies a utilise la soder", "case:case_09_soder_bwat#technologies", 1),
    ("pourcentage des entreprises qui utilisent une suite bureautique", "statistic:usage_office_suite_total", 1),
    ("entreprises en loisirs sur les medias sociaux", "statistic:usage_social_media_sector_leisure_tourism_culture", 1),
    ("combien de coops au quebec", ("sector_figure:cefrio2017_cooperatives", "sector_figure:launch_cooperatives"), 1),
    ("csad haute cote nord tablette resultat", "case:case_03_csad_haute_cote_nord#results", 1),
    ("maisonette sud ouest", "case:case_04_maisonnette_sud_ouest#profile", 1),
    ("volet 1 c'est quoi", "volet:volet_1#description", 1),
    ("le chantier de l'economie sociale fait quoi dans le programme", "partner:chantier#role", 1),
    ("comment joindre la cdrq", "partner:cdrq#contact", 1),
    ("est-ce que le programme paie des outils", "fact:not_covered_volet2_tools", 1),
    ("infonuagique c quoi", "term:cloud#definition", 1),
    (
        "champs d'application du numerique",
        (
            "digital_use:field_operations_management",
            "digital_use:field_customer_relations",
            "digital_use:field_democratic_management",
            "digital_use:field_mobilization_anchoring",
            "digital_use:field_collaboration_pooling",
        ),
        1,
    ),
    ("combien d'entreprises ont contacte les partenaires", "fact:uptake_enterprises_contacted", 1),
    ("reste-t-il des fonds dans l'enveloppe du volet 3", ("volet:volet_3#status", "fact:volet3_funds_committed"), 1),
    ("taux de reponse de l'enquete", "statistic:profile_response_rate", 1),
    # A tie (16.30 against 16.30) with the glossary's online-store term, whose definition cites La Mauve.
    ("la mauve vente en ligne", "case:case_08_la_mauve", 2),
    ("journal ensemble c'est qui", "case:case_05_journal_ensemble#profile", 1),
    ("c koi la cle 3", "advice:key3_analyse_needs", 1),
    # Cases: each facet, asked in passing.
    ("combien ca coute le logiciel de sercovie", "case:case_01_sercovie#cost", 1),
    ("sercovi employés", "case:case_01_sercovie#staff", 1),
    ("nb d'employes la mauve", "case:case_08_la_mauve#staff", 1),
    ("qu'est-ce que la soder a appris", "case:case_09_soder_bwat#lessons", 1),
    ("resultats du projet bwat", "case:case_09_soder_bwat#results", 1),
    ("le journal ensemble utilise quelle plateforme", "case:case_05_journal_ensemble#technologies", 1),
    ("UTILE c'est quel genre d'organisme", "case:case_11_utile#profile", 1),
    ("l'itineraire a combien d'employes", "case:case_10_itineraire#staff", 1),
    ("costumier radio-canada budget", "case:case_13_grand_costumier#cost", 1),
    ("grand costumié realite augmentee", "case:case_13_grand_costumier#project", 1),
    ("euglienne librairie feministe", "case:case_12_euguelienne#profile", 1),
    ("polyteckk cout", "case:case_02_defi_polyteck#cost", 1),
    ("groupe taq budget", "case:case_07_groupe_taq#cost", 1),
    (
        "quelle coop fait de l'aide a domicile sans papier",
        ("case:case_03_csad_haute_cote_nord", "case:case_04_maisonnette_sud_ouest"),
        1,
    ),
    ("un exemple de coop en alimentation", "case:case_08_la_mauve", 2),
    # Glossary.
    ("c'est quoi l'economie sociale", "term:social_economy_enterprise", 1),
    # The characteristic "reconnaissance" is about exactly this confusion of terms.
    (
        "difference entre entreprise sociale et economie sociale",
        ("term:social_enterprise", "term:social_economy_enterprise", "digital_use:trait_recognition"),
        1,
    ),
    ("c quoi un obnl", "term:obnl", 1),
    ("une mutuelle c'est quoi", "term:mutual", 1),
    ("definition de la gouvernance democratique", "term:democratic_governance", 1),
    ("chaine de blocs", "term:blockchain", 1),
    ("ia intelligence artificielle", "term:artificial_intelligence", 1),
    ("what is an erp", "term:erp", 1),
    ("infonuagiqe", "term:cloud", 1),
    ("super utilisateurs", ("term:super_user", "advice:train_super_users"), 1),
    # Volets, programme, partners.
    ("qu'est-ce que le volet 2", "volet:volet_2#description", 1),
    ("volet 2 c'est pour qui", "volet:volet_2#audience", 1),
    ("comment commencer le volet 2", "volet:volet_2#how_to_start", 1),
    ("criteres d'admissibilite du volet 3", "volet:volet_3#eligibility", 1),
    ("les outils du volet 2", "volet:volet_2#tools", 1),
    ("webinair volet 1", ("volet:volet_1#tools", "volet:volet_1#offers"), 1),
    ("qui coordonne le programme", "programme:ptnec#coordinator", 1),
    ("le programme s'adresse a qui", "programme:ptnec#audience", 1),
    ("partenaires du programme", "programme:ptnec#partners", 1),
    ("le mei c'est qui", ("partner:mei", "term:mei"), 1),
    ("site web du cqcm", "partner:cqcm#contact", 1),
    ("role de la cdrq dans le programme", "partner:cdrq#role", 1),
    ("deadline volet 3", ("deadline:volet3_filing_january_24", "deadline:volet3_filing_february_25"), 1),
    ("quand deposer un projet", ("deadline:volet3_filing_january_24", "deadline:volet3_filing_february_25"), 1),
    # Statistics and sector figures.
    ("combien d'entreprises ont repondu au sondage", "statistic:profile_respondents_total", 1),
    ("pourcentage qui vendent en ligne", "statistic:web_online_sales_total", 1),
    ("combien prevoient investir dans un erp", "statistic:planned_investment_erp_total", 1),
    ("entreprises de moins de 5 employes sur les medias sociaux", "statistic:usage_social_media_size_lt5", 1),
    (
        "combien ont investi dans le numerique",
        ("statistic:it_investment_under_5000", "statistic:it_investment_none", "statistic:it_investment_5000_or_more"),
        1,
    ),
    ("pib des cooperatives", "sector_figure:launch_cooperatives_gdp_share", 1),
    (
        "combien de membres dans les coops et mutuelles",
        ("sector_figure:cefrio2017_cqcm_members", "sector_figure:launch_members"),
        1,
    ),
    (
        "revenus de l'economie sociale",
        (
            "sector_figure:launch_revenue",
            "sector_figure:release2017_revenue_coops_mutuals",
            "sector_figure:cefrio2017_revenue_coops_mutuals_2015",
        ),
        1,
    ),
    # Eligibility and programme facts.
    ("mon organisme est controle par la municipalite", "criterion:not_public_control", 1),
    ("on est un ordre professionnel", "criterion:not_excluded_category", 1),
    ("dissolution biens", "criterion:dissolution_rule", 1),
    ("le volet 2 paie-t-il des logiciels", "fact:not_covered_volet2_tools", 1),
    ("combien de projets finances au volet 3", "fact:uptake_volet3_projects", 1),
    ("apres l'accompagnement on fait quoi", "fact:after_programme_other_funding", 1),
    # Advice and digital uses.
    (
        "gestion du changement conseils",
        ("advice:key6_deploy_change", "advice:progressive_rollout", "term:change_management"),
        1,
    ),
    ("comment choisir une plateforme de sociofinancement", "advice:crowdfunding_platform_criteria", 1),
    ("par ou commencer", ("advice:knowing_where_to_start", "advice:get_interested_first"), 1),
    (
        "les familles d'usages numeriques",
        (
            "digital_use:family_office_collaborative",
            "digital_use:family_communications_information",
            "digital_use:family_financial_operations",
            "digital_use:family_new_technologies",
        ),
        1,
    ),
    (
        "caracteristiques distinctives des entreprises d'economie sociale",
        tuple(
            f"digital_use:trait_{t}"
            for t in (
                "democratic_governance",
                "community_anchoring",
                "citizen_mobilization",
                "solidarity_collaboration",
                "evaluation_accountability",
                "recognition",
            )
        ),
        1,
    ),
    ("technologies de rupture", ("digital_use:trend_disruptive", "term:disruptive_technology"), 1),
    # Written after the engine was tuned, and not tuned on (28 of 32 right the first time;
    # "who funds the program" needed the English words "fund", "program").
    ("gaby II logiciel", "case:case_01_sercovie", 1),
    ("prextra", "case:case_02_defi_polyteck", 1),
    ("myturn pret d'outils", "case:case_06_la_remise", 1),
    ("nation builder", "case:case_05_journal_ensemble", 1),
    ("combien de lecteurs le journal ensemble", "case:case_05_journal_ensemble", 1),
    ("taq limitations fonctionnelles", "case:case_07_groupe_taq", 1),
    ("quel est le chiffre d'affaires de la mauve", "case:case_08_la_mauve#cost", 1),
    ("combien de benevoles chez sercovie", "case:case_01_sercovie#staff", 1),
    ("qu'est ce que la ged", "term:ged", 1),
    ("rfid c'est quoi", "term:rfid", 1),
    ("objets connectes", "term:connected_objects", 1),
    ("c quoi le crowdsourcing", "term:crowdsourcing", 1),
    ("le consortium il fait quoi", ("partner:consortium", "term:consortium"), 1),
    ("adresse web de la cdrq", "partner:cdrq#contact", 1),
    ("montant de l'aide du volet 2", "volet:volet_2#amount", 1),
    ("le volet 3 c'est pour qui", "volet:volet_3#audience", 1),
    ("une entreprise privee peut-elle participer", "criterion:collective_legal_form", 1),
    ("faut-il etre au quebec", "criterion:based_in_quebec", 1),
    ("combien d'entreprises utilisent un crm", "statistic:usage_crm_total", 1),
    (
        "combien d'entreprises ont un site web",
        ("statistic:usage_website_informational_total", "statistic:web_own_site_presentation_total"),
        1,
    ),
    ("proportion des entreprises presentes sur twitter", "statistic:web_social_twitter", 1),
    ("conseils pour les benevoles", "advice:volunteers_need_simple_methods", 1),
    ("avant de vendre en ligne", "advice:sort_catalogue_before_selling_online", 1),
    ("risque de prendre du retard", "advice:risk_of_falling_behind", 1),
    ("cle 5 gestion de projet", "advice:key5_manage_project", 1),
    ("paiement en ligne familles d'usages", "digital_use:family_financial_operations", 1),
    ("quelle est la date de depot en fevrier", "deadline:volet3_filing_february_25", 1),
    ("who funds the program", ("programme:ptnec#funder", "fact:funder_mei_otn"), 1),
    ("pourquoi un programme pour les entreprises collectives", "fact:why_distinct_programme", 1),
]

# Still ranked wrong (what comes first instead, in the comment). Strict: a fix makes them fail,
# to be moved up into RANKING.
KNOWN_WRONG = [
    # term:strategic_planning_digital ("plan numérique" is its name); the question asks for a share.
    ("ont-elles un plan numerique", "statistic:perception_has_digital_plan_total", 1),
    # term:meals_on_wheels, whose definition cites Sercovie, then the case.
    ("sercovie popote roulante", "case:case_01_sercovie", 1),
    # term:collaboration_platform, whose definition cites UTILE's Podio, then the case.
    ("podio", "case:case_11_utile", 1),
    # the revenue of "coopératives et mutuelles au Québec" (it says Québec, the count does not).
    ("combien de mutuelles au quebec", "sector_figure:cefrio2017_cqcm_mutuals", 1),
]


def _rank(hits, expected) -> int:
    accepted = expected if isinstance(expected, tuple) else (expected,)
    for i, h in enumerate(hits, 1):
        for e in accepted:
            if h.doc_id == e or (("#" not in e) and h.doc_id.split("#")[0] == e):
                return i
    return 0


@pytest.mark.parametrize("query,expected,within", RANKING, ids=[q for q, _, _ in RANKING])
def test_ranking(kb, query, expected, within):
    hits = retrieval.search(query, k=10)
    rank = _rank(hits, expected)
    assert 0 < rank <= within, f"{query!r}: rank {rank or '>10'}; got {[h.doc_id for h in hits[:5]]}"


@pytest.mark.xfail(strict=True, reason="known ranking misses, see KNOWN_WRONG")
@pytest.mark.parametrize("query,expected,within", KNOWN_WRONG, ids=[q for q, _, _ in KNOWN_WRONG])
def test_known_wrong(kb, query, expected, within):
    test_ranking(kb, query, expected, within)


def test_preoccupations_are_the_concern_figures_top_one_first(kb):
    hits = retrieval.search("principales preoccupations des dirigeants", k=4)
    assert [h.record_id for h in hits][0] == "concern_quality_products_services"
    assert all(h.kind == "statistic" and h.record["topic"] == "concern" for h in hits)
    assert [h.record["value"] for h in hits] == sorted((h.record["value"] for h in hits), reverse=True)


def test_intranet_vs_extranet_gives_both_terms_first(kb):
    hits = retrieval.search("intranet vs extranet", k=2)
    assert {h.doc_id for h in hits} == {"term:intranet#definition", "term:extranet#definition"}


def test_kinds_filter_and_distinct(kb):
    hits = retrieval.search("tiess", kinds=["glossary"])
    assert hits and all(h.kind == "term" for h in hits) and hits[0].record_id == "tiess"
    hits = retrieval.search("groupe taq", k=5, distinct=True)
    assert len({(h.kind, h.record_id) for h in hits}) == len(hits)
    assert hits[0].doc_id == "case:case_07_groupe_taq#profile"
    assert all(h.facet == "staff" for h in retrieval.search("employes", facets="staff"))


def test_hit_points_back_to_the_record(kb):
    hit = retrieval.search("combien d'employés chez Groupe TAQ")[0]
    assert hit.record["employees"] == 260 and hit.kind == "case" and hit.facet == "staff"
    assert "260" in hit.text
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.score = 0


@pytest.mark.parametrize("query", ["", "   ", "😀🎉👍", "?!?!", "de la le les et", None, 42])
def test_empty_or_meaningless_queries_give_nothing(kb, query):
    assert retrieval.search(query) == []


@pytest.mark.parametrize(
    "query",
    [
        "erp " * 5000,  # 20 000 characters
        "x" * 10000,
        "'; DROP TABLE kb_cases; -- SELECT * FROM kb_glossary WHERE 1=1",
        "<script>alert('tiess')</script><b>volet 3</b>",
        "\x00\x01 volet\u200b 3 \ufeff",
    ],
)
def test_hostile_queries_are_sane(kb, query):
    hits = retrieval.search(query, k=5)
    assert len(hits) <= 5
    assert all(0 <= h.confidence <= 1 and h.score > 0 for h in hits)


def test_confidence_separates_known_from_unknown(kb):
    assert retrieval.confident(retrieval.search("combien d'employés chez Groupe TAQ"))
    assert retrieval.confident(retrieval.search("c'est quoi l'infonuagique"))
    # Desjardins is no record: the staff facet of some case is not a confident answer.
    assert retrieval.confident(retrieval.search("combien d'employés chez Desjardins")) is None
    assert retrieval.confident(retrieval.search("recette de pouding chomeur")) is None


def _reachability_queries(snap):
    """(kind, record id, query made of its own name or label) for every record of every kind."""
    yield "programme", snap["programme"]["id"], snap["programme"]["name"]
    for v in snap["volets"]:
        yield "volet", v["id"], f"volet {v['number']} {v['name']}"
    for kind, key, name in (
        ("case", "cases", "name"),
        ("partner", "partners", "name"),
        ("term", "glossary", "term"),
        ("advice", "advice", "title"),
        ("criterion", "criteria", "label"),
        ("fact", "facts", "label"),
        ("digital_use", "digital_uses", "label"),
        ("sector_figure", "sector_figures", "label"),
        ("deadline", "deadlines", "purpose"),
        ("statistic", "statistics", "label"),
    ):
        for rec in snap[key]:
            if kind == "fact" and rec.get("examples"):
                continue  # a list read by the eligibility answer, not a document (knowledge/retrieval.py)
            yield kind, rec["id"], rec[name]
    by_field = {c["field"]: c["id"] for c in snap["criteria"]}
    for q in snap["questions"]:  # a question is read into the criterion on its field
        yield "criterion", by_field[q["field"]], q["question"]


def test_every_record_is_reachable_by_its_own_name(kb):
    snap = store.snapshot()
    missed, total = [], 0
    for kind, rid, query in _reachability_queries(snap):
        total += 1
        hits = retrieval.search(query, k=3, distinct=True)  # the 3 best records
        if not any(h.kind == kind and h.record_id == rid for h in hits):
            missed.append((kind, rid, query, [h.doc_id for h in hits]))
    assert total > 600
    assert not missed, f"{len(missed)}/{total} not in the top 3: {missed[:10]}"


def test_index_covers_every_kind(kb):
    sizes = retrieval.sizes()
    snap = store.snapshot()
    assert sizes["statistic"] == len(snap["statistics"]) == 439
    # seven facets per case, plus the people it names, where it is and when it was founded, when the
    # records give them
    with_people = sum(1 for c in snap["cases"] if c.get("people"))
    with_place = sum(1 for c in snap["cases"] if c.get("place") or c.get("region"))
    with_founding = sum(1 for c in snap["cases"] if retrieval._FOUNDED.search(c.get("summary") or ""))
    assert with_founding >= 10
    assert sizes["case"] == 7 * len(snap["cases"]) + with_people + with_place + with_founding
    assert set(sizes) == set(retrieval.KINDS)
    assert sizes["unknown"] == 21 and sizes["person"] >= 40


def test_index_is_built_once_per_build(kb, monkeypatch):
    first = retrieval.index()
    assert retrieval.index() is first
    snap = store.snapshot()
    monkeypatch.setattr(store, "snapshot", lambda **kw: dict(snap))  # what a rebuild returns: another dict
    assert retrieval.index() is not first


def test_engine_is_passed_to_the_store(kb):
    from knowledge.db import get_engine

    hits = retrieval.search("le tiess c koi", engine=get_engine(kb))
    assert hits and hits[0].record_id == "tiess"


def test_latency_p95_under_10_ms(kb):
    result = retrieval.bench(n=200)
    assert result["p95_ms"] < 10, result


def test_people_and_silences_are_searched_only_when_asked_for(kb):
    """Opt-in kinds: an ordinary question never gets an unknowns.yml record or a person first."""
    assert all(h.kind not in retrieval.OPT_IN_KINDS for h in retrieval.search("le programme s'adresse a qui", k=10))
    top = retrieval.search("qui est marie-josee paquette", kinds=retrieval.OPT_IN_KINDS, k=1)[0]
    assert top.kind == "person" and "directrice" in top.text
    top = retrieval.search("lautodiagnostic ca prend combien de temps", kinds=["unknown"], k=1)[0]
    assert top.record_id == "self_assessment_duration"


def test_a_bare_number_does_not_name_a_case_by_its_number(kb):
    from knowledge import retrieval

    top = retrieval.search("le cas 4 du rapport", k=1)[0]
    assert (top.kind, top.record_id) == ("case", "case_04_maisonnette_sud_ouest")
    assert retrieval.search("c'est quoi le cas 10", k=1)[0].record_id == "case_10_itineraire"
    # "une coop de 4 personnes" says a head-count: "4" alone is no longer a word of case 4's name
    assert retrieval.index().query_tokens("le cas 4")[0] == ["cas4"]
    assert "cas4" not in retrieval.index().query_tokens("une coop de 4 personnes")[0]
    assert "4" not in retrieval.index().query_tokens("le cas 4")[0]


def test_a_plural_verb_is_found_by_its_singular(kb):
    """dev9 j179: « quelle proportion œuvre dans l'économie de partage ? » ranked the intention
    (« d'œuvrer ») far ahead of the share that already does (« œuvrent », which the French Snowball
    stemmer leaves whole)."""
    assert "utilis" in retrieval._stems(["utilisent"]) and "vend" in retrieval._stems(["vendent"])
    assert retrieval._stems(["moment"]) == ["moment"]  # an adverb's "-ment" is not a verb's "-ent"
    hits = retrieval.search(
        "Quelle proportion des entreprises interrogées œuvre dans l'économie de partage ?", kinds=("statistic",), k=4
    )
    assert "sharing_economy_active_total" in [h.record_id for h in hits[:2]]


def test_later_is_an_intention_and_words_shared_are_counted(kb):
    """dev10 k218: « combien veulent se lancer dans l'économie de partage plus tard » ranked the risk
    of falling behind first (« tard » read as « retard »/« tardent »); « plus tard » is the survey's
    intention for the years ahead. words_shared tells a one-word match (« c'est gros comment » and
    « commerce de gros ») from a real one."""
    query = "pis combien veulent se lancer dans leconomie de partage plus tard"
    top = retrieval.search(query, k=1)[0]
    assert top.record_id == "sharing_economy_intent"
    assert retrieval.words_shared(query, top) >= 4
    gros = retrieval.search("au quebec c est gros comment", kinds=("statistic",), k=1)[0]
    assert retrieval.words_shared("au quebec c est gros comment", gros) == 1


@pytest.mark.parametrize(
    "query,record",
    [
        ("on fait tu toute dun coup ou petit a petit", "progressive_rollout"),
        ("faut tu etre gros pour reussir un projet numerique", "practices_not_size"),
        ("Quelles conséquences négatives le premier échec a-t-il eues chez La Mauve ?", "case_08_la_mauve"),
        (
            "les libraires independants ils travaillent sur quoi astheure avec le programme",
            "case_librairies_independantes_quebec",
        ),
    ],
)
def test_chat_words_reach_the_record(kb, query, record):
    """dev11 p238, p247: « petit à petit », « être gros » matched nothing of the record that answers
    them (failed before the fix). p120, p146 (« conséquences négatives », « astheure ») already ranked
    their record first but too weakly to be answered: kept as guards of that ranking."""
    assert retrieval.search(query, k=1)[0].record_id == record
