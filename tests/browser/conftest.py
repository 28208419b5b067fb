"""Headless Chromium (Debian's package, never a downloaded one) against the live server.

One browser serves the whole browser suite; each test gets a fresh context (cookies,
storage) and a fresh page. The server is pytest-django's ``live_server``, which shares the
test database with the test thread through ``transactional_db``.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pyotp
import pytest

from tests import axe_report
from tests.conftest import IN_CI, PASSWORD, TOTP_SECRET, clear_cache

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
BLOCKING_IMPACTS = {"serious", "critical"}


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    fallback = Path("/usr/bin/chromium")
    return str(fallback) if fallback.exists() else None


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def _async_unsafe_allowed() -> Iterator[None]:
    # Playwright's sync API keeps an asyncio loop "running" in this thread while it is
    # started, so Django's guard would refuse every ORM call of the test (fixtures,
    # flush). Allowed only while the browser runs: scoped to this package, so the other
    # suites keep the guard.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed: None) -> Iterator[Browser]:
    """One Chromium for the whole browser suite."""
    executable = chromium_path()
    if executable is None:
        _unavailable("chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:  # pragma: no cover - part of the dev dependencies
        _unavailable("playwright is not installed")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
    except Error as exc:
        playwright.stop()
        _unavailable(f"chromium at {executable} does not start: {exc.message.splitlines()[0]}")
    unwatch = AXE_WATCH.install(chromium)
    yield chromium
    unwatch()
    chromium.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def _axe_every_page(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every document a test's pages load is checked with axe-core (see ``AxeWatch``)."""
    AXE_WATCH.begin(request.node.nodeid)
    yield
    AXE_WATCH.end()


@pytest.fixture
def server(live_server: Any, transactional_db: None, settings: Any, jobcenters: Any) -> str:
    """The live server's base URL, with the reference job centres loaded."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1"]
    # Rate-limit counters and used TOTP codes live in the cache.
    clear_cache()
    return str(live_server.url)


def new_context(browser: Browser, server: str, **options: Any) -> BrowserContext:
    options.setdefault("viewport", DESKTOP)
    options.setdefault("locale", "de-DE")
    context = browser.new_context(base_url=server, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser: Browser, server: str) -> Iterator[BrowserContext]:
    context = new_context(browser, server)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


class OtherBrowsers:
    """Pages in browsers of their own (fresh contexts: no shared cookies), for a second
    person beside the test's ``page``; the fixture ``other_browsers`` closes them after."""

    def __init__(self, browser: Browser, server: str) -> None:
        self.browser, self.server = browser, server
        self.contexts: list[BrowserContext] = []

    def page(self, **options: Any) -> Page:
        context = new_context(self.browser, self.server, **options)
        self.contexts.append(context)
        return context.new_page()

    def staff(self, user: User, jobcenter: Jobcenter) -> Page:
        """A staff member's page, logged in with the second factor, on the dashboard."""
        page = self.page()
        log_in_staff(page, user, jobcenter)
        return page

    def customer(self, email: str) -> Page:
        page = self.page()
        log_in(page, email)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def other_browsers(browser: Browser, server: str) -> Iterator[OtherBrowsers]:
    others = OtherBrowsers(browser, server)
    yield others
    others.close()


# --- Accessibility ------------------------------------------------------------------------


@dataclass
class AxeFinding:
    page: str
    rule: str
    impact: str
    help: str
    targets: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) {self.help} -> {', '.join(self.targets)}"


