"""The dashboard in a real headless Chromium (Debian's /usr/bin/chromium via Playwright):
every role logs in and opens every page it may see with no console error and no failed
request; a manager accepts and rejects MQLs from the SAL queue; a rep cannot open another
rep's lead; Bahasa Indonesia changes the page's strings. Screenshots are kept under
$REVALIGN_ARTEFACTS (default: the test's tmp folder)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import missing
from revalign.auth.users import UserStore
from revalign.contract.loader import default_contract
from revalign.engine import open_engine
from revalign.web.access import PAGES
from web_server import AS_OF, build_web_ledger, dashboard_app, serve

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
# the demo users: one per role, named after it, password demo-<role> (auth/demo_users.py)
ROLES = ("admin", "revops", "marketing", "sales_manager", "rep", "viewer")


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("REVALIGN_ARTEFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("web-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_web_ledger(tmp_path_factory.mktemp("web-browser"))


@pytest.fixture(scope="module")
def base_url(ledger_url: str) -> Iterator[str]:
    app = dashboard_app(ledger_url)
    with serve(app) as url:
        yield url
    app.state.dashboard.close()
    app.state.runtime.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if shutil.which(CHROMIUM) is None:
        missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Watched:
    """A page with every console error, failed request and HTTP error recorded."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 900})
        self.page = self.context.new_page()
        self.base = base
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))  # fmt: skip
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        # an aborted request is one the page itself cancelled by navigating or swapping (a
        # favicon fetch cut short by the next page): not a failure; 4xx/5xx are caught below
        self.page.on("requestfailed", lambda r: "ERR_ABORTED" not in str(r.failure)
                     and self.problems.append(f"failed: {r.url} {r.failure}"))  # fmt: skip
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))  # fmt: skip

    def login(self, name: str) -> None:
        self.page.goto(f"{self.base}/login")
        self.page.fill("input[name=name]", name)
        self.page.fill("input[name=password]", f"demo-{name}")
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any, base_url: str) -> Iterator[Watched]:
    w = Watched(browser, base_url)
    yield w
    w.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_renders_cleanly(
    watched: Watched, role: str, artefacts: Path
) -> None:
    watched.login(role)
    page = watched.page
    nav = [a.get_attribute("href") for a in page.query_selector_all("header nav a")]
    visible = [p for p in PAGES if role in p.roles]
    assert len(nav) == len(visible)
    for p in visible:
        page.goto(f"{watched.base}{p.path}?as_of={AS_OF}")
        assert page.locator("h1").first.is_visible()
        page.screenshot(path=str(artefacts / f"{role}-{p.key}.png"), full_page=True)
    hidden = [p for p in PAGES if role not in p.roles]
    assert watched.problems == []
    for p in hidden:  # a page the role may not see answers 403, not the page
        response = page.goto(f"{watched.base}{p.path}")
        assert response is not None and response.status == 403, p.key
        watched.problems.clear()


def test_funnel_numbers_drill_to_as_many_records(watched: Watched) -> None:
    watched.login("admin")
    page = watched.page
    page.goto(f"{watched.base}/?as_of={AS_OF}&channel=partner")
    links = page.query_selector_all("table.funnel a.drill")
    assert len(links) == 6
    expected = [(a.get_attribute("href"), a.inner_text()) for a in links]
    for href, text in expected:
        page.goto(f"{watched.base}{href}")
        shown = int(page.inner_text("#drill-count"))
        assert shown == int(re.sub(r"\D", "", text)), href
        assert page.locator("#drill tbody tr").count() == shown
    page.goto(f"{watched.base}/?as_of={AS_OF}")
    money = page.locator(".card a.drill[href^='/drill/pipeline_value']")
    amount = money.inner_text()
    money.click()
    page.wait_for_selector("#drill-total")
    assert page.inner_text("#drill-total") == amount  # the listed amounts add up to it
    assert watched.problems == []


def _stage(url: str, lead_id: str) -> str:
    contract = default_contract()
    with open_engine(url, contract, create=False) as engine:
        return engine.state.leads[lead_id].stage.value


