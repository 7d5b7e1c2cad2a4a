"""Hostile payloads in every free-text field of every record and in pages: both editions build
strictly and hold them only as inert text (tests/hostile.py plants and reads them)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.hostile import PAYLOADS, HostileProject, site_findings

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def hostile(hostile_site: tuple[HostileProject, Path]) -> tuple[HostileProject, Path]:
    return hostile_site


def test_payloads_reach_every_kind_of_record_and_most_fields(hostile: tuple[HostileProject, Path]) -> None:
    """The harness itself: payloads were planted everywhere and most of them got into the build."""
    project, _ = hostile
    kinds = Counter(p.file.split("/")[1] for p in project.planted if p.file.startswith("data/") and p.file.count("/") == 2)
    assert set(kinds) == {"methods", "studios", "mentors", "sites", "sources"}, kinds
    assert len(project.refused) < len(project.planted) / 2, project.refused[:5]
    for kind in kinds:
        names = {p.template for p in project.planted if p.file.startswith(f"data/{kind}/") and p.field in ("name", "title")}
        assert names == set(range(len(PAYLOADS))), (kind, names)


def test_refused_payloads_are_refused_with_a_chinese_message(hostile: tuple[HostileProject, Path]) -> None:
    project, _ = hostile
    for planted, message in project.refused:
        assert re.search(r"[\u4e00-\u9fff]", message), (planted, message)


def test_no_payload_is_live_in_either_edition(hostile: tuple[HostileProject, Path], capsys: pytest.CaptureFixture[str]) -> None:
    project, site = hostile
    findings = []
    reached: dict[str, set[int]] = {}
    for edition, root in (("zh-Hans", site), ("zh-Hant", site / "zh-Hant")):
        found, where = site_findings(root, edition)
        findings += found
        reached.update(where)
    live = Counter(f.context for f in findings)
    with capsys.disabled():
        print(f"\n{len(project.planted)} payloads planted, {len(project.refused)} refused by the validator")
        print(f"{'context':28} {'payloads reaching it':>22} {'live findings':>14}")
        for context in sorted(set(reached) | set(live)):
            print(f"{context:28} {len(reached.get(context, ())):>22} {live.get(context, 0):>14}")
    assert not findings, "\n".join(f"{f.context}  {f.file}  {f.what}" for f in findings[:60])
