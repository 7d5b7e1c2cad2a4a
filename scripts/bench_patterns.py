"""Time every text pattern the validator runs on hostile inputs (a measurement, not a test).

    python -m scripts.bench_patterns [--size 100000]

Each pattern meets runs of its own characters (digits, word characters, '@', '(' after
Chinese, Chinese in half-width parentheses...) and prints its time: linear patterns stay in
milliseconds at 100 KB; a quadratic one (an unanchored ``[\\w.+-]+@``) took 345 s.
"""

from __future__ import annotations

import argparse
import re
import time

from macros import hygiene
from macros.models import MARKUP_PATTERNS, PERSONAL_DATA_PATTERNS


def hostile_texts(size: int) -> dict[str, str]:
    return {
        "digits": "1" * size,
        "word characters": "a" * size,
        "digits and spaces": "1 " * (size // 2),
        "at signs": "a@" * (size // 2),
        "dotted domain": "a@" + "b." * (size // 2),
        "Chinese then open parenthesis": "字(" * (size // 2),
        "one half-width parenthesis then Chinese": "(" + "字" * size,
        "Chinese with toned pinyin, unclosed": "字(" + "ā " * (size // 2),
        "brackets": "](" * (size // 2),
        "ampersands": "&#" * (size // 2),
        "Chinese and half-width commas": "字," * (size // 2),
        "Chinese in half-width parentheses after commas": "字,(字)" * (size // 5),
    }


def patterns() -> dict[str, re.Pattern[str]]:
    found = {f"个人信息 {what}": pattern for what, pattern in PERSONAL_DATA_PATTERNS}
    found.update({f"标记 {pattern.pattern[:24]}": pattern for pattern, _ in MARKUP_PATTERNS})
    found.update({f"hygiene {name}": value for name, value in vars(hygiene).items() if isinstance(value, re.Pattern)})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    slowest = 0.0
    for text_name, text in hostile_texts(args.size).items():
        for name, pattern in patterns().items():
            start = time.perf_counter()
            for _ in pattern.finditer(text):
                pass
            elapsed = time.perf_counter() - start
            slowest = max(slowest, elapsed)
            if elapsed > 0.05:
                print(f"{elapsed:8.3f} s  {name}  on {text_name}")
        start = time.perf_counter()
        hygiene.fix(text)
        print(f"{time.perf_counter() - start:8.3f} s  hygiene.fix (scan and apply) on {text_name} ({len(text):,} characters)")
    print(f"slowest single pattern: {slowest:.3f} s")


if __name__ == "__main__":
    main()
