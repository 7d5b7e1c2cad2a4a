"""The page-weight listing: which pages are heaviest, and which grew between a small and a large build."""

from __future__ import annotations

from pathlib import Path

from scripts import page_weights


def write_site(root: Path, pages: dict[str, str]) -> Path:
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def listing(items: int) -> str:
    return "<html><body><ol>" + "".join(f"<li><a href='/methods/m{n}/'>工作法 {n * 7919 % 10007}</a></li>" for n in range(items)) + "</ol></body></html>"


def test_a_page_that_lists_every_record_is_named_and_a_capped_one_is_not(tmp_path: Path) -> None:
    record = "<html><body><h1>某工作法</h1><p>" + "步骤" * 200 + "</p></body></html>"
    stub = '<html><head><meta http-equiv="refresh" content="0; url=../x/"></head></html>'
    small = write_site(tmp_path / "small", {"sources/index.html": listing(50), "methods/index.html": listing(20),
                                            "methods/a/index.html": record, "m/a/index.html": stub,
                                            "zh-Hant/sources/index.html": listing(50)})
    large = write_site(tmp_path / "large", {"sources/index.html": listing(2000), "methods/index.html": listing(20),
                                            "methods/a/index.html": record, "m/a/index.html": stub,
                                            "zh-Hant/sources/index.html": listing(2000)})
    weights = page_weights.page_weights(large)
    assert set(weights) == {"sources/index.html", "methods/index.html", "methods/a/index.html"}  # one edition, no stubs
    assert page_weights.heaviest(weights, 1)[0][0] == "sources/index.html"
    grown = page_weights.growth(page_weights.page_weights(small), weights)
    assert [page for page, _, _ in grown] == ["sources/index.html"]
