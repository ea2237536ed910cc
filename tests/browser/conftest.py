"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the real server.

Every page opened here fails its test if it ever opens a dialog (alert/confirm/prompt: an injected
script ran) or throws an uncaught JavaScript error. `axe_check` runs axe-core (node_modules, from
package-lock.json) and fails on serious or critical WCAG 2.2 A/AA violations. `shoot` saves a
screenshot under tests/artifacts/ (git-ignored) for people to look at.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PACT_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
# Without the background-networking flags Chromium keeps trying to reach Google's hosts, which
# this machine's closed network refuses; --no-sandbox because tests run as root here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(autouse=True)
def _database_context(observer):
    """Set-up and checks go through the observer's connection, as an outside observer's would."""
    yield


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _missing_tools() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} is missing (make install-browser installs Debian's chromium)"
    if not AXE_JS.exists():
        return f"{AXE_JS} is missing (npm ci installs axe-core)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (requirements-test.txt)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Guard:
    """What must never happen on any page: a dialog opening, an uncaught script error."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def watch(self, page) -> None:
        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def guard():
    return Guard()


@pytest.fixture
def new_page(browser, live_server, guard):
    """`new_page(viewport=PHONE, **context_options)`: a page in a fresh browser context (its own
    cookies and localStorage, like another person's phone), based at the live server."""
    contexts = []

    def make(viewport=PHONE, **options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        context.on("page", guard.watch)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert guard.dialogs == [], f"a dialog opened: {guard.dialogs}"
    assert guard.errors == [], f"uncaught script errors: {guard.errors}"


def axe_violations(page, *, include_moderate: bool = False) -> list[dict]:
    """Run axe-core in the page; return serious and critical violations (and moderate, if asked)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy (rightly
        # strict: script-src 'self') does not govern; a <script> tag would be refused.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    # axe's target-size rule measures only the part of a target inside the viewport, so a header
    # half scrolled away would read as "too small": check from the top, then scroll back.
    result = page.evaluate(
        """async (tags) => {
            const x = window.scrollX, y = window.scrollY;
            window.scrollTo(0, 0);
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            window.scrollTo(x, y);
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary)}));
        }""",
        WCAG_TAGS,
    )
    wanted = {"serious", "critical"} | ({"moderate"} if include_moderate else set())
    return [v for v in result if v["impact"] in wanted]


def axe_check(page, state: str) -> None:
    """Fail the test on serious or critical accessibility violations in this page state."""
    found = axe_violations(page)
    assert not found, f"axe-core found violations in state '{state}':\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found)


def shoot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot for people to look at (tests/artifacts/NAME.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def sign_in(page, email: str, password: str = TEST_PASSWORD, next_path: str | None = None) -> None:
    """Sign in through the real login form, as a member of staff would."""
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.locator("main").inner_text()


def join_room(page, meeting_id: int, name: str) -> None:
    """Open the room and join under a display name; waits until the page shows the post form."""
    page.goto(f"/meetings/{meeting_id}")
    page.get_by_label("Display name").fill(name)
    page.get_by_role("button", name="Join", exact=True).click()
    page.get_by_role("heading", name="Raise an issue").wait_for()


def post_issue(page, text: str, category: str | None = None, *, accepted: bool = True) -> None:
    """Write and post an issue; unless told otherwise, wait until it is accepted (the box empties)."""
    from playwright.sync_api import expect

    box = page.get_by_label("What is the problem in your area?")
    box.fill(text)
    if category:
        page.get_by_label("Category").select_option(label=category)
    page.get_by_role("button", name="Post issue").click()
    if accepted:
        expect(box).to_have_value("")


def issue_item(page, text: str):
    """The list item of the issue whose text is exactly `text`."""
    exact = re.compile("^" + re.escape(text) + "$")
    return page.locator("#issues li.issue").filter(has=page.locator(".issue-text", has_text=exact))


def no_horizontal_scroll(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def manage(page, text: str):
    """An officer opens one issue's controls (shown on demand, not on every card); returns its item."""
    item = issue_item(page, text)
    button = item.locator(".manage-button")
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    item.locator(".staff-controls").wait_for()
    return item


def mail_worker_env(smtp, tmp_path) -> dict[str, str]:
    """A live server's settings for pages that send mail: the test's SMTP server, the worker on."""
    return {"PACT_MAIL_URL": smtp.url, "PACT_MAIL_WORKER": "on",
            "PACT_MAIL_QUEUE_PATH": str(tmp_path / "mail-queue.sqlite3"), "PACT_MAIL_SWEEP_INTERVAL": "0.5"}


def path_in(message, prefix: str) -> str:
    """The path of the link starting with `prefix` in an e-mail's text part."""
    from tests.smtp_server import text_of

    return re.search(r"https?://[^/\s]+(" + prefix + r"[^\s/]+)(?=\s|$)", text_of(message)).group(1)
