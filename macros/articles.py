"""The source articles as text to find quotes in: one fold shared by the validator and scripts/copy_check.py.

Pure functions but for :func:`read_article`, which reads (and caches) one article file. A quote is
found when its folded form occurs in the folded article: Traditional characters become Simplified
(OpenCC ``t2s``), the inline pinyin of the damaged article (``社區(qū)``, ``張?bào)@制``) is removed,
full-width letters and digits become ASCII (NFKC), and punctuation and spaces are left out, so an
editor may paste either script, with or without the pinyin, with any quotation marks.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# 002 writes pinyin after characters, e.g. 社區(qū); a damaged one reads 張?bào)@制.
_PINYIN = re.compile(r"[(?][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]*\)|\?")
# How much of the article around the closest passage a message shows, in characters.
_CONTEXT = 6
# Candidate places compared in full when a quote is not found: bounds the time of the search.
_CANDIDATES = 8


@lru_cache(maxsize=1)
def _t2s():  # opencc ships no type information
    import opencc

    return opencc.OpenCC("t2s.json")


def fold_source(text: str) -> str:
    """An article (or a quote) as comparable Simplified text: pinyin annotations removed, t2s applied."""
    return _t2s().convert(_PINYIN.sub("", text))


def _significant(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


@dataclass(frozen=True)
class Folded:
    """A text folded for finding: ``compact`` holds its letters and digits only; ``positions[i]``
    is where ``compact[i]`` stands in ``readable`` (the folded text with its punctuation)."""

    readable: str
    compact: str
    positions: tuple[int, ...]


def fold(text: str) -> Folded:
    readable = unicodedata.normalize("NFKC", fold_source(text))
    kept = [(index, char.lower()) for index, char in enumerate(readable) if _significant(char)]
    return Folded(readable, "".join(char for _, char in kept), tuple(index for index, _ in kept))


def compact(text: str) -> str:
    """What of ``text`` a match compares: its letters and digits, folded."""
    return fold(text).compact


def contains(article: Folded, quote: str) -> bool:
    """Whether ``quote`` (in either script, any punctuation) is a contiguous part of the article."""
    wanted = compact(quote)
    return bool(wanted) and wanted in article.compact


def closest_passage(article: Folded, quote: str) -> str:
    """The article's passage most like ``quote`` (with a little context), for a message that says
    what the article says instead. Time is bounded: only the few places sharing the most pairs of
    characters with the quote are compared in full."""
    wanted = compact(quote)
    text = article.compact
    if not wanted or not text:
        return ""
    votes: dict[int, int] = {}
    pairs = {wanted[i:i + 2]: i for i in range(len(wanted) - 1)} or {wanted: 0}
    for pair, offset in pairs.items():
        start = text.find(pair)
        while start != -1:
            votes[start - offset] = votes.get(start - offset, 0) + 1
            start = text.find(pair, start + 1)
    if not votes:
        return ""
    best_start, best_ratio = 0, -1.0
    for start, _ in sorted(votes.items(), key=lambda item: -item[1])[:_CANDIDATES]:
        start = max(0, min(start, len(text) - 1))
        window = text[start:start + len(wanted)]
        ratio = difflib.SequenceMatcher(None, wanted, window, autojunk=False).ratio()
        if ratio > best_ratio:
            best_start, best_ratio = start, ratio
    end = min(best_start + len(wanted), len(text)) - 1
    first = article.positions[max(0, best_start - _CONTEXT)]
    last = article.positions[min(len(text) - 1, end + _CONTEXT)]
    return " ".join(article.readable[first:last + 1].split())


@lru_cache(maxsize=32)
def _read(path: Path, modified: int) -> Folded:
    return fold(path.read_text(encoding="utf-8"))


def read_article(path: Path) -> Folded:
    """An article file folded once per change of the file."""
    return _read(path, path.stat().st_mtime_ns)
