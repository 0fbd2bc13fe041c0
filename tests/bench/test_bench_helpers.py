"""Pure parts of the benchmark (bench/): typo markup, the SNIPS split, percentiles, scores.

None of these start Rasa; they guard the figures `make bench` prints.
"""

from collections import Counter

import pytest

from bench.common import (
    classification_scores,
    mcnemar_p,
    median,
    paired_comparison,
    percentile,
    ratio,
    with_seed,
)
from bench.server import bench_endpoints, slowest
from bench.snips import (
    TEST_FRACTION,
    cv_folds,
    nlu_yaml,
    stratified_split,
    strip_typo_markup,
    summarise_runs,
)
from knowledge.text import fold_words

# --------------------------------------------------------------------------- typo markup


@pytest.mark.parametrize(
    "marked, plain",
    [
        ("J’aimerais ajouter <cete|0> piste <a|1> ma liste", "J’aimerais ajouter cete piste a ma liste"),
        ("Ajouter l’ album <a|0> ma <Liste|1> de lecture", "Ajouter l’ album a ma Liste de lecture"),
        ("<Quel|12> temps", "Quel temps"),
        ("sans faute", "sans faute"),
        ("mot <|3> effacé", "mot  effacé"),
        ("deux <mots tapés|4> ici", "deux mots tapés ici"),
    ],
)
def test_strip_typo_markup(marked, plain):
    assert strip_typo_markup(marked) == plain


def test_strip_typo_markup_leaves_no_markup():
    out = strip_typo_markup("<a|0><b|1> <cc|22>")
    assert out == "ab cc"
    assert "<" not in out and "|" not in out


# --------------------------------------------------------------------------- split


def _rows(counts):
    rows, next_id = [], 1
    for intent, n in counts.items():
        for i in range(n):
            rows.append(
                {"id": str(next_id), "intent": intent, "clean": f"{intent} phrase {i}", "typos": f"{intent} frase {i}"}
            )
            next_id += 1
    return rows


COUNTS = {"AddToPlaylist": 100, "GetWeather": 99, "RateBook": 98, "PlayMusic": 97, "Tiny": 3}


def test_split_is_deterministic_and_order_independent():
    rows = _rows(COUNTS)
    train_a, test_a = stratified_split(rows, seed=7)
    train_b, test_b = stratified_split(list(reversed(rows)), seed=7)
    assert [r["id"] for r in test_a] == [r["id"] for r in test_b]
    assert [r["id"] for r in train_a] == [r["id"] for r in train_b]


def test_split_depends_on_seed():
    rows = _rows(COUNTS)
    _, test_a = stratified_split(rows, seed=1)
    _, test_b = stratified_split(rows, seed=2)
    assert {r["id"] for r in test_a} != {r["id"] for r in test_b}


def test_split_is_80_20_per_intent_and_a_partition():
    rows = _rows(COUNTS)
    train, test = stratified_split(rows, seed=7)
    assert len(train) + len(test) == len(rows)
    assert not {r["id"] for r in train} & {r["id"] for r in test}
    per_intent_test = Counter(r["intent"] for r in test)
    per_intent_train = Counter(r["intent"] for r in train)
    for intent, n in COUNTS.items():
        assert per_intent_test[intent] == int(n * TEST_FRACTION + 0.5), intent
        assert per_intent_train[intent] == n - per_intent_test[intent]
    assert per_intent_test["AddToPlaylist"] == 20
    assert per_intent_test["PlayMusic"] == 19
    assert per_intent_test["Tiny"] == 1


def test_split_keeps_duplicate_texts_on_one_side():
    rows = _rows({"A": 20, "B": 20})
    duplicate = dict(rows[0], id="999", typos="autre faute")
    rows.append(duplicate)
    train, test = stratified_split(rows, seed=3)
    sides = {("test" if r in test else "train") for r in (rows[0], duplicate)}
    assert len(sides) == 1
    assert not {r["clean"] for r in train} & {r["clean"] for r in test}


def test_nlu_yaml_lists_every_example_under_its_intent():
    import yaml

    rows = _rows({"A": 2, "B": 1})
    data = yaml.safe_load(nlu_yaml(rows))
    assert data["version"] == "3.1"
    by_intent = {block["intent"]: block["examples"] for block in data["nlu"]}
    assert by_intent["A"] == "- A phrase 0\n- A phrase 1\n"
    assert by_intent["B"] == "- B phrase 0\n"


