"""Browser tests: the real app under uvicorn, driven by Playwright in Debian's Chromium.

One server per run, on a free port, over a temporary SQLite store with the demo loaded
(:func:`tanji.services.demo.load_demo`, as ``tanji serve`` does) and one more footprint
of the demo battery pack with a Monte Carlo (so the uncertainty chart has data).

Chromium is the system's (``/usr/bin/chromium``, ``apt-get install chromium``), never a
browser downloaded by ``playwright install``. Without Chromium or Playwright the tests
are skipped with the reason — except where ``CI`` is set, where they fail.

The machine may have no Chinese font (a server rarely does); Chromium is then pointed, by
a fontconfig file of the run, at WenQuanYi Micro Hei — the font the PDF reports embed,
installed with Tanji — so screenshots show Chinese, not boxes.

Screenshots go to ``$TANJI_SCREENSHOTS`` if set, else to the run's temporary folder
(``screenshots/``; pytest prints it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.live import serving

from tanji.bootstrap import App, build_app
from tanji.db.migrate import upgrade
from tanji.services import accounts, logins
from tanji.services.reference import ensure_reference_data
from tanji.services.rules import ensure_shipped_rules
from tanji.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("TANJI_CHROMIUM", "/usr/bin/chromium"))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VENDOR = Path(__file__).resolve().parents[2] / "src" / "tanji" / "web" / "static" / "vendor"
DEMO_BATTERY = accounts.DEMO_ACCOUNTS[1]  # (email, password, what)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed (uv sync installs it)")
    if not (CHROMIUM.exists() or shutil.which(str(CHROMIUM))):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not (VENDOR / "echarts.min.js").exists():
        _unavailable("the web assets are missing (run scripts/assets.sh)")
    return CHROMIUM


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: App
    mc_result_id: int  # a demo battery-pack result with a Monte Carlo


def _demo_store(app: App) -> int:
    """The store as ``tanji serve`` leaves it, plus a Monte Carlo result of the pack."""
    from sqlalchemy import select

    from tanji.db.models import ProductRow
    from tanji.services.demo import load_demo
    from tanji.services.product_calculation import calculate_product

    upgrade(app.db)
    with app.unit_of_work() as uow:
        ensure_reference_data(uow.session)
        ensure_shipped_rules(uow.session)
    load_demo(app, EXAMPLES)
    with app.unit_of_work() as uow:
        actor = logins.authenticate(uow.session, DEMO_BATTERY[0], DEMO_BATTERY[1])
        pack = uow.session.scalar(
            select(ProductRow).where(
                ProductRow.org_id == actor.org_id, ProductRow.code == "lfp-pack"
            )
        )
        assert pack is not None, "the demo should make the battery pack a workspace product"
        saved = calculate_product(
            uow.session, app.backgrounds, actor, pack.id, iterations=1000, seed=1
        )
    return saved.result_id


@pytest.fixture(scope="session")
def live_server(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    from tanji.web.app import create_app

    data_dir = tmp_path_factory.mktemp("browser-store")
    settings = Settings(
        data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'tanji.db'}", secret_key="browser"
    )
    with build_app(settings) as app:
        mc_result = _demo_store(app)
        with serving(create_app(app)) as url:
            yield LiveServer(url, app, mc_result)


def _fontconfig(folder: Path) -> dict[str, str]:
    """The environment for Chromium: the system's fonts plus Tanji's CJK font."""
    import paperang_p2_fonts_cjk  # type: ignore[import-untyped]

    fonts = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts"
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


@pytest.fixture(scope="session")
def browser(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    env = _fontconfig(tmp_path_factory.mktemp("fontconfig"))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=["--no-sandbox"], env=env
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser profile (no cookies) showing 1280-px-wide pages; fails the test if
    the Content-Security-Policy blocked anything on them."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    # Anything the Content-Security-Policy blocks (tanji.web.headers) is a bug: a script,
    # a style or a handler the page needs and no longer gets.
    blocked: list[str] = []
    tab.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield tab
    context.close()
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("TANJI_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the login form (then the browser holds the session cookie)."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()
