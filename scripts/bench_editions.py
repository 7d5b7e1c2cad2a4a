"""Build time of the Simplified edition alone against the build that makes both editions.

    python -m scripts.bench_editions [--runs 5]

Each run is a fresh `mkdocs build --strict` process: the build of mkdocs.yml as
`make build` runs it (the Simplified edition, then the Traditional one converted
from its output by the kb plugin's stage editions), and the same build with that
stage switched off (the Simplified edition alone). Prints wall and CPU seconds of
each run and the medians; never part of the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB_PLUGIN = "  - kb:\n"  # its entry under plugins: in mkdocs.yml


@contextlib.contextmanager
def simplified_only_config(project: Path) -> Iterator[str]:
    """A config beside mkdocs.yml (paths in it are relative to its folder) with the stage editions off."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    if KB_PLUGIN not in text:
        raise SystemExit("mkdocs.yml 的 plugins: 里没有 kb 插件")
    config = project / ".bench-simplified-only.yml"
    config.write_text(text.replace(KB_PLUGIN, KB_PLUGIN + "      editions: false\n", 1), encoding="utf-8")
    try:
        yield config.name
    finally:
        config.unlink()


def build(config: str, out: Path, project: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(project / config), "-d", str(out)],
        cwd=project, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_editions")
    parser.add_argument("--runs", type=int, default=5, help="每种构建的次数")
    args = parser.parse_args(argv)
    one: list[tuple[float, float]] = []
    both: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp, simplified_only_config(ROOT) as simplified_config:
        out = Path(tmp) / "site"
        build("mkdocs.yml", out)  # warm the file system and the caches once
        for run in range(1, args.runs + 1):
            one.append(build(simplified_config, out))
            both.append(build("mkdocs.yml", out))
            print(f"第 {run} 次：简体版单独 {one[-1][0]:.2f} s（CPU {one[-1][1]:.2f} s），"
                  f"两版 {both[-1][0]:.2f} s（CPU {both[-1][1]:.2f} s）")
    for label, runs in (("简体版单独", one), ("两版一次构建", both)):
        print(f"{label}：中位数 {statistics.median(r[0] for r in runs):.2f} s，"
              f"CPU 中位数 {statistics.median(r[1] for r in runs):.2f} s")
    wall = statistics.median(r[0] for r in both) / statistics.median(r[0] for r in one)
    cpu = statistics.median(r[1] for r in both) / statistics.median(r[1] for r in one)
    print(f"两版 / 简体版单独：{wall:.2f} 倍（CPU {cpu:.2f} 倍）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
