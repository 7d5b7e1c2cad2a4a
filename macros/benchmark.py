"""The scale benchmark's table (性能 page): runs of ``python -m scripts.bench`` in, Markdown out.

Each run is one JSON object written by ``scripts.bench --json`` (``make
bench-scale N=…`` keeps them in ``data/benchmark/methods-<N>.json``); the page
shows them, never figures typed by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from macros.render import esc

RUNS_FOLDER = "data/benchmark"


def _mb(value: float) -> str:
    return f"{value / 2**20:.1f} MB"


def _kb(value: float) -> str:
    return f"{value / 1024:.1f} KB"


def _or_dash(value: float | None, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


# (header, cell) of the table; a cell reads one run.
COLUMNS: tuple[tuple[str, Callable[[dict], str]], ...] = (
    ("工作法", lambda r: f"{r['methods']:,}"),
    ("页面（每版）", lambda r: f"{r['pages']:,}"),
    ("两版构建", lambda r: f"{r['build_seconds']:.0f} 秒"),
    ("其中简体版", lambda r: f"{r['editions']['zh-Hans']['build_seconds']:.0f} 秒"),
    ("其中繁体版", lambda r: f"{r['editions']['zh-Hant']['build_seconds']:.0f} 秒"),
    ("两版 CPU 时间", lambda r: _or_dash(r.get("build_cpu_seconds"), "{:.0f} 秒")),
    ("峰值内存（两版）", lambda r: f"{r['peak_memory_mb']:,} MB"),
    ("页/秒（其中简体版）", lambda r: f"{r['pages_per_second']:.1f}"),
    ("简体版单独（缓存已有）", lambda r: _or_dash(r["simplified_build_seconds"], "{:.0f} 秒")),
    ("同一 Markdown 用原样 Material", lambda r: _or_dash(r["plain_build_seconds"], "{:.0f} 秒")),
    ("倍数", lambda r: _or_dash(r["overhead_ratio"], "{:.2f}")),
    ("简体版单独 CPU 时间", lambda r: _or_dash(r.get("simplified_cpu_seconds"), "{:.1f} 秒")),
    ("原样 Material CPU 时间", lambda r: _or_dash(r.get("plain_cpu_seconds"), "{:.1f} 秒")),
    ("倍数（CPU 时间）", lambda r: _or_dash(r.get("overhead_ratio_cpu"), "{:.2f}")),
    ("两版 / 原样 Material", lambda r: _or_dash(r.get("editions_plain_ratio"), "{:.2f}")),
    ("网站（简体版）", lambda r: _mb(r["site_bytes"])),
    ("搜索索引", lambda r: _mb(r["search_index_bytes"])),
    ("搜索索引 gzip", lambda r: _mb(r["search_index_bytes_gzip"])),
    ("记录页 gzip", lambda r: _kb(r["page_bytes_gzip"])),
    ("最大页 gzip", lambda r: _kb(r["largest_page_bytes_gzip"])),
)


def table(runs: list[dict]) -> str:
    """A Markdown table, one column per run (by number of methods) and one row per figure,
    so that it stays narrow enough for a phone."""
    ordered = sorted(runs, key=lambda r: r["methods"])
    # Bare numbers of methods in the header: three runs' columns then fit a 390-px phone.
    rows = ["| 测量项目（按工作法数） | " + " | ".join(f"{run['methods']:,}" for run in ordered) + " |",
            "|---|" + "---:|" * len(ordered)]
    for name, cell in COLUMNS[1:]:
        rows.append(f"| {esc(name)} | " + " | ".join(esc(cell(run)) for run in ordered) + " |")
    return "\n".join(rows)


STAGES = {"both": "两版", "simplified": "简体版单独", "plain": "原样 Material", "after": "结束时"}


def conditions(runs: list[dict]) -> str:
    """When and on what each run was measured, with the machine's load average at each build."""
    items = []
    for run in sorted(runs, key=lambda r: r["methods"]):
        machine = run["machine"]
        load = "；".join(f"{esc(STAGES.get(stage, stage))} {esc(' / '.join(str(v) for v in values))}"
                        for stage, values in run.get("load_average", {}).items())
        items.append(f"- {run['methods']:,} 个工作法：{esc(run['date'])}，{esc(machine['cpu'])}，"
                     f"{esc(machine['cores'])} 核，内存 {machine['memory_mb']:,} MB，"
                     f"Python {esc(machine['python'])}；负载（1/5/15 分钟）：{load}")
    return "\n".join(items)


def read_runs(root: Path) -> list[dict]:
    # methods-<N>.json: the scale runs (search-phone.json beside them is the phone search benchmark's)
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted((root / RUNS_FOLDER).glob("methods-*.json"))]


def benchmark_section(root: Path) -> str:
    runs = read_runs(root)
    if not runs:
        return f"还没有测量结果：运行 `make bench-scale N=1000` 后，结果写入 `{RUNS_FOLDER}/`。"
    # In a block of its own so that kb.css can tighten its cells on a phone.
    return f'<div class="kb-bench" markdown>\n\n{table(runs)}\n\n</div>\n\n测量条件：\n\n' + conditions(runs)
