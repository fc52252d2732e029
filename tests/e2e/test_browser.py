"""The web demo page in a real headless Chromium: the rasa-webchat widget against the real Rasa server.

Needs Debian's Chromium at /usr/bin/chromium (scripts/ensure_chromium.sh installs it), the Python
package playwright (driving that binary through executable_path: no browser download) and the
widget installed by `npm ci` in web/. Without them the test skips locally, and fails when CI is set.
Saves a screenshot to test-artifacts/webchat.png.

The page is served by scripts/serve_web.py on a free port. Rasa only answers the cross-origin
Socket.IO requests of origins its --cors allows (http://localhost:8080 in conftest and start.sh), so
unless the page's real origin is allowed, Chromium is told to resolve that allowed origin to our
server (--host-resolver-rules): the page then runs exactly as it would at http://localhost:8080.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import requests

from tests.ci import skip_or_fail_in_ci
from tests.e2e.conftest import ROOT, Stack, free_port

pytestmark = pytest.mark.e2e

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
WIDGET_BUNDLE = ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOT = ARTIFACTS / "webchat.png"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
STEP_TIMEOUT_MS = 60_000


def unavailable(reason: str) -> NoReturn:
    """Fail on CI (the browser test must run there); skip with the reason elsewhere."""
    skip_or_fail_in_ci(reason, must_run="the browser test")


@pytest.fixture(scope="module")
def sync_playwright():
    if not CHROMIUM.exists():
        unavailable(f"Chromium is not installed at {CHROMIUM}: run scripts/ensure_chromium.sh (as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (it is in the dev dependency group)")
    return sync_playwright


@pytest.fixture(scope="module")
def web_url() -> Iterator[str]:
    """scripts/serve_web.py serving web/ on a free port."""
    if not WIDGET_BUNDLE.is_file():
        unavailable(f"the rasa-webchat widget is not installed ({WIDGET_BUNDLE} missing): run `npm ci` in web/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with (ARTIFACTS / "serve_web.log").open("w") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "serve_web.py"), "--port", str(port)],
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"serve_web.py exited with {process.returncode}; see {log.name}")
                try:
                    if requests.get(f"{url}/node_modules/rasa-webchat/lib/index.js", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"serve_web.py did not answer on {url} within 30s")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def cors_origins(stack: Stack) -> list[str]:
    """The origins the running Rasa server was started to allow (its --cors arguments)."""
    args = [str(a) for a in stack.processes["rasa"].args]
    if "--cors" not in args:
        return []
    values = args[args.index("--cors") + 1:]
    return [v for v in values[:next((i for i, v in enumerate(values) if v.startswith("--")), len(values))]]


def page_origin(stack: Stack, web_url: str) -> tuple[str, list[str]]:
    """The origin to open the page at, and the Chromium flags that make it reach our server."""
    origins = cors_origins(stack)
    if "*" in origins or web_url in origins:
        return web_url, []
    served = urllib.parse.urlsplit(web_url)
    for origin in origins:
        allowed = urllib.parse.urlsplit(origin)
        if allowed.scheme == "http" and allowed.hostname in LOCAL_HOSTS and allowed.port:
            return origin, [f"--host-resolver-rules=MAP {allowed.hostname}:{allowed.port} "
                            f"{served.hostname}:{served.port}"]
    pytest.fail(f"Rasa allows no local http origin the test page can use (--cors {origins})", pytrace=False)


def test_widget_greets_and_runs_the_questionnaire(stack: Stack, web_url: str, sync_playwright,
                                                  tmp_path: Path) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    origin, extra_flags = page_origin(stack, web_url)
    page_url = f"{origin}/?{urllib.parse.urlencode({'socket': stack.rasa_url})}"
    console: list[str] = []
    outside: list[str] = []  # requests that went out towards another machine (a CDN, web fonts, ...)

    def record_request(request) -> None:
        url = urllib.parse.urlsplit(request.url)
        if url.scheme in ("data", "blob") or url.hostname in LOCAL_HOSTS:
            return
        failure = request.failure
        if failure is not None and "csp" in failure.lower():
            return  # stopped by the page's Content-Security-Policy before leaving the browser
        outside.append(f"{request.url} ({failure or 'fetched'})")

    with sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / "chromium-profile"),  # a fresh user-data-dir
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS + extra_flags,
                viewport={"width": 1280, "height": 800}, timeout=60_000)
        except PlaywrightError as exc:
            unavailable(f"Chromium at {CHROMIUM} could not be started: {exc}")
        page = context.pages[0] if context.pages else context.new_page()
        try:
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.on("requestfinished", record_request)
            page.on("requestfailed", record_request)
            page.goto(page_url, wait_until="load", timeout=STEP_TIMEOUT_MS)

            messages = page.locator(".rw-messages-container")
            expect(page.locator("#connection")).to_contain_text("Connected", timeout=STEP_TIMEOUT_MS)
            expect(messages).to_contain_text("wealth assistant", timeout=STEP_TIMEOUT_MS)

            page.locator(".rw-reply", has_text="Find my risk level").first.click(timeout=STEP_TIMEOUT_MS)
            expect(messages).to_contain_text("Question 1 of 15", timeout=STEP_TIMEOUT_MS)

            # The first question's options are the quick replies shown under it.
            options = page.locator(".rw-reply")
            expect(options.first).to_be_visible(timeout=STEP_TIMEOUT_MS)
            assert "Find my risk level" not in options.all_inner_texts()
            options.first.click(timeout=STEP_TIMEOUT_MS)
            expect(messages).to_contain_text("Question 2 of 15", timeout=STEP_TIMEOUT_MS)
            page.wait_for_timeout(800)  # let the widget finish rendering before the picture
            page.screenshot(path=str(SCREENSHOT))
            assert not outside, f"the page fetched from outside this machine: {outside}"
        except BaseException:
            try:
                page.screenshot(path=str(ARTIFACTS / "webchat-failure.png"))
            except Exception:  # noqa: BLE001 - the original error matters more
                pass
            print(f"page: {page_url} (Chromium flags {CHROMIUM_FLAGS + extra_flags})")
            print("browser console:\n" + "\n".join(console[-50:]))
            print("server logs (tail):\n" + stack.log_text()[-3000:])
            raise
        finally:
            context.close()
    assert SCREENSHOT.stat().st_size > 10_000
