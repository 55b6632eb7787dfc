"""Fixtures for the browser tests: one headless Chromium (Debian's, driven by Playwright's sync
API) per session, a fresh context per user, the live server and the real SODPA framework.

Every test under tests/browser is marked `browser` (`pytest -m "not browser"` skips them)."""

import shutil
from pathlib import Path

import pytest

from frameworks.models import Framework
from tests.factories import DEMO_PASSWORD, build_framework
from tests.helpers import SMALL_SHAPE, sodpa_framework

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make setup-test` installs it")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """`new_page()` → a page in a fresh context (own cookies and localStorage), Chinese by default.
    Dialogs (the "leave page?" confirmation of the questionnaire) are accepted."""
    contexts = []

    def make(locale: str = "zh-CN"):
        context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts():
    """`artifacts(page, name)` saves a full-page screenshot under tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def shoot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


@pytest.fixture
def sodpa_live(live_server, transactional_db) -> Framework:
    """The real SODPA framework in the database the live server reads (reloaded after the previous
    transactional test flushed it)."""
    return sodpa_framework()


@pytest.fixture
def small_live(live_server, transactional_db) -> Framework:
    """The small framework (tests/conftest.py `small_framework`: the five dimensions, two indicators each) in
    the live server's database, for flows in which the guide's content is not the point."""
    return build_framework(SMALL_SHAPE)


def sign_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the sign-in page and wait for the dashboard."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base_url}/")
