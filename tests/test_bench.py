"""The scale benchmark's generator (scripts/bench.py): its projects are valid and hang together."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from macros.knowledge_base import load
from macros.models import SLUG_PATTERN
from scripts import bench

METHODS = 50


@pytest.fixture(scope="module")
def corpus() -> bench.Corpus:
    return bench.read_corpus()


@pytest.fixture(scope="module")
def project(corpus: bench.Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = bench.generate(corpus, METHODS, seed=1)
    return bench.write_project(files, tmp_path_factory.mktemp("bench") / "project")


def test_counts_keep_todays_proportion() -> None:
    assert bench.counts(39) == {"methods": 39, "studios": 21, "mentors": 20, "sites": 16}
    assert bench.counts(1000) == {"methods": 1000, "studios": 538, "mentors": 513, "sites": 410}


def test_generated_project_passes_the_validator_with_every_reference_resolved(project: Path) -> None:
    kb, problems = load(project / "data", None, project / "docs")
    assert [p.as_text(project) for p in problems] == []
    assert {kind: len(kb.of_kind(kind)) for kind in bench.RATIO} == bench.counts(METHODS)
    for kind in bench.RATIO:
        assert all(re.fullmatch(SLUG_PATTERN, record_id) for record_id in kb.of_kind(kind))
    copies = [m for m in kb.methods.values() if m.id.endswith("-1")]
    assert copies, "no record of the second copy"
    # A twin points into its own copy where that copy has the record.
    assert any(m.origin.studio and m.origin.studio.endswith("-1") for m in copies)
    assert any(any(r.endswith("-1") for r in m.related) for m in copies)
    assert any(s.studio and s.studio.endswith("-1") for s in kb.sites.values() if s.id.endswith("-1"))
    assert any(any(s.endswith("-1") for s in m.studios) for m in kb.mentors.values() if m.id.endswith("-1"))


def test_copies_are_placed_in_other_real_provinces_and_use_unused_fields(corpus: bench.Corpus, project: Path) -> None:
    """Each copy of the records sits in one real place of its own (bench.PLACES), mostly away from where its
    originals are, and fills in fields the real records leave empty. Asked of about ten copies of every record,
    so that which records the real data hold (a contributor's new mentor and places) does not decide it."""
    files = bench.generate(corpus, 400, seed=1)
    real = {kind: {record["id"]: record for record in corpus.records[kind]} for kind in bench.RATIO}
    copies: dict[str, list[tuple[int, dict, dict]]] = {kind: [] for kind in bench.RATIO}  # (copy, record, its original)
    for path, text in files.items():
        kind = path.split("/")[1]
        if path.startswith("data/") and kind in bench.RATIO:
            record = yaml.safe_load(text)
            if record["id"] not in real[kind]:
                real_id, copy = record["id"].rsplit("-", 1)
                copies[kind].append((int(copy), record, real[kind][real_id]))
    assert all(copies.values())

    def place(record: dict) -> tuple[str, str | None] | None:
        region = record.get("region") or record.get("origin", {}).get("region")
        return (region["province"], region.get("city")) if region and region.get("province") else None

    places = {(province, city) for province, city, _ in bench.PLACES}
    by_copy: dict[int, set[tuple[str, str | None]]] = {}
    moved = placed = 0
    for records in copies.values():
        for copy, record, original in records:
            if (where := place(record)) is not None:
                by_copy.setdefault(copy, set()).add(where)
                placed += 1
                moved += where[0] != (place(original) or ("", None))[0]
    assert len(by_copy) >= 5 and all(len(found) == 1 and found <= places for found in by_copy.values()), by_copy
    assert moved > placed / 2, (moved, placed)
    assert any(record.get("year") for _, record, _ in copies["methods"])
    assert any(record.get("years_of_service") for _, record, _ in copies["mentors"])
    assert any(record.get("mentees") for _, record, _ in copies["mentors"])
    assert any(record.get("designation") for _, record, _ in copies["sites"])
    names = [record["name"] for record in (*real["mentors"].values(), *(r for _, r, _ in copies["mentors"]))]
    assert len(names) == len(set(names))
    kb, _ = load(project / "data")
    names = [m.name for m in kb.mentors.values()]
    assert len(names) == len(set(names))


def test_page_links_of_a_copy_lead_to_pages_that_exist(project: Path) -> None:
    link = re.compile(r"\]\(((?:\.\./)?[a-z0-9/-]+\.md)")
    checked = 0
    for page in (project / "docs" / "studios").glob("*-1.md"):
        for target in link.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} → {target}"
            checked += 1
    assert checked


