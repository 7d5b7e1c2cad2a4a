"""Trainers' and readers' features in headless Chromium: QR codes decode, pages print, short links
lead on, and axe-core finds no serious or critical problem in either colour scheme."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from mkdocs.config import load_config

from macros import handout
from tests.conftest import ROOT, open_settled, project_kb, serious_accessibility_problems

pytestmark = pytest.mark.browser

KB = project_kb()
CONFIG = load_config(str(ROOT / "mkdocs.yml"))
SITE_URL = CONFIG["site_url"]
SHORT_HOST = CONFIG["extra"]["short_host"]
METHOD = next(m for m in KB.methods.values() if len(m.steps) >= 2)
STUDIO = next(iter(KB.studios.values()))

RASTERISE = """async (svg) => {
  const image = new Image();
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const scale = 2, width = image.width * scale, height = image.height * scale;
  const canvas = Object.assign(document.createElement("canvas"), {width, height});
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; context.fillRect(0, 0, width, height);
  context.drawImage(image, 0, 0, width, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const grey = [];
  for (let i = 0; i < rgba.length; i += 4) grey.push(rgba[i]);
  return {width, height, grey};
}"""


def decode_qr(page, selector: str) -> str:
    picture = page.locator(selector).first.evaluate(RASTERISE)
    pixels = memoryview(bytes(picture["grey"])).cast("B", (picture["height"], picture["width"]))
    barcode = zxingcpp.read_barcode(pixels, formats=zxingcpp.BarcodeFormat.QRCode)
    assert barcode is not None, "no QR code found"
    return barcode.text


def test_qr_codes_decode_to_the_page_address(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    for kind, record_id in (("methods", METHOD.id), ("studios", STUDIO.id)):
        open_settled(page, f"{site_url}{kind}/{record_id}/")
        # A QR code is for a phone to read off paper: on screen there is none, on paper it is in the footer.
        assert not page.locator(".kb-print-footer svg").is_visible() and not page.locator(".kb-qr svg").count()
        assert "引用此版本" not in page.locator("article").inner_text()
        page.emulate_media(media="print")
        assert decode_qr(page, ".kb-print-footer svg") == f"{SITE_URL}{kind}/{record_id}/"
        page.emulate_media(media="screen")
    page.close()


def test_short_link_and_anchor_lead_to_the_step(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(f"{site_url}m/{METHOD.id}/#step-2", wait_until="load")
    page.wait_for_url(f"{site_url}methods/{METHOD.id}/#step-2")
    assert METHOD.steps[1].name in page.locator("#step-2").inner_text()
    page.goto(f"{site_url}s/{STUDIO.id}/", wait_until="load")
    page.wait_for_url(f"{site_url}studios/{STUDIO.id}/")
    page.close()


def print_to_pdf(page, url: str, pdf: Path) -> tuple[Path, str]:
    """Print ``url`` as Chromium would to paper; return the PDF and what pdfinfo says of it."""
    open_settled(page, url)
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    return pdf, subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_method_page_prints_as_a_clean_a4_handout(browser, site_url: str, tmp_path: Path) -> None:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext not found: run `make browser` (poppler-utils)")
    page = browser.new_page()
    pdf, info = print_to_pdf(page, f"{site_url}methods/{METHOD.id}/", tmp_path / "handout.pdf")
    assert "594.96 x 841.92 pts (A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert METHOD.name in flat and all(step.name in flat for step in METHOD.steps)
    short = f"短链接：{handout.short_link_text(SHORT_HOST, f'm/{METHOD.id}/')}".replace(" ", "")
    assert short in flat and flat.rfind(short) > flat.rfind("来源")  # the handout ends with its short link
    for screen_only in ("搜索", "用手机扫码", "本页依据的文件", "代码以MIT许可发布", "目录", "我用过这个方法"):
        assert screen_only not in flat, screen_only  # no search, folded block, footer or table of contents
    # Steps are kept together and links show their address on paper.
    page.emulate_media(media="print")
    assert page.locator(".kb-steps li").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert page.locator(".kb-print-footer svg").is_visible() and not page.locator(".md-header").is_visible()
    internal = page.locator("article a[data-print]").first
    after = internal.evaluate("e => getComputedStyle(e, '::after').content")
    assert internal.get_attribute("data-print") in after
    source = page.locator("#sources ~ ul a").first  # its line names the article: no address after it
    assert source.evaluate("e => getComputedStyle(e, '::after').content") in ("none", "normal")
    page.close()


def test_method_card_prints_on_one_page_with_qr(browser, site_url: str, tmp_path: Path) -> None:
    page = browser.new_page()
    _, info = print_to_pdf(page, f"{site_url}training/cards/{METHOD.id}/", tmp_path / "card.pdf")
    assert "Pages:           1" in info
    page.emulate_media(media="print")
    assert decode_qr(page, ".kb-print-footer svg") == f"{SITE_URL}training/cards/{METHOD.id}/"
    page.close()


PAGE_TYPES = [
    "", "methods/", f"methods/{METHOD.id}/", "studios/", f"studios/{STUDIO.id}/", "mentors/", "sites/",
    "regions/", "themes/", "tags/", "sources/", "about/", "explore/", "explore/timeline/", "explore/charts/",
    "explore/lineage/", "training/", f"training/{METHOD.id}/", f"training/cards/{METHOD.id}/", f"m/{METHOD.id}/",
    f"training/visits/{next(iter(KB.sites))}/", f"training/session/?methods={METHOD.id}",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.slow
def test_axe_finds_no_serious_problem_on_any_page_type(browser, site_url: str, scheme: str) -> None:
    axe = Axe()
    page = browser.new_page(color_scheme=scheme)
    problems = []
    for path in PAGE_TYPES:
        open_settled(page, site_url + path)
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected
        problems += serious_accessibility_problems(axe, page, path, scheme)
    page.close()
    assert not problems, "\n".join(problems)
