"""The knowledge base as a whole: every record reachable, every cross-reference visible from both ends."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT, project_kb
from tests.pages import ParsedPages

pytestmark = pytest.mark.build

KB = project_kb()


def page_url(kind: str, record_id: str) -> str:
    """The built location of a record: its own page (sources: an anchor on the sources page)."""
    return f"sources/#{record_id}" if kind == "sources" else f"{kind}/{record_id}/"


def links_from(site_pages: ParsedPages, site: Path, url: str) -> set[str]:
    """Site-relative targets (``path/`` or ``path/#anchor``) linked from the article of a page."""
    path, _, _ = url.partition("#")
    found = set()
    for a in site_pages(site / path / "index.html").select("a[href]"):
        parts = urlsplit(a["href"])
        if parts.scheme or parts.netloc:
            continue
        target = (Path("/", path) / unquote(parts.path)).resolve() if parts.path else Path("/", path)
        relative = str(target).lstrip("/")
        relative = f"{relative}/" if relative and not relative.endswith(".html") else relative
        found.add(relative + (f"#{parts.fragment}" if parts.fragment else ""))
    return found


@pytest.mark.slow
def test_every_record_is_reachable_from_the_home_page(built_site: Path, site_pages: ParsedPages) -> None:
    seen: set[str] = set()
    queue = deque([""])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = url.partition("#")[0]
        if (built_site / path / "index.html").is_file() and not url.partition("#")[2]:
            queue.extend(links_from(site_pages, built_site, url) - seen)
    missing = [
        page_url(kind, rid)
        for kind in ("methods", "studios", "mentors", "sites", "sources")
        for rid in KB.of_kind(kind)
        if page_url(kind, rid) not in seen
    ]
    assert not missing


def test_studio_and_method_link_each_other(built_site: Path, site_pages: ParsedPages) -> None:
    for studio_id, method_ids in KB.methods_of_studio.items():
        studio_links = links_from(site_pages, built_site, f"studios/{studio_id}/")
        for method_id in method_ids:
            assert f"methods/{method_id}/" in studio_links, (studio_id, method_id)
            assert f"studios/{studio_id}/" in links_from(site_pages, built_site, f"methods/{method_id}/"), (method_id, studio_id)


def test_studio_and_its_people_and_sites_link_each_other(built_site: Path, site_pages: ParsedPages) -> None:
    for studio_id, mentor_ids in KB.mentors_of_studio.items():
        for mentor_id in mentor_ids:
            assert f"mentors/{mentor_id}/" in links_from(site_pages, built_site, f"studios/{studio_id}/"), (studio_id, mentor_id)
            assert f"studios/{studio_id}/" in links_from(site_pages, built_site, f"mentors/{mentor_id}/"), (mentor_id, studio_id)
    for studio_id, site_ids in KB.sites_of_studio.items():
        for site_id in site_ids:
            assert f"sites/{site_id}/" in links_from(site_pages, built_site, f"studios/{studio_id}/"), (studio_id, site_id)
            assert f"studios/{studio_id}/" in links_from(site_pages, built_site, f"sites/{site_id}/"), (site_id, studio_id)


def test_related_methods_link_both_ways(built_site: Path, site_pages: ParsedPages) -> None:
    for method_id, related in KB.related_methods.items():
        for other in related:
            assert f"methods/{other}/" in links_from(site_pages, built_site, f"methods/{method_id}/"), (method_id, other)


def test_every_record_cites_an_article_shown_on_the_sources_page(built_site: Path, site_pages: ParsedPages) -> None:
    text = site_pages(built_site / "sources/index.html").select_one("article").get_text()
    for kind in ("methods", "studios", "mentors", "sites"):
        for record in KB.of_kind(kind).values():
            assert record.sources
            assert record.name in text, record.name


def test_every_record_file_is_a_record_of_its_kind() -> None:
    """Each file in data/<kind>/ is read as one record of that kind, none dropped or doubled; the
    counts follow the data, so a contributor's new record changes them without changing this test."""
    for kind in ("methods", "studios", "mentors", "sites", "sources"):
        files = sorted(path.stem for path in (ROOT / "data" / kind).glob("*.yml"))
        assert files and sorted(KB.of_kind(kind)) == files, kind
