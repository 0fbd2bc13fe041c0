"""Static server for the demo partner site and the embeddable widget (port 8080).

    python -m web.server [--host 127.0.0.1] [--port 8080] [--rasa-url http://localhost:5005]

Serves exactly two folders and nothing else:
  /            -> web/demo/   (the fictional partner site)
  /widget/     -> web/widget/     (virage-widget.js, virage-widget.css)

No directory listing (a folder answers with its index.html or 404), no path
traversal, GET/HEAD only, explicit content types, and a strict
Content-Security-Policy on the demo pages: the browser itself refuses any
resource that does not come from this server or the Rasa server, so the demo
proves the widget loads nothing from elsewhere.

The Rasa server URL in the demo pages is the ``{{VIRAGE_SERVER_URL}}``
placeholder, replaced at serve time (``--rasa-url`` or ``VIRAGE_RASA_URL``).
"""

from __future__ import annotations

import argparse
import os
import posixpath
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional, Tuple
from urllib.parse import unquote, urlsplit

from web import feedback_api

WEB = Path(__file__).resolve().parent
MOUNTS: Tuple[Tuple[str, Path], ...] = (
    ("/widget/", WEB / "widget"),
    ("/", WEB / "demo"),
)
PLACEHOLDER = b"{{VIRAGE_SERVER_URL}}"

CONTENT_TYPES: Dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
# Never served even if present in a mounted folder (docs, editor backups…).
HIDDEN_SUFFIXES = (".md", ".py", ".pyc", "~", ".swp", ".bak")


def ws_origin(http_url: str) -> str:
    parts = urlsplit(http_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def http_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    rasa = http_origin(rasa_url)
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {rasa} {ws_origin(rasa_url)}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def resolve(url_path: str) -> Optional[Path]:
    """Maps a URL path to a file inside one of the mounts, or None."""
    path = posixpath.normpath(unquote(url_path))
    if url_path.endswith("/") and not path.endswith("/"):
        path += "/"
    if "\x00" in path or "\\" in path:
        return None
    for prefix, folder in MOUNTS:
        bare = prefix.rstrip("/")
        if bare and path == bare:
            path = prefix  # "/widget" -> "/widget/"
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix) :]
        folder = folder.resolve()
        candidate = (folder / rel).resolve()
        try:
            candidate.relative_to(folder)
        except ValueError:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if any(part.startswith(".") for part in candidate.relative_to(folder).parts):
            return None
        if candidate.name.endswith(HIDDEN_SUFFIXES):
            return None
        return candidate if candidate.is_file() else None
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "VirageDemo/1.0"
    rasa_url = "http://localhost:5005"
    quiet = False

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def _not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed  # noqa: N815

    def do_POST(self) -> None:  # noqa: N802 — only the widget's ratings (web/feedback_api.py)
        if urlsplit(self.path).path == feedback_api.PATH:
            feedback_api.handle(self)
        else:
            self._not_allowed()

    def _serve(self, send_body: bool) -> None:
        url_path = urlsplit(self.path).path or "/"
        file = resolve(url_path)
        if file is None:
            self._error(HTTPStatus.NOT_FOUND, "Page introuvable.")
            return
        if file.name == "index.html" and not url_path.endswith(("/", ".html")):
            # "/widget" or "/services" folder without slash: canonical URL with slash
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", url_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        ctype = CONTENT_TYPES.get(file.suffix.lower())
        if ctype is None:
            self._error(HTTPStatus.NOT_FOUND, "Page introuvable.")
            return
        body = file.read_bytes()
        if file.suffix.lower() == ".html":
            body = body.replace(PLACEHOLDER, self.rasa_url.encode("utf-8"))
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self._common_headers(html=file.suffix.lower() == ".html")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _common_headers(self, html: bool) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        self.send_header("Cache-Control", "no-cache")
        if html:
            self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url))
        else:
            # The widget files are meant to be loaded by partner pages (other origins).
            self.send_header("Cross-Origin-Resource-Policy", "cross-origin")

    def _error(self, status: HTTPStatus, message: str) -> None:
        body = (
            f'<!doctype html><html lang="fr"><meta charset="utf-8"><title>{status.value}</title><p>{message}</p></html>'
        ).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self._common_headers(html=True)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, fmt: str, *args: object) -> None:
        if not self.quiet:
            sys.stderr.write("[web] %s - %s\n" % (self.address_string(), fmt % args))


def make_server(host: str, port: int, rasa_url: str, quiet: bool = False) -> ThreadingHTTPServer:
    handler = type("VirageHandler", (Handler,), {"rasa_url": rasa_url.rstrip("/"), "quiet": quiet})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="Site partenaire de démonstration + widget Virage")
    parser.add_argument("--host", default=os.environ.get("VIRAGE_WEB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("VIRAGE_WEB_PORT", "8080")))
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("VIRAGE_RASA_URL", "http://localhost:5005"),
        help="URL du serveur Rasa vue par le navigateur",
    )
    parser.add_argument("--quiet", action="store_true", help="ne pas journaliser chaque requête")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.rasa_url, quiet=args.quiet)
    shown_host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host
    print(
        f"Site de démonstration : http://{shown_host}:{server.server_address[1]}/ (widget relié à {args.rasa_url})",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