# --------------------------------------------------------------------------- statistics


def test_percentile_matches_linear_interpolation():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 100) == 50
    assert percentile(values, 50) == 35
    assert percentile(values, 25) == 20
    assert percentile(values, 40) == pytest.approx(29.0)  # 20 + 0.6 × 15
    assert percentile(values, 95) == pytest.approx(48.0)  # 40 + 0.8 × 10


def test_percentile_of_1_to_100():
    values = list(range(1, 101))
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(list(reversed(values)), 95) == pytest.approx(95.05)


def test_median_and_edge_cases():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert percentile([7], 95) == 7
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_ratio():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(1.0, 0) is None


def test_classification_scores_counts_fallback_as_a_miss():
    gold = ["a", "a", "b", "b"]
    predicted = ["a", "nlu_fallback", "b", "a"]
    scores = classification_scores(gold, predicted)
    assert scores["accuracy"] == 0.5
    # a: P=1/2, R=1/2, F1=0.5 ; b: P=1, R=1/2, F1=2/3 ; fallback is not a class of its own
    assert scores["macro_f1"] == pytest.approx((0.5 + 2 / 3) / 2)
    assert set(scores["per_intent"]) == {"a", "b"}


def test_classification_scores_perfect_and_mismatched_lengths():
    assert classification_scores(["x", "y"], ["x", "y"])["macro_f1"] == 1.0
    with pytest.raises(ValueError):
        classification_scores(["x"], [])


def test_normalise_for_overlap():
    assert fold_words("Éligibilité ?") == fold_words("eligibilite")
    assert fold_words("C'est  QUOI") == "c est quoi"


# --------------------------------------------------------------------------- endpoints rewrite


