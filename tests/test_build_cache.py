"""Work that depends only on its input is kept across builds: QR codes by a hash of their address."""

from __future__ import annotations

from pathlib import Path

from macros import handout


def test_a_qr_code_is_drawn_once_and_then_read_from_the_cache(tmp_path: Path) -> None:
    url = "https://example.invalid/kb/methods/sanbu-tiaojie/"
    first = handout.qr_svg(url, "二维码", tmp_path)
    cached = list(tmp_path.rglob("*.svg"))
    assert len(cached) == 1 and first.startswith('<svg role="img" aria-label="二维码" ')
    # A new build (a new process) reads the file instead of drawing the code again.
    handout._qr_code.cache_clear()
    cached[0].write_text(cached[0].read_text(encoding="ascii").replace("kb-qr-code", "from-cache"), encoding="ascii")
    assert 'class="from-cache"' in handout.qr_svg(url, "二维码", tmp_path)
    # Another address is another file; the label is not part of the cached drawing.
    handout.qr_svg(url + "x/", "另一个", tmp_path)
    assert len(list(tmp_path.rglob("*.svg"))) == 2
    handout._qr_code.cache_clear()


def test_without_a_cache_folder_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    svg = handout.qr_svg("https://example.invalid/kb/s/x/", "二维码", None)
    assert svg.count("<svg") == 1 and not list(tmp_path.iterdir())