def check_a11y(page: Page, label: str) -> list[AxeFinding]:
    """Run axe-core on the page as it is now; fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    waiting = AXE_WATCH.pending.get(id(page))
    if waiting is not None and waiting[1] == page.url:
        del AXE_WATCH.pending[id(page)]  # this check covers the loaded document too
    results = _axe_run_settled(page, Axe())
    axe_report.CHECKED.append(label)
    findings = [
        AxeFinding(
            page=label,
            rule=v["id"],
            impact=v.get("impact") or "unknown",
            help=v["help"],
            targets=[" ".join(map(str, node["target"])) for node in v["nodes"]][:5],
        )
        for v in results.response["violations"]
    ]
    axe_report.FINDINGS.extend(f.line() for f in findings)
    blocking = [f for f in findings if f.impact in BLOCKING_IMPACTS]
    assert not blocking, "axe-core found serious/critical violations:\n" + "\n".join(
        f.line() for f in blocking
    )
    return findings


# What Chromium says when axe runs while the page is navigating away: the
# evaluation lost its document (CI saw it once after a link click).
_NAVIGATING = ("Execution context was destroyed", "reading 'documentElement'")


# What decides axe-core's answer for a page state: the document as it is now (its markup,
# with the per-response CSRF token and CSP nonces taken out), where it is, the viewport
# and the media features the context emulates. The stylesheets and scripts are the run's
# own static files. A state already checked in this test process is not checked again:
# the same login page, loaded by most browser tests, got the same answer each time
# (a quarter of a second of axe-core per check, about 800 checks a run).
_STATE_KEY = """() => [
  location.origin + location.pathname + location.search,
  innerWidth, innerHeight, devicePixelRatio,
  matchMedia("(prefers-color-scheme: dark)").matches,
  matchMedia("(forced-colors: active)").matches,
  matchMedia("(prefers-reduced-motion: reduce)").matches,
  document.documentElement.outerHTML
    .replace(/(name="csrfmiddlewaretoken" value=")[^"]*"/g, "$1")
    .replace(/(nonce=")[^"]*"/g, "$1"),
].join("\\n")"""
_AXE_BY_STATE: dict[str, Any] = {}


def _state_key(page: Page) -> str:
    return hashlib.sha256(str(page.evaluate(_STATE_KEY)).encode()).hexdigest()


def _axe_run_settled(page: Page, axe: Any, tries: int = 3) -> Any:
    """Run axe on a loaded document; if a navigation replaced it meanwhile, wait and run again.

    A page state checked before in this process gets that check's answer (``_STATE_KEY``);
    an answer is kept only if the state did not change while axe-core ran."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(tries):
        page.wait_for_load_state("load")
        try:
            key = _state_key(page)
            if key in _AXE_BY_STATE:
                return _AXE_BY_STATE[key]
            results = axe.run(page)
            if _state_key(page) == key:
                _AXE_BY_STATE[key] = results
            return results
        except PlaywrightError as exc:
            if attempt == tries - 1 or not any(m in str(exc) for m in _NAVIGATING):
                raise
    raise AssertionError("unreachable")


class AxeWatch:
    """axe-core on every loaded document, not only where a test calls ``check_a11y``.

    Each page of every context reports its ``load`` event; the handler only notes the page
    (Playwright's sync API runs handlers beside the test, so a check started there would
    race the test's next click). The check runs in the test's own flow instead: before the
    test's next call into Playwright (every sync call passes ``SyncBase._sync``), on the
    document as loaded and before the test acts on it, and before a page or context closes.
    A page that navigates by itself while being checked is checked again on its next load.

    Pages without JavaScript cannot run axe-core (``evaluate`` never returns there): their
    document's HTML, as the server sent it, is opened in a scripted checker page with the
    same stylesheets (its own scripts blocked) and checked there.
    """

    def __init__(self) -> None:
        self.pending: dict[int, tuple[Page, str]] = {}
        self.documents: dict[int, Any] = {}  # page id -> its last document response
        self.checking = False
        self.test = ""
        self.main: Any = None
        self.browser: Browser | None = None

    def install(self, chromium: Browser) -> Callable[[], None]:
        import greenlet  # type: ignore[import-untyped]
        from playwright._impl import _sync_base

        self.main = greenlet.getcurrent()
        self.browser = chromium
        original_sync = _sync_base.SyncBase._sync
        original_new_context = chromium.new_context
        watch = self

        def gated_sync(base: Any, awaitable: Any) -> Any:
            __tracebackhide__ = True
            if watch.pending and not watch.checking and greenlet.getcurrent() is watch.main:
                try:
                    watch.check_pending()
                except BaseException:
                    if asyncio.iscoroutine(awaitable):
                        awaitable.close()
                    raise
            return original_sync(base, awaitable)

        def watched_new_context(**options: Any) -> BrowserContext:
            created = original_new_context(**options)
            if not watch.checking:
                scripted = options.get("java_script_enabled", True)
                created.on("page", lambda p: watch.watch(p, scripted=scripted))
            return created

        _sync_base.SyncBase._sync = gated_sync  # type: ignore[method-assign,assignment]
        chromium.new_context = watched_new_context  # type: ignore[method-assign]

        def uninstall() -> None:
            _sync_base.SyncBase._sync = original_sync  # type: ignore[method-assign]
            chromium.new_context = original_new_context  # type: ignore[method-assign]

        return uninstall

    def watch(self, page: Page, *, scripted: bool) -> None:
        key = id(page)

        def loaded(_: Any) -> None:
            if self.test:
                self.pending[key] = (page, page.url)

        def document(response: Any) -> None:
            request = response.request
            if request.resource_type == "document" and request.frame == page.main_frame:
                self.documents[key] = response

        page.on("load", loaded)
        if not scripted:
            page.on("response", document)

        def closed(_: Any) -> None:
            self.pending.pop(key, None)

        page.on("close", closed)
        page.scripted = scripted  # type: ignore[attr-defined]

    def begin(self, nodeid: str) -> None:
        self.test = nodeid.rsplit("::", maxsplit=1)[-1]
        self.pending.clear()
        self.documents.clear()

    def end(self) -> None:
        try:
            if self.pending:
                self.check_pending()
        finally:
            self.test = ""
            self.pending.clear()
            self.documents.clear()

    def check_pending(self) -> None:
        from playwright.sync_api import Error

        self.checking = True
        try:
            while self.pending:
                key, (page, url) = next(iter(self.pending.items()))
                del self.pending[key]
                if page.is_closed() or page.url != url:
                    continue  # replaced before the test touched it; its successor is pending
                if not url.startswith(("http://", "https://")):
                    continue  # a test's own markup (set_content), not one of our pages
                label = f"{self.test}: {urlsplit(url).path or url}"
                try:
                    if getattr(page, "scripted", True):
                        check_a11y(page, label)
                    else:
                        self.check_unscripted(page, url, label)
                except Error as exc:
                    if "context was destroyed" in str(exc) or "navigat" in str(exc):
                        continue  # the page moved on by itself; checked at its next load
                    raise
        finally:
            self.checking = False

    def check_unscripted(self, page: Page, url: str, label: str) -> None:
        response = self.documents.get(id(page))
        if response is None or response.url != url:
            return
        html = response.body()
        assert self.browser is not None
        options: dict[str, Any] = {"locale": "de-DE", "viewport": page.viewport_size or DESKTOP}
        checker_context = self.browser.new_context(**options)
        try:
            checker = checker_context.new_page()
            checker.route(
                "**/*",
                lambda route: (
                    route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
                    if route.request.url == url
                    else route.abort()
                    if route.request.resource_type == "script"
                    else route.continue_()
                ),
            )
            checker.goto(url)
            check_a11y(checker, f"{label} (without JavaScript)")
        finally:
            checker_context.close()


AXE_WATCH = AxeWatch()


# --- People and log-in ---------------------------------------------------------------------


def totp_code() -> str:
    """The current code, never one about to expire (allauth allows no clock drift)."""
    remaining = 30 - time.time() % 30
    if remaining < 2:
        time.sleep(remaining + 0.1)
    return str(pyotp.TOTP(TOTP_SECRET).now())


def submit(page: Page, button: Locator) -> None:
    """Click a submit button and wait until the answer to that form has loaded."""
    with page.expect_navigation():
        button.click()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill and send the real login form."""
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(password)
    submit(page, page.locator("main form button[type=submit]").first)


def log_in_staff(page: Page, user: User, jobcenter: Jobcenter) -> None:
    """Password, then the second factor, as a person would; ends on the dashboard."""
    log_in(page, user.email)
    page.wait_for_url("**/2fa/**")
    page.get_by_label("Code").fill(totp_code())
    submit(page, page.locator("main form button[type=submit]").first)
    page.wait_for_url(f"**/{jobcenter.slug}/staff/")
