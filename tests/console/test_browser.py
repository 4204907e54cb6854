"""The console end to end in a real headless Chromium (Debian's package, driven by Playwright):
sign in, load numbers by CSV upload, see them, pause one, see its status and the audit entry,
open the planner, sign out, and a second company sees none of it.

A screenshot of every page lands in tests/artifacts/screenshots/ (not committed). Without a
Chromium the test is skipped locally and fails under CI=true (.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from openani.store import companies as company_store
from openani.store import migrate
from openani.store.engine import Database
from tests.support.server import running_server

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
NUMBERS_CSV = (
    "country_code,number,inbound_group_id,is_branded,brand_name,carrier_id\n"
    "+1,5617778888,ing1,true,BrandX,carr1\n"
    "+1,2125550143,ing1,false,,\n"
    "+1,3055550123,ing2,false,,\n"
)

playwright_api = pytest.importorskip("playwright.sync_api")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if IN_CI:
            pytest.fail("chromium is required under CI (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A live server on a fresh SQLite file with two companies; (URL, key A, key B)."""
    path = tmp_path_factory.mktemp("browser") / "openani.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    keys = []
    with db.write() as conn:
        for name in ("Acme Dialing", "Rival Calls"):
            company = company_store.create_company(conn, name)
            keys.append(company_store.create_api_key(conn, company).plaintext)
    db.dispose()
    with running_server(f"sqlite:///{path}") as base:
        yield base, keys[0], keys[1]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def sign_in(page: object, base: str, key: str) -> None:
    page.goto(f"{base}/")  # type: ignore[attr-defined]
    assert page.url.endswith("/console/sign-in")  # type: ignore[attr-defined]
    page.fill("#api_key", key)  # type: ignore[attr-defined]
    page.click("#sign-in")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/console/")  # type: ignore[attr-defined]


def test_operator_journey_and_a_second_company(
    server: tuple[str, str, str], browser: object, tmp_path: Path
) -> None:
    base, key_a, key_b = server
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    # Script errors on any page (a refused stylesheet or script would show here too).
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None,
    )

    page.goto(f"{base}/console/sign-in")
    shot(page, "01-sign-in")
    sign_in(page, base, key_a)
    assert "Acme Dialing" in page.inner_text("header")
    cookie = next(c for c in context.cookies() if c["name"] == "openani_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert key_a not in page.content()
    shot(page, "02-overview")

    # Load numbers by CSV upload.
    page.click("text=Numbers")
    page.click("text=Load numbers from CSV")
    csv_file = tmp_path / "numbers.csv"
    csv_file.write_text(NUMBERS_CSV)
    page.set_input_files("#file", str(csv_file))
    page.click("#upload")
    assert "3 created" in page.inner_text("#import-summary")
    shot(page, "03-import-report")

    # See them in the table, pause one with a note.
    page.click("header >> text=Numbers")
    table = page.inner_text("#numbers")
    assert all(n in table for n in ("5617778888", "2125550143", "3055550123"))
    row = page.locator("#numbers tr", has_text="5617778888")
    row.locator('input[name="note"]').fill("carrier complaint")
    row.locator('button[data-action="pause"]').click()
    page.wait_for_selector(".notice")
    assert "5617778888 paused" in page.inner_text(".notice")
    assert "paused" in page.locator("#numbers tr", has_text="5617778888").inner_text()
    shot(page, "04-numbers")

    # The number's own page, and the audit entry.
    page.click("text=+1 5617778888")
    assert "carrier complaint" in page.inner_text("#history")
    shot(page, "05-number")
    page.click("text=Audit log")
    audit = page.inner_text("#audit")
    assert "pause" in audit and "5617778888" in audit and "import" in audit
    shot(page, "06-audit")

    # The other pages open.
    page.click("text=Planner")
    page.wait_for_selector("#plan")
    shot(page, "07-planner")
    for name, heading in (
        ("coverage", "Coverage"),
        ("campaigns", "Campaigns"),
        ("dispositions", "Dispositions"),
        ("settings", "Settings"),
    ):
        page.goto(f"{base}/console/{name}")
        assert page.inner_text("h1") == heading
        shot(page, f"08-{name}")

    # Sign out: the pages are closed again.
    page.click("#sign-out")
    page.wait_for_url(f"{base}/console/sign-in")
    page.goto(f"{base}/console/numbers")
    assert page.url.endswith("/console/sign-in")

    # The second company sees none of it.
    sign_in(page, base, key_b)
    assert "Rival Calls" in page.inner_text("header")
    page.goto(f"{base}/console/numbers")
    assert "5617778888" not in page.inner_text("#numbers")
    page.goto(f"{base}/console/audit")
    assert "5617778888" not in page.inner_text("#audit")
    page.goto(f"{base}/console/numbers/1/5617778888")
    assert "No such number" in page.content()
    shot(page, "09-second-company")
    assert errors == []
    context.close()