def test_generated_names_have_glossary_entries(corpus: bench.Corpus, project: Path) -> None:
    """The names the generator makes; a real record's names wait for review like any contributor's."""
    glossary = yaml.safe_load((project / "data" / "glossary.yml").read_text(encoding="utf-8"))
    kb, _ = load(project / "data")
    real = {kind: {record["id"] for record in corpus.records[kind]} for kind in bench.RATIO}
    generated = [m for m in kb.mentors.values() if m.id not in real["mentors"]]
    assert generated
    for mentor in generated:
        assert mentor.name in glossary["人名"]
        assert len(glossary["人名"][mentor.name]) == len(mentor.name)
    for record in (*kb.studios.values(), *kb.sites.values()):
        if record.id in real[record.kind]:
            continue
        for part in record.region.parts():
            assert part in glossary["地名"], part


def test_page_fraction_writes_pages_for_that_share_of_copies(corpus: bench.Corpus) -> None:
    every = bench.generate(corpus, 100)
    half = bench.generate(corpus, 100, page_fraction=0.5)

    def pages(files: dict[str, str]) -> set[str]:
        return {p for p in files if p.startswith("docs/methods/")}

    # A page for each copy of a method that has one (records without prose have none).
    copied = [path.removeprefix("data/methods/").removesuffix(".yml") for path in every if path.startswith("data/methods/")]
    real = {record["id"] for record in corpus.records["methods"]}
    assert len(pages(every)) == sum(f"methods/{i.rsplit('-', 1)[0]}.md" in corpus.pages for i in copied if i not in real)
    assert 25 <= len(pages(half)) <= 37
    assert pages(half) < pages(every)


def test_fewer_methods_than_the_real_data_is_refused(corpus: bench.Corpus) -> None:
    with pytest.raises(ValueError, match="至少为 39"):
        bench.generate(corpus, 10)


# --------------------------------------------------------------------------
# The 性能 page's table, from the runs' JSON.
# --------------------------------------------------------------------------
REQUIRED = ("pages", "build_seconds", "plain_build_seconds", "overhead_ratio", "peak_memory_mb",
            "search_index_bytes_gzip", "page_bytes_gzip", "largest_page_bytes_gzip")


def _run(methods: int, **changes: object) -> dict:
    edition = {"build_seconds": 50.0, "peak_memory_mb": 900}
    run = {"methods": methods, "pages": 5000, "build_seconds": 61.4, "peak_memory_mb": 1800,
           "pages_per_second": 40.2, "simplified_build_seconds": 50.0, "plain_build_seconds": 40.0, "overhead_ratio": 1.25, "site_bytes": 300 * 2**20,
           "search_index_bytes": 20 * 2**20, "search_index_bytes_gzip": 8 * 2**20, "page_bytes_gzip": 9 * 1024,
           "largest_page_bytes_gzip": 600 * 1024, "editions": {"zh-Hans": edition, "zh-Hant": edition},
           "date": "2026-11-23 23:00 UTC", "load_average": {"simplified": [1.5, 2.0, 2.5]},
           "machine": {"cpu": "AMD EPYC", "cores": 2, "memory_mb": 24105, "python": "3.11.2"}}
    return {**run, **changes}


def test_the_table_has_a_column_per_run_in_order_of_size() -> None:
    from macros import benchmark

    rows = benchmark.table([_run(5000), _run(100, pages=250)]).splitlines()
    assert rows[0] == "| 测量项目（按工作法数） | 100 | 5,000 |"
    assert "| 页面（每版） | 250 | 5,000 |" in rows
    assert "| 倍数 | 1.25 | 1.25 |" in rows and "| 搜索索引 gzip | 8.0 MB | 8.0 MB |" in rows
    assert "| 最大页 gzip | 600.0 KB | 600.0 KB |" in rows
    # A run of both editions only has no ratio: its cells say so instead of failing.
    only_both = benchmark.table([_run(5000, simplified_build_seconds=None, plain_build_seconds=None, overhead_ratio=None)])
    assert "| 倍数 | — |" in only_both.splitlines()


def test_conditions_name_date_machine_and_load_and_escape_them() -> None:
    from macros import benchmark

    text = benchmark.conditions([_run(100, machine={"cpu": "<b>CPU</b>", "cores": 2, "memory_mb": 1024, "python": "3.11"})])
    assert "2026-11-23 23:00 UTC" in text and "简体版单独 1.5 / 2.0 / 2.5" in text
    assert "<b>" not in text and "&lt;b&gt;" in text


def test_committed_runs_hold_every_figure_the_page_and_the_issue_name() -> None:
    from macros import benchmark

    runs = benchmark.read_runs(bench.ROOT)
    assert runs, "data/benchmark/ holds no run"
    for run in runs:
        assert set(REQUIRED) <= set(run), sorted(set(REQUIRED) - set(run))
        assert set(run["editions"]) == {"zh-Hans", "zh-Hant"}
        benchmark.table([run])  # every column reads
