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
from tests.conftest import open_quiet, open_settled
from tests.pages import ParsedPages
from tests.test_trainer_browser import KB, SHORT_HOST, SITE_URL, print_to_pdf

pytestmark = pytest.mark.browser

# A printed page with fewer lines of text than this is near-empty: a footer, a QR code or a
# stray line pushed over from the page before (the footer alone is three lines).
MIN_LINES = 5


def printed_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``, laid out as printed (a line broken at a hyphen keeps it)."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")[:-1]


def lines_per_page(pages: list[str]) -> list[int]:
    """Non-blank lines of text on each of the printed ``pages`` (printed_pages)."""
    return [sum(1 for line in page.splitlines() if line.strip()) for page in pages]


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


@pytest.mark.slow
def test_every_printable_page_type_prints_without_a_blank_or_near_empty_page(browser, built_site: Path, site_url: str,
                                                                              site_pages: ParsedPages, tmp_path: Path) -> None:
    page = browser.new_page()
    problems, printed, decoded = [], {}, 0
    for path in printable_pages(site_pages, built_site):
        pdf, _ = print_to_pdf(page, site_url + path, tmp_path / "page.pdf")
        text = printed_pages(pdf)
        printed[path] = lines = lines_per_page(text)
        if min(lines) < MIN_LINES:
            problems.append(f"/{path}: lines per page {lines}")
        if path.startswith("training/cards/") and len(lines) != 1:
            problems.append(f"/{path}: a card takes {len(lines)} pages")
        # One code, in the footer on the last page, leading to this very page.
        codes = qr_codes_per_page(pdf)
        decoded += sum(map(len, codes))
        if codes != [[]] * (len(codes) - 1) + [[SITE_URL + path]]:
            problems.append(f"/{path}: QR codes per page {codes}")
        words = "".join("".join(text).split())
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


# Cells of a table broken into a character or two a line (measured in the browser): each cell's
# lines of text, from the rectangles of its text, against its characters.
BROKEN_CELLS = """(selector) => [...document.querySelectorAll(selector)].flatMap(cell => {
  const range = document.createRange(); range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  const chars = cell.innerText.replace(/\\s/g, "").length;
  const time = /^\\d+:\\d\\d–\\d+:\\d\\d/.test(cell.innerText);
  const timeBroken = time && cell.querySelector(".kb-nowrap, br") && (() => {
    const first = document.createRange(); first.selectNodeContents(cell.firstChild);
    return new Set([...first.getClientRects()].map(r => Math.round(r.top))).size > 1; })();
  return (tops.size > 1 && chars / tops.size < 3) || timeBroken ? [`${cell.innerText.slice(0, 20)}: ${tops.size} lines, ${chars} chars`] : [];
})"""


