"""Trainers' paper in headless Chromium (A4, print to PDF): the session builder's plan and print
pack, and every printable page type without a blank or near-empty page."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.test_trainer_browser import KB, SITE_URL, decode_qr, print_to_pdf

pytestmark = pytest.mark.browser

# A printed page with fewer lines of text than this is near-empty: a footer, a QR code or a
# stray line pushed over from the page before (the footer alone is three lines).
MIN_LINES = 5


def lines_per_page(pdf: Path) -> list[int]:
    """Non-blank lines of text on each page of ``pdf``."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [sum(1 for line in page.splitlines() if line.strip()) for page in text.split("\f")[:-1]]


def article_length(site: Path, path: str) -> int:
    article = BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml").select_one("article")
    return len(article.get_text())


def extremes(site: Path, paths: list[str]) -> list[str]:
    """The shortest and the two longest pages of a kind: where a last page is most likely to be
    nearly empty or a one-page card to spill over."""
    ordered = sorted(paths, key=lambda path: article_length(site, path))
    return list(dict.fromkeys([ordered[0], *ordered[-2:]]))


def printable_pages(site: Path) -> list[str]:
    """Every printable page type, each by the records at its extremes."""
    kinds = {
        "method": [f"methods/{i}/" for i in KB.methods],
        "studio": [f"studios/{i}/" for i in KB.studios],
        "mentor": [f"mentors/{i}/" for i in KB.mentors],
        "site": [f"sites/{i}/" for i in KB.sites],
        "plan": [f"training/{i}/" for i in KB.methods],
        "card": [f"training/cards/{i}/" for i in KB.methods],
        "visit": [f"training/visits/{i}/" for i in KB.sites],
    }
    return [path for paths in kinds.values() for path in extremes(site, paths)]


def test_every_printable_page_type_prints_without_a_blank_or_near_empty_page(browser, built_site: Path, site_url: str,  # noqa: ANN001
                                                                              tmp_path: Path) -> None:
    page = browser.new_page()
    problems, printed = [], {}
    for path in printable_pages(built_site):
        pdf, _ = print_to_pdf(page, site_url + path, tmp_path / "page.pdf")
        printed[path] = lines = lines_per_page(pdf)
        if min(lines) < MIN_LINES:
            problems.append(f"/{path}: lines per page {lines}")
        if path.startswith("training/cards/") and len(lines) != 1:
            problems.append(f"/{path}: a card takes {len(lines)} pages")
    page.close()
    print(json.dumps(printed, ensure_ascii=False))  # pages and lines per printed page, for the report
    assert not problems, "\n".join(problems)


def plan_rows(page) -> list[tuple[str, ...]]:  # noqa: ANN001
    rows = page.locator(".kb-session-plan tbody tr")
    return [tuple(rows.nth(i).locator("td").all_inner_texts()) for i in range(rows.count())]


def test_a_two_hour_session_from_three_methods_is_shared_and_printed_as_one_pack(browser, built_site: Path, site_url: str,  # noqa: ANN001
                                                                                   tmp_path: Path) -> None:
    data = json.loads((built_site / "training/session.json").read_text(encoding="utf-8"))
    chosen = [i for i, m in data["methods"].items() if m["steps"]][:2] + [i for i, m in data["methods"].items() if not m["steps"]][:1]
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site_url}training/session/", wait_until="networkidle")
    for method_id in chosen:
        page.locator(f'input[name="methods"][value="{method_id}"]').check()
    page.locator('input[name="minutes"][value="120"]').check()
    page.locator('input[name="format"][value="案例复盘"]').check()

    minutes = [int(m) for m in page.locator(".kb-session-plan tbody tr").evaluate_all("rows => rows.map(r => r.dataset.minutes)")]
    assert sum(minutes) == 120 and all(m > 0 and m % 5 == 0 for m in minutes)
    assert page.locator(".kb-session-plan .kb-session-total").inner_text() == "120 分钟"
    names = [row[1] for row in plan_rows(page)]
    assert names[0] == "导入" and names[-1] == "小结" and "案例复盘" in names
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # reads on a phone

    shared, plan = page.url, plan_rows(page)
    assert f"methods={','.join(chosen)}" in shared and "minutes=120" in shared
    again = browser.new_page()
    again.goto(shared, wait_until="networkidle")
    assert plan_rows(again) == plan  # the address alone rebuilds the same plan
    assert again.locator('input[name="methods"]:checked').evaluate_all("inputs => inputs.map(i => i.value)") == chosen
    again.close()

    # One button prints the pack: the plan, then a card and a handout per method, each from a new page.
    page.evaluate("window.print = () => {}")
    page.locator('[data-action="print-pack"]').click()
    pdf = tmp_path / "pack.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    sections = page.locator(".kb-session-pack .kb-pack-page").count()
    handouts = sum(1 for i in chosen if data["methods"][i]["case"] or data["methods"][i]["exercise"])
    assert sections == 1 + len(chosen) + handouts
    lines = lines_per_page(pdf)
    assert len(lines) == sections, lines
    assert min(lines) >= MIN_LINES, lines
    print(json.dumps({"pack": lines}))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "".join(text.split()).count("120分钟") >= 2  # the plan's length and its total

    page.emulate_media(media="print")
    codes = page.locator(".kb-session-pack svg.kb-qr-code")
    assert codes.count() == len(chosen)
    for i, method_id in enumerate(chosen):
        address = f"{SITE_URL}training/cards/{method_id}/"
        card = page.locator(".kb-pack-card").nth(i)
        assert decode_qr(card, "svg.kb-qr-code") == address and address in card.inner_text()
    assert all(url.startswith(site_url) for url in requests), [u for u in requests if not u.startswith(site_url)]
    page.close()
