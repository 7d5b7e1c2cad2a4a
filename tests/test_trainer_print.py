"""Trainers' paper in headless Chromium (A4, print to PDF): the session builder's plan and print
pack, and every printable page type without a blank or near-empty page, each ending with a QR
code, read back from the PDF, that leads to the page it stands on."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import zxingcpp

from macros import handout
from tests.conftest import open_settled
from tests.pages import ParsedPages
from tests.test_trainer_browser import KB, SHORT_HOST, SITE_URL, print_to_pdf

pytestmark = pytest.mark.browser

# A printed page with fewer lines of text than this is near-empty: a footer, a QR code or a
# stray line pushed over from the page before (the footer alone is three lines).
MIN_LINES = 5


def printed_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``, laid out as printed (a line broken at a hyphen keeps it)."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")[:-1]


def lines_per_page(pdf: Path) -> list[int]:
    """Non-blank lines of text on each page of ``pdf``."""
    return [sum(1 for line in page.splitlines() if line.strip()) for page in printed_pages(pdf)]


# Pages are read back at this resolution: a 24 mm code of a long address still has three or more pixels a module.
SCAN_DPI = 200
_PGM_HEADER = re.compile(rb"P5\s+(\d+)\s+(\d+)\s+255\s")


def qr_codes_per_page(pdf: Path) -> list[list[str]]:
    """The QR codes printed on each page of ``pdf``, decoded from the page as poppler renders it."""
    prefix = pdf.with_name(pdf.stem + "-scan")
    subprocess.run(["pdftoppm", "-r", str(SCAN_DPI), "-gray", str(pdf), str(prefix)], check=True)
    scans = sorted(pdf.parent.glob(prefix.name + "-*.pgm"), key=lambda scan: int(scan.stem.rsplit("-", 1)[1]))
    codes = []
    for scan in scans:
        data = scan.read_bytes()
        header = _PGM_HEADER.match(data)
        assert header, f"{scan}: not an 8-bit PGM"
        width, height = int(header.group(1)), int(header.group(2))
        pixels = memoryview(data[header.end():]).cast("B", (height, width))
        codes.append([code.text for code in zxingcpp.read_barcodes(pixels, formats=zxingcpp.BarcodeFormat.QRCode)])
        scan.unlink()
    return codes


def article_length(site_pages: ParsedPages, site: Path, path: str) -> int:
    return len(site_pages(site / path / "index.html").select_one("article").get_text())


def extremes(site_pages: ParsedPages, site: Path, paths: list[str]) -> list[str]:
    """The shortest and the two longest pages of a kind: where a last page is most likely to be
    nearly empty or a one-page card to spill over."""
    ordered = sorted(paths, key=lambda path: article_length(site_pages, site, path))
    return list(dict.fromkeys([ordered[0], *ordered[-2:]]))


def printable_pages(site_pages: ParsedPages, site: Path) -> list[str]:
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
    return [path for paths in kinds.values() for path in extremes(site_pages, site, paths)]


def test_every_printable_page_type_prints_without_a_blank_or_near_empty_page(browser, built_site: Path, site_url: str,
                                                                              site_pages: ParsedPages, tmp_path: Path) -> None:
    page = browser.new_page()
    problems, printed, decoded = [], {}, 0
    for path in printable_pages(site_pages, built_site):
        pdf, _ = print_to_pdf(page, site_url + path, tmp_path / "page.pdf")
        printed[path] = lines = lines_per_page(pdf)
        if min(lines) < MIN_LINES:
            problems.append(f"/{path}: lines per page {lines}")
        if path.startswith("training/cards/") and len(lines) != 1:
            problems.append(f"/{path}: a card takes {len(lines)} pages")
        # One code, in the footer on the last page, leading to this very page.
        codes = qr_codes_per_page(pdf)
        decoded += sum(map(len, codes))
        if codes != [[]] * (len(codes) - 1) + [[SITE_URL + path]]:
            problems.append(f"/{path}: QR codes per page {codes}")
        words = "".join("".join(printed_pages(pdf)).split())
        folder, _, record_id = path.rstrip("/").rpartition("/")
        short = handout.short_link_text(SHORT_HOST, handout.short_path(folder, record_id))
        if f"本页网址：{SITE_URL}{path}" not in words or f"短链接：{short}".replace(" ", "") not in words:
            problems.append(f"/{path}: the footer does not name its address and short link {short}")
        # After a link, a page of the site is printed by its short link, or not at all where the words name it.
        long_inline = re.findall(f"（{re.escape(SITE_URL)}[^）]*）", words)
        if long_inline:
            problems.append(f"/{path}: full addresses printed after links: {long_inline}")
    page.close()
    print(json.dumps({"lines": printed, "codes": decoded}, ensure_ascii=False))  # for the report
    assert not problems, "\n".join(problems)


def plan_rows(page) -> list[tuple[str, ...]]:
    rows = page.locator(".kb-session-plan tbody tr")
    return [tuple(rows.nth(i).locator("td").all_inner_texts()) for i in range(rows.count())]


def test_a_two_hour_session_from_three_methods_is_shared_and_printed_as_one_pack(browser, built_site: Path, site_url: str,
                                                                                   tmp_path: Path) -> None:
    data = json.loads((built_site / "training/session.json").read_text(encoding="utf-8"))
    chosen = [i for i, m in data["methods"].items() if m["steps"]][:2] + [i for i, m in data["methods"].items() if not m["steps"]][:1]
    visited = next(i for i, s in data["sites"].items() if s["shows"])
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site_url}training/session/", wait_until="networkidle")
    for method_id in chosen:
        page.locator(f'input[name="methods"][value="{method_id}"]').check()
    page.locator(f'input[name="sites"][value="{visited}"]').check()
    page.locator('input[name="minutes"][value="120"]').check()
    page.locator('input[name="format"][value="案例复盘"]').check()

    minutes = [int(m) for m in page.locator(".kb-session-plan tbody tr").evaluate_all("rows => rows.map(r => r.dataset.minutes)")]
    assert sum(minutes) == 120 and all(m > 0 and m % 5 == 0 for m in minutes)
    assert page.locator(".kb-session-plan .kb-session-total").inner_text() == "120 分钟"
    names = [row[1] for row in plan_rows(page)]
    assert names[0] == "导入" and names[-1] == "小结" and "案例复盘" in names and "实地观摩" in names
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # reads on a phone

    shared, plan = page.url, plan_rows(page)
    assert f"methods={','.join(chosen)}" in shared and "minutes=120" in shared and f"sites={visited}" in shared
    again = browser.new_page()
    open_settled(again, shared)
    assert plan_rows(again) == plan  # the address alone rebuilds the same plan
    assert again.locator('input[name="methods"]:checked').evaluate_all("inputs => inputs.map(i => i.value)") == chosen
    again.close()
    # The printed plan's address is the published builder with the same choices.
    plan_address = f"{SITE_URL}training/session/?{urlsplit(shared).query}"

    # One button prints the plan alone: its last page ends with the plan's address and QR code.
    page.evaluate("window.print = () => {}")
    page.locator('[data-action="print-plan"]').click()
    pdf = tmp_path / "plan.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    lines, codes = lines_per_page(pdf), qr_codes_per_page(pdf)
    assert min(lines) >= MIN_LINES, lines
    assert codes == [[]] * (len(codes) - 1) + [[plan_address]], codes

    # The other prints the pack: the plan, a card and a handout per method, a visit sheet per site,
    # each from a new page, each ending with the address of the page it stands for and its QR code.
    page.locator('[data-action="print-pack"]').click()
    pdf = tmp_path / "pack.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    expected: list[tuple[str, str | None]] = [(plan_address, None)]
    for method_id in chosen:
        expected.append((f"{SITE_URL}training/cards/{method_id}/", f"c/{method_id}/"))
        if data["methods"][method_id]["case"] or data["methods"][method_id]["exercise"]:
            expected.append((f"{SITE_URL}training/{method_id}/", f"t/{method_id}/"))  # the plan holding case and exercises
    expected.append((f"{SITE_URL}training/visits/{visited}/", f"v/{visited}/"))
    sections = page.locator(".kb-session-pack .kb-pack-page")
    assert sections.count() == len(expected)
    lines = lines_per_page(pdf)
    assert len(lines) == len(expected), lines
    assert min(lines) >= MIN_LINES, lines
    codes = qr_codes_per_page(pdf)
    assert codes == [[address] for address, _ in expected], codes
    print(json.dumps({"pack": lines, "codes": sum(map(len, codes))}))
    pages = printed_pages(pdf)
    assert "".join(pages[0].split()).count("120分钟") >= 2  # the plan's length and its total
    for text, (address, short) in zip(pages, expected, strict=False):
        words = "".join(text.split())
        assert unquote(address) in words, address  # the plan's format in its own words, not percent-escaped
        if short:
            assert f"短链接：{handout.short_link_text(SHORT_HOST, short)}".replace(" ", "") in words, short
    assert all(url.startswith(site_url) for url in requests), [u for u in requests if not u.startswith(site_url)]
    page.close()
