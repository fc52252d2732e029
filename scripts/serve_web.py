#!/usr/bin/env python3
"""Serve the web demo (web/) on a local port: the page and the rasa-webchat bundle from web/node_modules.

Usage: python scripts/serve_web.py [--port 8080] [--host 127.0.0.1]
Then open http://localhost:8080/ (optionally ?socket=http://localhost:5005&token=JWT; see web/index.html).
Rasa must allow the page's origin: scripts/start.sh runs it with --cors http://localhost:8080.

Only files inside web/ are served; anything else (../, symlinks out of web/, absolute paths) is refused.
Standard library only.
"""

from __future__ import annotations

import argparse
import http.server
import os
import posixpath
import re
import sys
import urllib.parse
from functools import partial
from pathlib import Path

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
WIDGET_BUNDLE = Path("node_modules") / "rasa-webchat" / "lib" / "index.js"
QUERY = re.compile(r"[?][^ \"]*")  # query strings are not logged: ?token= may be in them
INSTALL_HINT = f"the chat widget is not installed: run `npm ci` in {WEB_ROOT} (needs node and npm)"


class WebHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the web root; refuses anything that resolves outside it."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".mjs": "application/javascript",
                      ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml"}

    def __init__(self, *args, directory: str, **kwargs) -> None:
        self.root = Path(directory).resolve()
        super().__init__(*args, directory=str(self.root), **kwargs)

    def _inside_root(self) -> bool:
        raw = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if "\x00" in raw or "\\" in raw:
            return False
        parts = [p for p in posixpath.normpath(raw).split("/") if p]
        if any(p in (".", "..") for p in raw.split("/")) or any(p.startswith("..") for p in parts):
            return False
        target = (self.root.joinpath(*parts) if parts else self.root).resolve()
        return target == self.root or self.root in target.parents

    def send_head(self):  # noqa: ANN201 - same signature as the base class
        if not self._inside_root():
            self.send_error(403, "Forbidden: outside the web root")
            return None
        if urllib.parse.urlsplit(self.path).path.endswith(str(WIDGET_BUNDLE).replace(os.sep, "/")) \
                and not (self.root / WIDGET_BUNDLE).is_file():
            self.send_error(404, INSTALL_HINT)
            return None
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def list_directory(self, path):  # noqa: ANN001, ANN201 - no directory listings
        self.send_error(404, "Not found")
        return None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - base class name
        # Paths only, never query strings: a demo URL may carry ?token=.
        message = QUERY.sub("?...", format % args)
        sys.stderr.write(f"[serve_web] {message}\n")


def make_server(host: str, port: int, root: Path = WEB_ROOT) -> http.server.ThreadingHTTPServer:
    handler = partial(WebHandler, directory=str(root))
    http.server.ThreadingHTTPServer.daemon_threads = True
    return http.server.ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve web/ (the wealth assistant demo page) locally.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    args = parser.parse_args(argv)
    if not (WEB_ROOT / WIDGET_BUNDLE).is_file():
        print(f"warning: {INSTALL_HINT}; the page will say so until then", file=sys.stderr)
    server = make_server(args.host, args.port)
    host, port = server.socket.getsockname()[:2]
    shown = "localhost" if host in ("127.0.0.1", "::1", "localhost") else host
    # Open it as http://localhost:PORT: that is the origin Rasa's --cors allows (scripts/start.sh).
    print(f"Serving {WEB_ROOT} at http://{shown}:{port}/?socket=http://localhost:5005 (Ctrl-C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