def test_agenda_tables_read_at_390_px_and_on_a4(browser, site_url: str) -> None:
    """No table cell of a plan broken a character a line, "0:00–0:05" never broken: on a phone and printed."""
    methods = sorted(KB.methods, key=lambda i: -len(KB.methods[i].name))[:3]  # the longest names
    problems = []
    for width, media in ((390, "screen"), (794, "print")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.emulate_media(media=media)
        for path in (f"training/{methods[0]}/", f"training/session/?methods={','.join(methods)}&sites={next(iter(KB.sites))}&minutes=180"):
            open_settled(page, site_url + path)
            problems += [f"{width} {media} /{path}: {cell}" for cell in page.evaluate(BROKEN_CELLS, "article table td, article table th")]
        page.close()
    assert not problems, "\n".join(problems)


def test_a_two_hour_session_of_three_methods_keeps_each_exercise_or_names_the_cut(browser, built_site: Path, site_url: str) -> None:
    data = json.loads((built_site / "training/session.json").read_text(encoding="utf-8"))
    chosen = [i for i, m in data["methods"].items() if any(p["key"] == "exercise" for p in m["parts"])][:3]
    page = browser.new_page(viewport={"width": 390, "height": 800})
    open_settled(page, f"{site_url}training/session/?methods={','.join(chosen)}&minutes=120&format=讲授")
    rows = plan_rows(page)
    minutes = [int(m) for m in page.locator(".kb-session-plan tbody tr").evaluate_all("rows => rows.map(r => r.dataset.minutes)")]
    assert sum(minutes) == 120 and page.locator(".kb-session-plan .kb-session-total").inner_text() == "120 分钟"
    assert [row[1] for row in rows].count("休息") == 1
    trade = page.locator(".kb-session-plan .kb-session-trade").all_inner_texts()
    trade_text = "".join(trade)
    for method_id in chosen:
        name = data["methods"][method_id]["name"]
        for part in (p for p in data["methods"][method_id]["parts"] if p["key"] == "exercise"):
            kept = [m for row, m in zip(rows, minutes, strict=True) if row[1] == part["name"] and f"《{name}》" in row[2]]
            if kept and kept[0] == part["minutes"]:
                continue
            said = (f"《{name}》{part['name']}：写明约 {part['minutes']} 分钟，这里排 {kept[0]} 分钟" if kept
                    else f"没排进：《{name}》{part['name']}（{part['minutes']} 分钟）")
            assert said in trade_text, (said, trade)
    again = browser.new_page()
    open_settled(again, page.url)
    assert plan_rows(again) == rows  # reloading the address gives the same plan
    again.close()
    page.close()


def test_the_builder_times_one_method_as_its_plan_page_does(browser, built_site: Path, site_url: str, site_pages: ParsedPages) -> None:
    """kb-session.js fits parts as macros/training.py does: a method alone, at its plan's length, in
    讲授, gives the plan page's agenda."""
    page = browser.new_page()
    for method_id in list(KB.methods)[::4]:
        plan = site_pages(built_site / f"training/{method_id}/index.html")
        expected = [(tds[1].get_text(), tds[0].get_text(" ").split()[-2]) for tds in
                    (row.select("td") for row in plan.find(id="agenda").find_next("table").select("tbody tr"))]
        total = sum(int(m) for _, m in expected)
        open_settled(page, f"{site_url}training/session/?methods={method_id}&minutes={total}&format=讲授")
        assert [(row[1], row[0].split()[-2]) for row in plan_rows(page)] == expected, method_id
    page.close()


def test_the_chooser_on_a_phone_shows_every_method_and_site_without_an_inner_scroll_box(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    open_settled(page, f"{site_url}training/session/")
    scrollers = page.evaluate("""() => [...document.querySelectorAll('#kb-session *')].filter(e => {
        const s = getComputedStyle(e); return /auto|scroll/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1; }).map(e => e.className)""")
    assert scrollers == []
    rows = page.locator("#kb-session label.kb-choice:not(.kb-choice--short)")
    assert rows.count() == len(KB.methods) + len(KB.sites)
    heights = rows.evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    assert min(heights) >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Grouped, each with its summary and substance; the filter narrows the list; the count runs.
    assert page.locator(".kb-choice-group-name").count() >= 2 and page.locator(".kb-badge").count() == len(KB.methods)
    method = next(iter(KB.methods.values()))
    page.locator('input[data-filter="methods"]').fill(method.name)
    visible = page.locator('[data-choices="methods"] label.kb-choice:visible')
    assert 1 <= visible.count() < len(KB.methods) and method.name in visible.first.inner_text()
    visible.first.locator("input").check()
    assert page.locator("[data-count]").inner_text().startswith("已选 1 个工作法")
    assert page.locator(".kb-session-plan tbody tr").count() >= 3
    page.close()


def test_the_pack_card_is_the_card_page(browser, built_site: Path, site_url: str) -> None:
    method = max(KB.methods.values(), key=lambda m: len(m.steps) + len(m.results))
    page = browser.new_page()
    open_settled(page, f"{site_url}training/cards/{method.id}/")
    card_headings = page.locator(".kb-method-card h2").all_inner_texts()
    card_steps = page.locator(".kb-method-card .kb-steps li").all_inner_texts()
    open_settled(page, f"{site_url}training/session/?methods={method.id}")
    pack = page.locator(".kb-pack-card .kb-method-card")
    assert [h.rstrip("¶").strip() for h in card_headings] == pack.locator("h3").all_inner_texts()
    assert card_steps == pack.locator(".kb-steps li").all_inner_texts()
    page.close()


def test_a_session_with_a_visit_is_shared_and_printed_as_one_pack(browser, built_site: Path, site_url: str,
                                                                  tmp_path: Path) -> None:
    data = json.loads((built_site / "training/session.json").read_text(encoding="utf-8"))
    chosen = [i for i, m in data["methods"].items() if m["steps"]][:2] + [i for i, m in data["methods"].items() if not m["steps"]][:1]
    visited = max((i for i, s in data["sites"].items() if s["shows"]), key=lambda i: len(data["sites"][i]["questions"]))
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.on("request", lambda request: requests.append(request.url))
    open_quiet(page, f"{site_url}training/session/")
    for method_id in chosen:
        page.locator(f'input[name="methods"][value="{method_id}"]').check()
    page.locator(f'input[name="sites"][value="{visited}"]').check()
    page.locator('input[name="minutes"][value="210"]').check()
    page.locator('input[name="format"][value="案例复盘"]').check()

    minutes = [int(m) for m in page.locator(".kb-session-plan tbody tr").evaluate_all("rows => rows.map(r => r.dataset.minutes)")]
    assert sum(minutes) == 210 and all(m > 0 and m % 5 == 0 for m in minutes)
    names = [row[1] for row in plan_rows(page)]
    assert names[0] == "导入" and names[-1] == "小结" and "实地观摩" in names and names.count("休息") == 2
    visit = next(row for row in plan_rows(page) if row[1] == "实地观摩")
    assert "往返路程" in visit[2] and "75 分钟" in visit[0]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # reads on a phone

    shared, plan = page.url, plan_rows(page)
    assert f"methods={','.join(chosen)}" in shared and "minutes=210" in shared and f"sites={visited}" in shared
    again = browser.new_page()
    open_settled(again, shared)
    assert plan_rows(again) == plan  # the address alone rebuilds the same plan
    assert sorted(again.locator('input[name="methods"]:checked').evaluate_all("inputs => inputs.map(i => i.value)")) == sorted(chosen)
    again.close()
    # The printed plan's address is the published builder with the same choices.
    plan_address = f"{SITE_URL}training/session/?{urlsplit(shared).query}"

    # One button prints the plan alone: its last page ends with the plan's address and QR code.
    page.evaluate("window.print = () => {}")
    page.locator('[data-action="print-plan"]').click()
    pdf = tmp_path / "plan.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    lines, codes = lines_per_page(printed_pages(pdf)), qr_codes_per_page(pdf)
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
    assert page.locator(".kb-session-pack .kb-pack-page").count() == len(expected)
    pages = printed_pages(pdf)
    lines = lines_per_page(pages)
    assert min(lines) >= MIN_LINES, lines
    codes = qr_codes_per_page(pdf)
    # Each section ends with its own code; a section may take more than one sheet.
    assert [code for page_codes in codes for code in page_codes] == [address for address, _ in expected], codes
    assert all(len(page_codes) <= 1 for page_codes in codes), codes
    print(json.dumps({"pack": lines, "codes": sum(map(len, codes))}))
    assert "".join(pages[0].split()).count("210分钟") >= 1
    sections = ["".join("".join(pages[:i + 1]).split()) for i, page_codes in enumerate(codes) if page_codes]
    for words, (address, short) in zip(sections, expected, strict=True):
        assert unquote(address) in words, address  # the plan's format in its own words, not percent-escaped
        if short:
            assert f"短链接：{handout.short_link_text(SHORT_HOST, short)}".replace(" ", "") in words, short
    assert all(url.startswith(site_url) for url in requests), [u for u in requests if not u.startswith(site_url)]
    page.close()
