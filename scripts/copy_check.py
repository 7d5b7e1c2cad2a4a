"""How much of data/ and docs/ is copied from the source articles.

Two measures, both on CJK characters only (punctuation, digits and markup
between them are ignored, so changing a comma does not hide a copy):

- shared runs: the longest stretch of characters ending at each position of a
  text that also occurs in an article, found with one suffix automaton over
  all articles (linear in the text, no pairwise scanning). A run of
  ``FAIL_RUN`` (20) or more characters is a copied clause; the characters
  inside runs of ``REPORT_RUN`` (12) or more are the figure that says how
  close the writing still sits to the articles.
- close paraphrases: a sentence of ours that holds at least 85% of one source
  sentence's characters in the same order (longest common subsequence), i.e.
  the article's sentence with a few words swapped.

Articles are folded to Simplified (OpenCC t2s) with the inline pinyin of 002
removed (macros/articles.py, the validator's fold). Quotes in evidence, the cite()
calls of pages and the printed headlines of sources are citations, checked by the
validator to be the article's words: they are left out here. Names, programme titles and quoted slogans that must stay as the
articles give them are listed, each with a reason, in data/copy-exemptions.yml;
they are cut out of both sides before comparing.

    python -m scripts.copy_check            # figures, and every copied run
    python -m scripts.copy_check --paraphrases   # the close paraphrases too
    python -m scripts.copy_check --close         # every shared run of 12–19 characters too

Exit status 1 when a run of 20 or more remains, or more than ``CLOSE_LIMIT`` (20) of 12–19. tests/test_copying.py runs
the same check.
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from macros.articles import fold_source
from macros.evidence import CITE_CALL
from macros.knowledge_base import sources_dir_for

FAIL_RUN = 20
REPORT_RUN = 12
# At most this many runs of REPORT_RUN–FAIL_RUN-1 characters in the whole project (names and titles
# that must stay as printed belong in the exemptions): more means the writing follows an article too closely.
CLOSE_LIMIT = 20
PARAPHRASE_SHARE = 0.85
# Shorter source sentences ("社区书记工作室") are names and set phrases, not sentences one can copy.
MIN_SENTENCE = 15

EXEMPTIONS_FILE = "data/copy-exemptions.yml"
SOURCES_VARIABLE = "KB_SOURCES_DIR"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


class ExemptionError(ValueError):
    """The exemptions file is malformed; the message is Chinese and names the entry."""


# --------------------------------------------------------------------------
# Texts
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    """One line of one of our files: where it is, and its text."""

    file: str
    line: int
    text: str


def cjk(text: str) -> str:
    return "".join(_CJK.findall(text))


def mask(text: str, phrases: Iterable[str]) -> str:
    """``text`` with every exempt phrase replaced by a line break, so no run or sentence crosses it.

    A phrase matches whatever punctuation or markup sits between its characters
    (``强基、骨干、创新`` matches ``“强基”“骨干”“创新”``), as the comparison itself ignores them."""
    ordered = sorted({cjk(p) for p in phrases if cjk(p)}, key=len, reverse=True)
    if not ordered:
        return text
    between = r"[^\u3400-\u9fff\uf900-\ufaff\n]*"
    return re.sub("|".join(between.join(map(re.escape, phrase)) for phrase in ordered), "\n", text)


def parse_exemptions(text: str, source: str = EXEMPTIONS_FILE) -> list[str]:
    """The reviewed list: ``- phrase: …`` with ``why: …`` for each entry."""
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as error:
        raise ExemptionError(f"{source}：不是有效的 YAML：{error}") from None
    if not isinstance(data, list):
        raise ExemptionError(f"{source}：应为列表，每项含 phrase 和 why")
    phrases = []
    problems = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or set(item) != {"phrase", "why"}:
            problems.append(f"{source}：第 {number} 项应恰含 phrase 和 why 两个字段")
        elif not all(isinstance(item[k], str) and item[k].strip() for k in ("phrase", "why")):
            problems.append(f"{source}：第 {number} 项的 phrase 和 why 都应为非空文字")
        else:
            phrases.append(item["phrase"].strip())
    if problems:
        raise ExemptionError("\n".join(problems))
    return phrases


# Citations, not our prose: a quote in evidence, a source's printed headline (both checked to be
# the article's own words by the validator) and the quote of a cite() call in a page.
_CITATION_LINE = re.compile(r"^\s*(?:-\s+)?quote\s*:")
_HEADLINE_LINE = re.compile(r"^title\s*:")


def project_passages(root: Path) -> Iterator[Passage]:
    """Every line of data/ (records, glossary, vocabulary) and of the pages in docs/, citations left out."""
    skip = {root / EXEMPTIONS_FILE, root / "data" / "published-paths.txt"}
    files = [*sorted((root / "data").rglob("*.yml")), *sorted((root / "docs").rglob("*.md"))]
    for path in files:
        if path in skip or (root / "data" / "schema") in path.parents:
            continue
        relative = path.relative_to(root).as_posix()
        is_source = (root / "data" / "sources") in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _CITATION_LINE.match(line) or (is_source and _HEADLINE_LINE.match(line)):
                continue
            prose = CITE_CALL.sub("\n", line) if path.suffix == ".md" else line  # no run reaches across a citation
            if _CJK.search(prose):
                yield Passage(relative, number, prose)


# --------------------------------------------------------------------------
# Shared runs: a suffix automaton over the articles
# --------------------------------------------------------------------------
class SuffixAutomaton:
    """Every substring of the given texts, recognised in time linear in the query.

    The texts are joined with separators no query holds, so a match never
    spans two texts; ``origin`` tells which text a match comes from.
    """

    def __init__(self, texts: list[str]):
        self.next: list[dict[str, int]] = [{}]
        self.link: list[int] = [-1]
        self.length: list[int] = [0]
        self.end: list[int] = [-1]  # one end position of the state's substrings in the joined text
        self._starts: list[int] = []
        last = 0
        position = 0
        for number, text in enumerate(texts):
            self._starts.append(position)
            for char in text + chr(0xE000 + number):  # private-use separators
                last = self._extend(last, char, position)
                position += 1

    def _extend(self, last: int, char: str, position: int) -> int:
        current = len(self.length)
        self.next.append({})
        self.link.append(0)
        self.length.append(self.length[last] + 1)
        self.end.append(position)
        state = last
        while state != -1 and char not in self.next[state]:
            self.next[state][char] = current
            state = self.link[state]
        if state != -1:
            target = self.next[state][char]
            if self.length[state] + 1 == self.length[target]:
                self.link[current] = target
            else:
                clone = len(self.length)
                self.next.append(dict(self.next[target]))
                self.link.append(self.link[target])
                self.length.append(self.length[state] + 1)
                self.end.append(self.end[target])
                while state != -1 and self.next[state].get(char) == target:
                    self.next[state][char] = clone
                    state = self.link[state]
                self.link[target] = clone
                self.link[current] = clone
        return current

    def origin(self, end_position: int) -> int:
        """The number of the text a joined-text position falls in."""
        return bisect.bisect_right(self._starts, end_position) - 1

    def matches(self, text: str) -> list[tuple[int, int]]:
        """For each position of ``text``: (length of the longest substring ending there that
        occurs in the texts, the number of a text it occurs in, or -1)."""
        found = []
        state, length = 0, 0
        for char in text:
            while state and char not in self.next[state]:
                state = self.link[state]
                length = self.length[state]
            if char in self.next[state]:
                state = self.next[state][char]
                length += 1
            found.append((length, self.origin(self.end[state]) if length else -1))
        return found


@dataclass(frozen=True)
class Run:
    """A stretch of our text that also occurs in an article."""

    passage: Passage
    text: str
    source: int


def shared_runs(text: str, automaton: SuffixAutomaton, minimum: int) -> tuple[list[tuple[str, int]], int]:
    """The maximal runs of ``minimum`` or more CJK characters that ``text`` shares with the
    articles, as (run, text number), and how many of its characters lie in such runs."""
    letters = cjk(text)
    matches = automaton.matches(letters)
    runs = []
    covered = [False] * len(letters)
    for index, (length, source) in enumerate(matches):
        if length < minimum:
            continue
        for covered_index in range(index - length + 1, index + 1):
            covered[covered_index] = True
        ends_here = index + 1 == len(letters) or matches[index + 1][0] != length + 1
        if ends_here:
            runs.append((letters[index - length + 1:index + 1], source))
    return runs, sum(covered)


# --------------------------------------------------------------------------
# Close paraphrases: longest common subsequence against one source sentence
# --------------------------------------------------------------------------
def sentences(text: str) -> list[str]:
    return [cjk(part) for part in _SENTENCE_END.split(text) if cjk(part)]


def common_subsequence(a: str, b: str) -> int:
    """Length of the longest common subsequence of ``a`` and ``b``."""
    if len(a) < len(b):
        a, b = b, a
    row = [0] * (len(b) + 1)
    for char in a:
        previous_diagonal = 0
        for index, other in enumerate(b, start=1):
            above = row[index]
            row[index] = previous_diagonal + 1 if char == other else max(above, row[index - 1])
            previous_diagonal = above
    return row[len(b)]


class SentenceIndex:
    """Source sentences by character, so each of our sentences is compared (by LCS) only
    with the source sentences it could match: those whose characters it mostly holds."""

    def __init__(self, source_sentences: list[tuple[str, int]]):
        self.sentences = [(s, n) for s, n in source_sentences if len(s) >= MIN_SENTENCE]
        self.by_char: dict[str, list[tuple[int, int]]] = {}
        for number, (sentence, _) in enumerate(self.sentences):
            for char in set(sentence):
                self.by_char.setdefault(char, []).append((number, sentence.count(char)))

    def close(self, sentence: str) -> list[tuple[str, int, float]]:
        """Source sentences of which ``sentence`` holds ≥85% of the characters in order."""
        reachable: dict[int, int] = {}  # an upper bound of the LCS: source characters present in ours
        for char in set(sentence):
            for number, count in self.by_char.get(char, ()):
                reachable[number] = reachable.get(number, 0) + count
        found = []
        for number, bound in reachable.items():
            source, origin = self.sentences[number]
            if bound < PARAPHRASE_SHARE * len(source):
                continue
            share = common_subsequence(sentence, source) / len(source)
            if share >= PARAPHRASE_SHARE:
                found.append((source, origin, share))
        return found


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------
@dataclass
class Report:
    copied: list[Run]                     # runs of FAIL_RUN or more
    close: list[Run]                      # runs of REPORT_RUN up to FAIL_RUN - 1: close paraphrase
    characters_in_runs: int               # characters in runs of REPORT_RUN or more
    characters: int                       # all CJK characters of our text
    paraphrases: list[tuple[Passage, str, str, float]]  # ours, source sentence, source file, share

    def summary(self) -> str:
        share = self.characters_in_runs / self.characters if self.characters else 0.0
        return (f"与来源文章共享 ≥{FAIL_RUN} 字的片段：{len(self.copied)} 处；"
                f"{REPORT_RUN}–{FAIL_RUN - 1} 字的片段：{len(self.close)} 处；"
                f"位于 ≥{REPORT_RUN} 字共享片段中的字：{self.characters_in_runs} / {self.characters}（{share:.1%}）；"
                f"近似改写句（≥{PARAPHRASE_SHARE:.0%} 字按序相同）：{len(self.paraphrases)} 句")


def check(passages: Iterable[Passage], articles: dict[str, str], exemptions: list[str]) -> Report:
    """Compare our passages with the articles (``{file name: folded text}``)."""
    names = list(articles)
    masked_articles = [mask(articles[name], exemptions) for name in names]
    automaton = SuffixAutomaton([cjk(line) for text in masked_articles for line in text.split("\n")])
    line_origin = [number for number, text in enumerate(masked_articles) for _ in text.split("\n")]
    index = SentenceIndex([(s, number) for number, text in enumerate(masked_articles) for s in sentences(text)])
    copied: list[Run] = []
    close: list[Run] = []
    paraphrases = []
    in_runs = total = 0
    for passage in passages:
        text = mask(passage.text, exemptions)
        for part in text.split("\n"):
            runs, covered = shared_runs(part, automaton, REPORT_RUN)
            in_runs += covered
            total += len(cjk(part))
            for run, article in runs:
                (copied if len(run) >= FAIL_RUN else close).append(Run(passage, run, line_origin[article]))
        seen = set()
        for sentence in sentences(text):
            for source, origin, share in index.close(sentence):
                if (sentence, source) not in seen:
                    seen.add((sentence, source))
                    paraphrases.append((passage, source, names[origin], share))
    return Report(copied, close, in_runs, total, paraphrases)


def load_articles(sources: Path) -> dict[str, str]:
    return {path.name: fold_source(path.read_text(encoding="utf-8")) for path in sorted(sources.glob("*.txt"))}


def sources_dir(root: Path = ROOT) -> Path | None:
    """The articles: where the project finds them (``sources_dir_for``), or where
    ``KB_SOURCES_DIR`` points (a worktree sits one folder deeper than the checkout)."""
    override = os.environ.get(SOURCES_VARIABLE)
    if override:
        return Path(override) if Path(override).is_dir() else None
    return sources_dir_for(root)


def check_project(root: Path = ROOT) -> Report:
    """The check as the test and the command run it; the sources folder must exist."""
    sources = sources_dir(root)
    if sources is None:
        raise FileNotFoundError(f"找不到来源文章目录（{root.parent / 'shared' / 'sources'}，或环境变量 {SOURCES_VARIABLE} 所指的目录）")
    exemptions = parse_exemptions((root / EXEMPTIONS_FILE).read_text(encoding="utf-8"))
    return check(project_passages(root), load_articles(sources), exemptions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="data/ 与 docs/ 中抄自来源文章的文字")
    parser.add_argument("--paraphrases", action="store_true", help="同时列出近似改写句")
    parser.add_argument("--close", action="store_true", help=f"同时列出 {REPORT_RUN}–{FAIL_RUN - 1} 字的共享片段")
    args = parser.parse_args(argv)
    try:
        report = check_project()
    except (FileNotFoundError, ExemptionError) as error:
        print(error, file=sys.stderr)
        return 2
    names = sorted(path.name for path in (sources_dir() or Path()).glob("*.txt"))
    for run in report.copied:
        print(f"{run.passage.file}:{run.passage.line}  抄自 {names[run.source]}：{run.text}")
    if args.close:
        for run in report.close:
            print(f"{run.passage.file}:{run.passage.line}  近似 {names[run.source]}：{run.text}")
    if args.paraphrases:
        for passage, source, name, share in report.paraphrases:
            print(f"{passage.file}:{passage.line}  近似 {name}（{share:.0%}）：{source}")
    print(report.summary())
    return 1 if report.copied or len(report.close) > CLOSE_LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
