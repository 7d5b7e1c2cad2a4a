"""Build time of the Simplified edition alone against both editions together.

    python -m scripts.bench_editions [--runs 5]

Each run is a fresh `mkdocs build --strict` process, as `make build` does it:
the Simplified edition, then the Traditional one (mkdocs.zh-Hant.yml) beside it.
Prints each run and the median and best of both; never part of the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(config: str, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / config), "-d", str(out)],
        cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_editions")
    parser.add_argument("--runs", type=int, default=5, help="每种构建的次数")
    args = parser.parse_args(argv)
    one: list[float] = []
    both: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build("mkdocs.yml", out)  # warm the file cache once
        for run in range(1, args.runs + 1):
            simplified = build("mkdocs.yml", out)
            traditional = build("mkdocs.zh-Hant.yml", out / "zh-Hant")
            one.append(simplified)
            both.append(simplified + traditional)
            print(f"第 {run} 次：简体 {simplified:.2f} s，繁体 {traditional:.2f} s，两版合计 {simplified + traditional:.2f} s")
    print(f"简体版单独：中位数 {statistics.median(one):.2f} s，最快 {min(one):.2f} s")
    print(f"两版合计：  中位数 {statistics.median(both):.2f} s，最快 {min(both):.2f} s"
          f"（是单独构建的 {statistics.median(both) / statistics.median(one):.2f} 倍）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
