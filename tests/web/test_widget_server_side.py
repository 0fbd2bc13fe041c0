"""Server side of the widget, without a browser: origin list and demo web server."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest
from widget_stack import free_port

from common import sessions
from rasa_server import channels
from web.server import content_security_policy, make_server


def test_origins_from_env_then_credentials_then_default(monkeypatch):
    monkeypatch.delenv(channels.ENV_VAR, raising=False)
    assert channels.allowed_origins() == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert channels.allowed_origins(["https://partenaire.example/"]) == ["https://partenaire.example"]
    monkeypatch.setenv(channels.ENV_VAR, " https://a.example, https://b.example:8443 ,https://a.example")
    assert channels.allowed_origins(["https://ignored.example"]) == ["https://a.example", "https://b.example:8443"]


@pytest.mark.parametrize("bad", ["*", "partenaire.example", "ftp://x.example"])
def test_wildcards_and_non_origins_are_refused(bad):
    with pytest.raises(ValueError):
        channels.parse_origins(bad)


def test_only_tokens_the_server_signed_name_a_session():
    """The client no longer chooses its id (issue 20, defect 2): a bare id, a path or a forged
    token is not a session; the token the server issued is, and stands for its id."""
    session_id, token = sessions.issue()
    assert sessions.verify(token) == session_id and sessions.ISSUED_ID.fullmatch(session_id)
    assert sessions.verify(session_id) is None
    assert sessions.verify(session_id + ".forgedsignature") is None
    assert sessions.verify("../../etc") is None and sessions.verify("x" * 200) is None


@pytest.fixture(scope="module")
def web():
    server = make_server("127.0.0.1", free_port(), "http://127.0.0.1:5999", quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.parametrize(
    "path,ctype",
    [
        ("/", "text/html; charset=utf-8"),
        ("/accompagnement.html", "text/html; charset=utf-8"),
        ("/widget/virage-widget.js", "text/javascript; charset=utf-8"),
        ("/widget/virage-widget.css", "text/css; charset=utf-8"),
        ("/assets/logo.svg", "image/svg+xml"),
    ],
)
def test_serves_demo_and_widget_with_content_types(web, path, ctype):
    status, headers, body = fetch(web + path)
    assert status == 200 and headers["Content-Type"] == ctype
    assert headers["X-Content-Type-Options"] == "nosniff"
    if path.endswith((".html", "/")):
        assert b"{{VIRAGE_SERVER_URL}}" not in body and b'data-server="http://127.0.0.1:5999"' in body
        assert headers["Content-Security-Policy"] == content_security_policy("http://127.0.0.1:5999")


@pytest.mark.parametrize(
    "path",
    [
        "/widget/",
        "/assets/",
        "/widget/README.md",
        "/../rasa_server/channels.py",
        "/%2e%2e/rasa_server/channels.py",
        "/widget/..%2f..%2fMakefile",
        "/.git/config",
        "/nope.html",
    ],
)
def test_no_listing_no_traversal_no_docs(web, path):
    status, _, body = fetch(web + path)
    assert status == 404, (path, body[:200])


def test_only_get_and_head(web):
    assert fetch(web + "/", method="POST")[0] == 405
    assert fetch(web + "/", method="HEAD")[0] == 200


def test_csp_allows_only_self_and_the_rasa_server():
    csp = content_security_policy("https://virage.example.org")
    assert "default-src 'none'" in csp
    assert "connect-src 'self' https://virage.example.org wss://virage.example.org" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