def test_bench_endpoints_never_points_at_the_developers_services(tmp_path):
    source = tmp_path / "endpoints.yml"
    source.write_text(
        "action_endpoint:\n  url: http://localhost:5055/webhook\n"
        "tracker_store:\n  type: rasa_server.tracker_store.VirageSQLTrackerStore\n"
        "event_broker:\n  type: pika\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.yml"
    notes = bench_endpoints(source, target, 5155, tmp_path / "scratch")
    import yaml

    config = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:5155/webhook"
    assert config["tracker_store"]["url"].startswith("sqlite:///" + str(tmp_path / "scratch"))
    assert "event_broker" not in config
    assert notes


def test_scores_leave_out_sentences_that_are_training_examples():
    from bench.nlu import score_heldout

    worker = {
        "texts": ["Merci!", "c koi un crm", "qui paye"],
        "gold": ["thank", "ask_definition", "ask_funder"],
        "predicted": ["thank", "nlu_fallback", "ask_funder"],
        "best_non_fallback": ["thank", "ask_definition", "ask_funder"],
    }
    scores = score_heldout(worker, training_texts=["merci", "allo"])
    assert scores["overlap_with_training"] == 1 and scores["overlap_examples"] == ["Merci!"]
    assert scores["n"] == 2  # "Merci!" is a training example: not counted
    assert scores["accuracy"] == pytest.approx(0.5)
    assert scores["accuracy_top_non_fallback"] == pytest.approx(1.0)
    assert scores["fallback_rate"] == pytest.approx(0.5)


def test_report_prints_both_test_sets():
    from bench.report import nlu_lines

    held = {
        "n": 348,
        "intents": 30,
        "accuracy": 0.9,
        "macro_f1": 0.91,
        "fallback_rate": 0.05,
        "accuracy_top_non_fallback": 0.93,
        "overlap_with_training": 0,
        "worst_intents": [{"intent": "stop", "f1": 0.7}],
    }
    text = "\n".join(
        nlu_lines(
            {
                "heldout": held,
                "heldout_path": "tests/nlu/heldout.yml",
                "blind_missing": "tests/nlu/blind.yml not there yet",
            },
            None,
        )
    )
    assert "tests/nlu/heldout.yml" in text and "0.900" in text
    assert "blind set: tests/nlu/blind.yml not there yet" in text


def test_slowest_messages_rank_by_median_not_by_one_outlier():
    by_text = {"bonjour": [0.05, 0.06, 2.0], "on est une coop": [0.9, 1.1, 1.0], "merci": [0.4]}
    ranked = slowest(by_text, count=2)
    assert [m["text"] for m in ranked] == ["on est une coop", "merci"]
    assert ranked[0]["median_ms"] == pytest.approx(1000.0) and ranked[0]["n"] == 3
    assert slowest({}) == []


def test_report_names_the_slowest_messages_under_load():
    from bench.report import server_lines

    lat = {"p50_ms": 500.0, "p95_ms": 800.0, "errors": 0, "empty_replies": 0}
    project = {
        "load_seconds_median": 40.0,
        "first_reply_ms_median": 100.0,
        "serial": dict(lat),
        "concurrent": dict(lat, slowest=[{"text": "un syndicat peut-il", "median_ms": 708.4, "n": 6}]),
        "rss_mib": {},
        "starts": 3,
    }
    server = {
        "project": project,
        "starter": None,
        "messages_per_mode": 300,
        "rounds": 4,
        "load_repeats": 3,
        "concurrency": 10,
    }
    text = "\n".join(server_lines(server))
    assert "slowest messages under 10 clients (median): « un syndicat peut-il » 708 ms" in text


# --------------------------------------------------------------------------- SNIPS: several seeds


def test_with_seed_sets_the_seed_of_the_components_that_draw_random_numbers():
    pipeline = [
        {"name": "WhitespaceTokenizer"},
        {"name": "DIETClassifier", "epochs": 100},
        {"name": "rasa_server.nlu.intent_ensemble.IntentEnsemble"},
        {"name": "SomeCustom", "random_seed": 42},
        {"name": "ResponseSelector"},
    ]
    seeded = with_seed(pipeline, 3)
    assert [c.get("random_seed") for c in seeded] == [None, 3, 3, 3, 3]
    assert seeded[1]["epochs"] == 100
    assert "random_seed" not in pipeline[1] and pipeline[3]["random_seed"] == 42  # input untouched


def _run(clean, typos, n=139):
    return {
        "clean": {"n": n, "accuracy": clean, "macro_f1": clean - 0.01, "fallback_rate": 0.0},
        "typos": {"n": n, "accuracy": typos, "macro_f1": typos - 0.01, "fallback_rate": 0.01},
    }


def test_summarise_runs_reports_the_median_and_the_range():
    summary = summarise_runs([_run(0.964, 0.971), _run(0.978, 0.957), _run(0.971, 0.964)])
    assert summary["clean"]["accuracy"] == pytest.approx(0.971)
    assert (summary["clean"]["accuracy_min"], summary["clean"]["accuracy_max"]) == (0.964, 0.978)
    assert summary["typos"]["accuracy"] == pytest.approx(0.964)
    assert summary["typos"]["macro_f1"] == pytest.approx(0.954)
    assert summary["typo_drop"] == pytest.approx(0.971 - 0.964)


def test_report_compares_medians_and_says_when_runs_overlap():
    from bench.report import snips_lines

    project = {**summarise_runs([_run(0.978, 0.971), _run(0.978, 0.964), _run(0.985, 0.964)])}
    default = {**summarise_runs([_run(0.971, 0.964), _run(0.964, 0.971), _run(0.971, 0.971)])}
    snips = {
        "split": {"train": 552, "test": 139, "intents": 7},
        "seed": 1,
        "training_seeds": [1, 2, 3],
        "project": project,
        "default": default,
        "pipelines": {"project": "p", "default": "d"},
        "default_source": "x",
    }
    text = "\n".join(snips_lines(snips))
    assert "trained 3 time(s), training seeds 1, 2, 3" in text
    assert "[0.978–0.985]" in text  # project, clean
    assert "beats default on clean ✓, on typos ✗ MISSED" in text  # medians 0.978 > 0.971; 0.964 < 0.971
    assert "overlap on typos:" in text and "clean and" not in text


# --------------------------------------------------------------------------- cross-validation


def test_cv_folds_score_every_row_once_and_keep_equal_texts_together():
    rows = [{"clean": f"phrase {i % 40}", "intent": f"i{i % 3}", "id": str(i)} for i in range(120)]
    pairs = cv_folds(rows, 5)
    assert len(pairs) == 5
    tested = [r["id"] for _, test in pairs for r in test]
    assert sorted(tested) == sorted(r["id"] for r in rows)  # each row tested exactly once
    for train, test in pairs:
        assert len(train) + len(test) == len(rows)
        assert not {r["clean"] for r in train} & {r["clean"] for r in test}
        assert test  # 40 distinct texts over 5 folds: none empty
    assert cv_folds(list(reversed(rows)), 5)[2][1] == list(reversed(pairs[2][1]))  # order-free


@pytest.mark.parametrize(
    "only_first, only_second, p",
    [
        (0, 0, 1.0),
        (2, 3, 1.0),
        (0, 5, 0.0625),  # 2 × (1/2)^5
        (6, 0, 0.03125),  # 2 × (1/2)^6
        (1, 9, 0.021484375),  # 2 × (1 + 10) / 1024
    ],
)
def test_mcnemar_exact_p_values(only_first, only_second, p):
    assert mcnemar_p(only_first, only_second) == pytest.approx(p)


def test_paired_comparison_keeps_the_sentences_only_one_model_got_right():
    texts = ["a", "b", "c", "d"]
    gold = ["X", "X", "Y", "Y"]
    result = paired_comparison(texts, gold, ["X", "Y", "Y", "X"], ["X", "X", "X", "X"])
    assert (result["first_correct"], result["second_correct"]) == (2, 2)
    assert [i["text"] for i in result["only_first"]] == ["c"]
    assert [i["text"] for i in result["only_second"]] == ["b"]
    assert result["p_value"] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        paired_comparison(texts, gold, ["X"], ["X"])


def test_report_gives_the_cross_validation_verdict():
    from bench.report import snips_cv_lines

    def pair(first, second, only_first, only_second):
        def items(n):
            return [{"text": f"t{i}", "gold": "A", "first": "A", "second": "B"} for i in range(n)]

        return {
            "n": 552,
            "first_correct": first,
            "second_correct": second,
            "only_first": items(only_first),
            "only_second": items(only_second),
            "p_value": mcnemar_p(only_first, only_second),
        }

    cv = {
        "n": 552,
        "split_seed": 1,
        "folds": 5,
        "training_seed": 1,
        "clean": pair(541, 542, 2, 3),
        "typos": pair(548, 540, 8, 0),
        "train_seconds": {"project": 50.0, "default": 250.0},
        "pipelines": {"project": "p", "default": "d"},
    }
    text = "\n".join(snips_cv_lines(cv))
    assert "541/552 0.980" in text and "542/552 0.982" in text
    assert "clean: right for the project only 2, for the default only 3; McNemar exact p = 1.00: too few" in text
    assert (
        "typos: right for the project only 8, for the default only 0; McNemar exact p = 0.01: a real difference" in text
    )


def test_cross_validate_lines_predictions_up_with_the_sentences(monkeypatch):
    """Folds' predictions are concatenated: each must stay paired with its own sentence."""
    import bench.snips as snips

    rows = [{"clean": f"phrase {i}", "typos": f"frase {i}", "intent": f"i{i % 3}", "id": str(i)} for i in range(60)]
    monkeypatch.setattr(snips, "load_snips", lambda path: rows)
    monkeypatch.setattr(snips, "_pipelines", lambda epochs=None: ({"pipeline": []}, {"pipeline": []}))

    def fake_train_and_score(children, workdir, config, seed, train, test, timeout):
        project = workdir.name.startswith("project")
        # the project gets every sentence right; the default misses those whose number ends in 7
        predicted = [r["intent"] if project or not r["clean"].endswith("7") else "autre" for r in test]
        return {
            "train_seconds": 1.0,
            "tests": {"clean": {"predicted": predicted}, "typos": {"predicted": predicted}},
        }, 1.0

    monkeypatch.setattr(snips, "_train_and_score", fake_train_and_score)
    result = snips.cross_validate(folds=5)
    train, _ = snips.stratified_split(rows)
    sevens = sorted(r["clean"] for r in train if r["clean"].endswith("7"))
    assert result["n"] == len(train)
    assert result["clean"]["first_correct"] == len(train)
    assert result["clean"]["second_correct"] == len(train) - len(sevens)
    assert sorted(i["text"] for i in result["clean"]["only_first"]) == sevens
    assert all(i["gold"] == "i" + str(int(i["text"].split()[1]) % 3) for i in result["clean"]["only_first"])
    assert sorted(i["text"] for i in result["typos"]["only_first"]) == [s.replace("phrase", "frase") for s in sevens]


# --------------------------------------------------------------------------- NLU cross-validation


def test_nlu_folds_split_intent_examples_once_and_keep_lookups_everywhere():
    from bench.nlu import strip_annotations
    from bench.nlu_cv import fold_of, split_nlu_file

    examples = [f"phrase numéro {i} pour une [coop](legal_form)" for i in range(40)]
    document = {
        "version": "3.1",
        "nlu": [
            {"intent": "ask_x", "examples": "".join(f"- {e}\n" for e in examples)},
            {"lookup": "region", "examples": "- Estrie\n- Outaouais\n"},
        ],
    }
    seen = []
    for fold in range(5):
        train, held = split_nlu_file(document, fold, 5)
        assert {"lookup": "region", "examples": "- Estrie\n- Outaouais\n"} in train["nlu"]
        held_examples = [line[2:] for item in held["nlu"] for line in item["examples"].splitlines()]
        train_examples = [
            line[2:] for item in train["nlu"] if "intent" in item for line in item["examples"].splitlines()
        ]
        assert not set(held_examples) & set(train_examples)
        assert all(fold_of(e, 5) == fold for e in held_examples)
        seen += held_examples
    assert sorted(seen) == sorted(examples)  # every example scored exactly once
    assert strip_annotations('une [coop](legal_form) en [Estrie]{"entity": "region"}') == "une coop en Estrie"
    # the fold reads the text a user types: accents, case and markup do not move a sentence
    assert fold_of("Une [Coopérative](legal_form)", 5) == fold_of("une cooperative", 5)


def test_keyboard_mash_is_seeded_and_looks_typed():
    from bench.nlu_cv import keyboard_mash

    mash = keyboard_mash(50, seed=3)
    assert mash == keyboard_mash(50, seed=3) and mash != keyboard_mash(50, seed=4)
    assert len(set(mash)) == 50
    assert all(1 <= len(s.split()) <= 3 and all(2 <= len(w) <= 8 and w.isalpha() for w in s.split()) for s in mash)


def test_fallback_replay_threshold_intent_bar_and_ambiguity():
    from bench.nlu_cv import FALLBACK, fallback_decision

    assert fallback_decision([("a", 0.5), ("b", 0.1)], 0.4, 0.05) == "a"
    assert fallback_decision([("a", 0.39), ("b", 0.1)], 0.4, 0.05) == FALLBACK
    assert fallback_decision([("a", 0.5), ("b", 0.46)], 0.4, 0.05) == FALLBACK  # too close
    assert fallback_decision([("a", 0.5), ("b", 0.1)], 0.4, 0.05, {"a": 0.7}) == FALLBACK
    assert fallback_decision([("a", 0.5)], 0.4, 0.05, {"b": 0.7}) == "a"
    assert fallback_decision([], 0.4, 0.05) == FALLBACK


def test_threshold_for_equal_mash_rejection_is_the_lowest_that_rejects_enough():
    from bench.nlu_cv import rejection, threshold_for_rejection

    settings = {"threshold": 0.3, "ambiguity_threshold": 0.0, "intent_thresholds": {}}
    mash = [[("a", c), ("b", 0.0)] for c in (0.25, 0.35, 0.45, 0.55)]
    assert rejection(mash, settings) == 0.25
    assert threshold_for_rejection(mash, settings, 0.5) == pytest.approx(0.3525)
    assert rejection(mash, settings, 0.3525) == 0.5
    assert threshold_for_rejection(mash, settings, 0.0) == 0.2


def test_outcome_counts_right_wrong_and_fallback_apart():
    from bench.nlu_cv import FALLBACK, outcome, weakest_intents

    gold = ["a", "a", "a", "b", "b"]
    predicted = ["a", FALLBACK, "b", "b", "b"]
    scores = outcome(gold, predicted)
    assert (scores["right"], scores["wrong"], scores["fallback"]) == (3, 1, 1)
    assert scores["accuracy"] == pytest.approx(0.6)
    weakest = weakest_intents(gold, predicted, 1)[0]
    assert weakest["intent"] == "a" and weakest["missed_as"] == {FALLBACK: 1, "b": 1}


def test_a_port_answered_by_another_process_is_told_apart():
    """Two benches may pick the same free port at once: the one whose server lost the bind must not
    measure the other's server (bench.server.start_bot checks who owns the listening socket)."""
    import os
    import socket
    import subprocess
    import sys

    from bench.common import port_owned_by

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert port_owned_by(port, os.getpid()) is True
        other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
        try:
            assert port_owned_by(port, other.pid) is False
        finally:
            other.kill()
            other.wait()