def test_manager_accepts_and_rejects_from_the_sal_queue(
    watched: Watched, ledger_url: str, artefacts: Path
) -> None:
    watched.login("sales_manager")
    page = watched.page
    page.goto(f"{watched.base}/sal")
    rows = page.locator("table.queue tbody tr[id^=sal-]")
    assert rows.count() >= 2
    first = rows.nth(0).get_attribute("id")[4:]
    second = rows.nth(1).get_attribute("id")[4:]
    assert _stage(ledger_url, first) == "mql"
    page.screenshot(path=str(artefacts / "sal-before.png"), full_page=True)
    page.locator(f"#sal-{first} button.accept").click()
    page.wait_for_selector(".notice")
    assert _stage(ledger_url, first) == "sal"
    page.locator(f"#sal-{second} select[name=reason]").select_option("wrong_size")
    page.locator(f"#sal-{second} button.reject").click()
    page.wait_for_selector(f".notice:has-text('reject:{second}')")
    assert _stage(ledger_url, second) == "rejected"
    assert page.locator(f"#sal-{first}").count() == 0
    assert watched.problems == []


def test_a_rep_cannot_open_another_reps_lead(watched: Watched, ledger_url: str) -> None:
    contract = default_contract()
    with open_engine(ledger_url, contract, create=False) as engine:
        rep = UserStore(engine.ledger.engine).get("rep").rep_id
        leads = engine.state.leads.values()
        theirs = next(lead.lead_id for lead in leads if lead.owner not in (rep, None))
        own = next(lead.lead_id for lead in leads if lead.owner == rep)
    watched.login("rep")
    response = watched.page.goto(f"{watched.base}/lead/{theirs}")
    # the verbs layer answers "no such lead": a rep cannot even learn that the id exists
    assert response is not None and response.status == 404
    assert f"no lead {theirs!r}" in watched.page.inner_text("main")
    assert "Timeline" not in watched.page.inner_text("main")
    response = watched.page.goto(f"{watched.base}/lead/{own}")
    assert response is not None and response.status == 200
    assert own in watched.page.inner_text("h1")


def test_bahasa_indonesia_changes_the_strings(watched: Watched, artefacts: Path) -> None:
    watched.login("sales_manager")
    page = watched.page
    page.goto(f"{watched.base}/?as_of={AS_OF}")
    assert "Meeting view" in page.inner_text("header nav")
    page.click("header .langs a:has-text('ID')")
    page.wait_for_load_state()
    nav = page.inner_text("header nav")
    assert "Tampilan rapat" in nav and "Antrean SAL" in nav and "Meeting view" not in nav
    assert page.get_attribute("html", "lang") == "id"
    assert "Skor Keselarasan" in page.inner_text("main")
    page.screenshot(path=str(artefacts / "home-id.png"), full_page=True)
    assert watched.problems == []


def test_a_rep_logs_a_touch_from_the_queue(watched: Watched, ledger_url: str) -> None:
    watched.login("rep")
    page = watched.page
    page.goto(f"{watched.base}/queue")
    rows = page.locator("table.queue tbody tr[id^=q-]")
    assert rows.count() >= 1
    lead_id = (rows.nth(0).get_attribute("id") or "")[2:]
    cadence = page.locator(f"#q-{lead_id} td").nth(3)
    before = int(cadence.inner_text().split("/")[0])
    contract = default_contract()
    with open_engine(ledger_url, contract, create=False) as engine:
        touches = len(engine.state.leads[lead_id].touches)
    page.locator(f"#q-{lead_id} select[name=kind]").select_option("email")
    page.locator(f"#q-{lead_id} button[type=submit]").click()
    page.wait_for_selector(f".notice:has-text('touch:{lead_id}')")
    from playwright.sync_api import expect

    # the queue re-rendered with one more touch in the cadence column (waits for the swap)
    expect(page.locator(f"#q-{lead_id} td").nth(3)).to_have_text(re.compile(rf"^{before + 1}/"))
    with open_engine(ledger_url, contract, create=False) as engine:
        assert len(engine.state.leads[lead_id].touches) == touches + 1
    assert watched.problems == []


def test_marketing_cannot_accept_an_mql_even_by_posting(watched: Watched, ledger_url: str) -> None:
    contract = default_contract()
    with open_engine(ledger_url, contract, create=False) as engine:
        mql = next(x.lead_id for x in engine.state.leads.values() if x.stage.value == "mql")
    watched.login("marketing")
    response = watched.page.request.post(f"{watched.base}/sal/{mql}/accept", form={"note": "x"})
    assert response.status == 403
    assert _stage(ledger_url, mql) == "mql"
