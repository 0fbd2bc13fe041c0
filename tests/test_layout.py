"""The import direction of the packages, as the README's « Où vit le code » writes it down.

    knowledge  ←  common  ←  leads  ←  actions | rasa_server | prescreen | web | workspace
                                                               prescreen  ←  workspace

A package imports only those to its left. The runtimes on the right never import each
other (except workspace → prescreen, its engine): `actions/` is loaded by the action server, `rasa_server/` by the Rasa server through the
class paths of config.yml, endpoints.yml and credentials.yml, and nothing else imports them.
The two lower layers stay free of Rasa, so a notebook, the advisors' tools and the action server
can use them. `bench/` may import the layers only (it starts the runtimes as processes); tests
import whatever they test, and sit in the folder of the package they test (tests/<package>/).

Every import is read with `ast`, including imports inside functions (a lazy import is still an
import), so the rule cannot be dodged by moving an import line.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

LAYERS = ("knowledge", "common", "leads")
RUNTIMES = ("actions", "rasa_server", "prescreen", "web", "workspace")
OURS = LAYERS + RUNTIMES + ("bench", "tests")

# What each package may import among ours (itself included).
ALLOWED = {
    "knowledge": {"knowledge"},
    "common": {"knowledge", "common"},
    "leads": {"knowledge", "common", "leads"},
    **{runtime: set(LAYERS) | {runtime} for runtime in RUNTIMES},
    # The advisors' workspace is the web front of the pre-screening: it builds its lead cards
    # with prescreen's pipeline rather than a second copy of it. Nothing imports workspace.
    "workspace": set(LAYERS) | {"workspace", "prescreen"},
    "bench": set(LAYERS) | {"bench"},
}
# Third-party packages a layer must not import: the layers run where Rasa is not loaded.
RASA_FREE = {"knowledge", "common", "leads"}
RASA = {"rasa", "rasa_sdk", "sanic", "socketio", "tensorflow"}


def python_files(package: str):
    return sorted(p for p in (REPO / package).rglob("*.py") if ".venv" not in p.parts)


def imported_top_levels(path: Path):
    """(top-level package, line) of every import in the file, nested ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


def violations(package: str):
    found = []
    for path in python_files(package):
        rel = path.relative_to(REPO).as_posix()
        for top, line in imported_top_levels(path):
            if top in OURS and top not in ALLOWED[package]:
                found.append(f"{rel}:{line} imports {top}")
            if package in RASA_FREE and top in RASA:
                found.append(f"{rel}:{line} imports {top} (this layer must stay free of Rasa)")
    return found


@pytest.mark.parametrize("package", LAYERS + RUNTIMES + ("bench",))
def test_imports_follow_the_layers(package):
    assert (REPO / package).is_dir()
    assert violations(package) == []


def test_the_check_sees_a_wrong_import(tmp_path, monkeypatch):
    """The walk finds a lazy import of a runtime inside a function, and a Rasa import in a layer."""
    fake = tmp_path / "common"
    fake.mkdir()
    (fake / "bad.py").write_text("def f():\n    from actions import kb\n    import rasa_sdk\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    assert violations("common") == [
        "common/bad.py:2 imports actions",
        "common/bad.py:3 imports rasa_sdk (this layer must stay free of Rasa)",
    ]


def test_rasa_config_files_name_only_rasa_server_and_rasa_classes():
    """The class paths Rasa loads (custom components, channels, tracker store) all live in rasa_server/."""
    import yaml

    paths = []
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    paths += [c["name"] for c in config["pipeline"] + config["policies"] if "." in c["name"]]
    paths += [k for k in yaml.safe_load((REPO / "credentials.yml").read_text(encoding="utf-8")) if "." in k]
    endpoints = yaml.safe_load((REPO / "endpoints.yml").read_text(encoding="utf-8"))
    paths += [v["type"] for v in endpoints.values() if isinstance(v, dict) and "." in str(v.get("type", ""))]
    assert paths, "no custom class path found: the check would pass vacuously"
    assert [p for p in paths if not p.startswith("rasa_server.")] == []


def test_tests_mirror_the_packages():
    """One test folder per package, so a package's tests are found where its name says."""
    for package in LAYERS + RUNTIMES + ("bench",):
        assert (REPO / "tests" / package).is_dir(), f"tests/{package}/ is missing"
    loose = sorted(p.name for p in (REPO / "tests").glob("test_*.py") if p.name != "test_layout.py")
    assert loose == []


def test_the_repository_root_comes_from_knowledge_paths():
    """A module that finds the repository by counting parent folders breaks when it moves (the
    pre-screening looked for models/ one folder above the repository after bot/prescreen became
    prescreen/). knowledge/paths.py is the one place that does it."""
    found = []
    for package in LAYERS + RUNTIMES:
        for path in python_files(package):
            rel = path.relative_to(REPO).as_posix()
            if rel == "knowledge/paths.py":
                continue
            text = path.read_text(encoding="utf-8")
            for needle in (".parents[", ".parent.parent"):
                if needle in text:
                    found.append(f"{rel}: {needle}")
    assert found == []
