"""The site's Chinese search index: rendered pages in, static shard files out.

Pure functions, no MkDocs state: ``kb_build/search_index.py`` feeds them the
pages of a build and writes what :func:`build_index` returns. The browser
side is ``macros/search_worker.js`` (written per edition as ``search/kb/worker.js``), which speaks
Material's search-worker protocol and loads only the shards a query needs.

How it finds what people type:

* Text is *folded* before indexing and querying: NFKC (full-width letters and
  digits become ASCII), lower case, and Traditional → Simplified per
  character with a map generated from OpenCC's ``t2s`` tables
  (:func:`t2s_char_map`). Folding keeps the length of the text, so a match
  found in folded text is highlighted at the same place in the original.
* Every run of CJK characters is indexed as unigrams and bigrams; an ASCII
  letter-or-digit run counts as one unit, so ``133工作法`` gives
  ``133工``, ``工作``, ``作法``. Any part of a longer word (纠纷 in 邻里纠纷)
  is found, and the browser checks each candidate's text for the whole
  phrase, so 服务中心 never matches a page that has 服务 and 中心 apart.
* Words from jieba's search-mode segmentation, with a user dictionary
  generated from the data (:func:`lexicon`), are indexed as ``w:`` terms and
  rank a page where the query is a whole word above one where it is a part.
* Pinyin (full and initials, every prefix from two letters) of record names
  and aliases are ``p:`` terms that expand to those names; aliases are ``a:``
  terms that expand to the record's name.

What a query downloads (the first answer needs no page text):

* ``worker.js``: the browser's engine (``macros/search_worker.js``) with this
  index's small, bounded metadata in front (fold table of the characters the
  site uses, themes and kinds to suggest, the reviewed synonyms of
  ``data/search-synonyms.yml``); nothing is fetched until a reader opens search.
* ``y:`` terms: for each word of a reviewed synonym group (``data/search-synonyms.yml``),
  the pages holding any word of its group: 纠纷 finds 矛盾 without another download.
* ``s/<n>.json``: shards. A term's shard is chosen by its first two units
  (:func:`shard_key`): 物业, 物业管, ``w:物业管理`` and ``w:物业`` share one, so a
  phrase is looked up by trigrams that cover it, a shard per three characters.
  The first answer reads at most six shards (the whole phrase's first, then
  the covering trigrams', then the words') and at most three card files; the
  complete answer reads the rest. A term's postings are capped
  (:data:`POSTINGS_CAP`), so no shard grows with the size of the site.
* ``i/<n>.json``: cards of :data:`CARDS_PER_FILE` documents each (title, kind of
  record, summary, substance level, themes): the first answer is shown from them.
* ``d/<n>.json``: one page's text, fetched after the first answer to check the
  whole phrase and to show the passage that matches.
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import math
import multiprocessing
import os
import re
import struct
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from . import sitemap
from .completeness import working_out_method_levels
from .knowledge_base import KnowledgeBase
from .search_synonyms import SYNONYMS_FILE, load_synonyms

FORMAT_VERSION = 3  # 2: terms hashed with CRC-32 instead of FNV-1a; 3: shards by a term's first two units, cards
WORKER_SOURCE = Path(__file__).with_name("search_worker.js")
# A shard is the unit a query downloads; aim at this many raw bytes per shard.
SHARD_TARGET_BYTES = 24_000
MIN_SHARDS = 8
TF_CAP = 50
TITLE_FLAG = 64
PINYIN_MIN_PREFIX = 2
POSTINGS_CAP = 3000  # documents kept for one term (those it weighs most in): bounds a shard at any size of site
CARDS_PER_FILE = 64  # documents per cards file: a first answer reads one or two of them
SUMMARY_MAX = 70  # characters of a card's summary
GRAM_LINES_KEPT = 20_000  # lines whose grams are kept, the last met (a page's grams are counted from its lines')
PARALLEL_FROM = 2000  # pages to segment; below this starting worker processes costs more than it saves

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNIT = re.compile(rf"[{_CJK}]|[a-z0-9]+")
_SEGMENT = re.compile(rf"(?:[{_CJK}]|[a-z0-9])+")
_HAS_CJK = re.compile(rf"[{_CJK}]")


# --------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------
def t2s_char_map() -> dict[str, str]:
    """Traditional → Simplified for single characters, from OpenCC's ``t2s`` tables.

    Only one-to-one mappings within the Basic Multilingual Plane are kept, so
    folding never changes a text's length, in Python or in JavaScript.
    """
    import opencc  # build-time only; the browser gets the generated map

    converter = opencc.OpenCC("t2s")
    ranges = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
    mapping: dict[str, str] = {}
    for start, end in ranges:
        for code in range(start, end):
            char = chr(code)
            simple = converter.convert(char)
            if simple != char and len(simple) == 1 and ord(simple) < 0x10000:
                mapping[char] = simple
    return mapping


def fold_table(char_map: Mapping[str, str]) -> dict[int, str]:
    """``str.translate`` table of the fold: NFKC, lower case, then ``char_map``, one character to one."""
    table: dict[int, str] = {}
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        normal = unicodedata.normalize("NFKC", char)
        folded = normal if _bmp_char(normal) else char
        folded = folded.lower() if _bmp_char(folded.lower()) else folded
        folded = char_map.get(folded, folded)
        if folded != char and _bmp_char(folded):
            table[code] = folded
    return table


def _bmp_char(text: str) -> bool:
    # One UTF-16 code unit, so that folded text keeps its length in the browser too.
    return len(text) == 1 and ord(text) < 0x10000


def make_fold(char_map: Mapping[str, str]) -> Callable[[str], str]:
    """The folding function: same length out as in, comparable across scripts and widths."""
    return _Fold(fold_table(char_map))


@dataclass(frozen=True)
class _Fold:
    table: dict[int, str]

    def __call__(self, text: str) -> str:
        return text.translate(self.table)


def units(folded: str) -> list[list[str]]:
    """Segments of adjacent units (a CJK character, or an ASCII letter-or-digit run)."""
    return [_UNIT.findall(segment) for segment in _SEGMENT.findall(folded)]


def grams(folded: str) -> Counter[str]:
    """Unigrams, bigrams and trigrams of units, with their counts.

    A phrase of three or more units is looked up by its trigrams: a page that
    has them all almost always has the phrase, so few candidates fail the
    browser's check and a query fetches only the pages it shows.

    Line by line: a line end is no unit, so no gram spans it, and pages share many
    of their lines (labels, the parts of a record its pages repeat, the other edition's line).
    """
    return Counter(itertools.chain.from_iterable(map(_line_grams, folded.split("\n"))))


@functools.lru_cache(maxsize=GRAM_LINES_KEPT)
def _line_grams(line: str) -> tuple[str, ...]:
    found: list[str] = []
    for segment in units(line):
        pairs = list(map(str.__add__, segment, segment[1:]))  # map and Counter run in C: the index's hot loop
        found += segment
        found += pairs
        found += map(str.__add__, pairs, segment[2:])
    return tuple(found)


# --------------------------------------------------------------------------
# Lexicon: the words that must stay whole, generated from the data
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    word: str  # as written in the data (Simplified)
    name: str  # the record's name this word stands for (itself for names and places)
    pinyin: bool  # whether pinyin of the word should find it


def lexicon(kb: KnowledgeBase) -> list[Entry]:
    """Record names and aliases, people and places from the data, for jieba and the index."""
    entries: dict[str, Entry] = {}

    def add(word: str | None, name: str | None = None, pinyin: bool = False) -> None:
        word = (word or "").strip()
        if len(word) >= 2 and word not in entries:
            entries[word] = Entry(word, name or word, pinyin)

    for kind in sitemap.PAGED_KINDS:
        for record in kb.records(kind).values():
            add(record.name, pinyin=True)
            for alias in record.aliases:
                add(alias, record.name, pinyin=True)
    for kind in sitemap.PAGED_KINDS:
        for record in kb.records(kind).values():
            region = getattr(record, "region", None) or getattr(getattr(record, "origin", None), "region", None)
            for part in region.parts() if region else []:
                add(part)
            add(getattr(record, "community", None))
            add(getattr(getattr(record, "origin", None), "community", None))
    return sorted(entries.values(), key=lambda e: e.word)


def user_dictionary(entries: Iterable[Entry]) -> str:
    """jieba user-dictionary text: one word a line with a frequency high enough to keep it whole."""
    return "".join(f"{e.word.replace(' ', '')} 100000 nz\n" for e in entries if " " not in e.word)


PINYIN_READINGS_CAP = 64


def pinyin_keys(word: str) -> list[str]:
    """Full pinyin and initials of a word, digits kept: 走动式工作法 → zoudongshigongzuofa, zdsgzf.

    pypinyin alone reads 三步调解法 as sanbudiaoxiefa (it sees 步调), so every
    reading of a many-reading character counts too (sanbutiaojiefa), as long as
    the word has at most :data:`PINYIN_READINGS_CAP` readings; beyond that only
    pypinyin's own reading.
    """
    import itertools

    from pypinyin import Style, lazy_pinyin, pinyin

    def syllables(readings: Iterable[str]) -> list[str]:
        out: list[str] = []
        for piece in readings:
            piece = piece.lower().replace("ü", "v")
            out += [piece] if re.fullmatch(r"[a-z]+|[0-9]+", piece) else []
        return out

    default = syllables(lazy_pinyin(word, style=Style.NORMAL, errors=lambda text: re.findall(r"[A-Za-z]+|[0-9]+", text)))  # type: ignore[arg-type,return-value]  # pypinyin takes a list of pieces; its annotation says str
    choices: list[list[str]] = []
    for piece in re.findall(rf"[{_CJK}]|[A-Za-z]+|[0-9]+", word):
        if _HAS_CJK.match(piece):
            choices.append(sorted(set(syllables(pinyin(piece, style=Style.NORMAL, heteronym=True)[0]))) or [""])
        else:
            choices.append([piece.lower()])
    readings = [default]
    if math.prod(len(c) for c in choices) <= PINYIN_READINGS_CAP:
        readings += [[p for p in combo if p] for combo in itertools.product(*choices)]
    keys: list[str] = []
    for reading in readings:
        full = "".join(reading)
        initials = "".join(p if p.isdigit() else p[0] for p in reading)
        for key in (full, initials):
            if re.search(r"[a-z]", key) and key not in keys:
                keys.append(key)
    return keys


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    location: str  # site-relative URL, e.g. "methods/sanbu-tiaojie/"
    title: str
    text: str  # plain text of the content


# What a page is to the ranking: a record's own page comes before the pages that belong to it
# (a method's training plan and card), which come before everything else (lists, hubs, charts).
OTHER, RECORD, PART = 0, 1, 2
# The order in which suggestions of a kind are offered, places before people: a ranking choice
# over the site map's kinds, not another list of them (the test checks they are the same kinds).
SUGGESTED_KINDS = ("methods", "studios", "sites", "mentors")


@dataclass(frozen=True)
class Role:
    role: int
    record: str  # "methods/sanbu-tiaojie": the record the page is or belongs to
    aliases: tuple[str, ...] = ()


def page_roles(kb: KnowledgeBase) -> dict[str, Role]:
    """Locations of the pages that are a record's own page or belong to one, from the data.

    A record's page is ``<kind>/<id>/`` (the page ``docs/<kind>/<id>.md`` or one generated
    for it); a method's training plan and card, and a site's visit sheet, are where
    macros/sitemap.py puts them.
    Any kind whose records get pages is covered; pages that do not exist are never looked up.
    """
    roles: dict[str, Role] = {}
    for kind in sitemap.PAGED_KINDS:
        for record in kb.records(kind).values():
            key = f"{kind}/{record.id}"
            roles[key + "/"] = Role(RECORD, key, tuple(record.aliases))
    for method in kb.methods.values():
        for path in (sitemap.plan_path(method.id), sitemap.card_path(method.id)):
            roles[sitemap.served(path)] = Role(PART, f"methods/{method.id}")
    for site in kb.sites.values():
        roles[sitemap.served(sitemap.visit_path(site.id))] = Role(PART, f"sites/{site.id}")
    return roles


def ranked_pages(pages: Iterable[Page], roles: Mapping[str, Role]) -> list[Page]:
    """Record pages first, then the pages that belong to records, then the rest: the order of
    document numbers, so the browser knows a page's role from its number alone (``meta.json``)."""
    return sorted(pages, key=lambda page: _RANK[roles.get(page.location, Role(OTHER, "")).role])


_RANK = {RECORD: 0, PART: 1, OTHER: 2}  # a role's place in the order of document numbers


@dataclass(frozen=True)
class Card:
    """What a result shows before its page's text arrives."""

    kind: str  # what the page is, for readers: 工作法, 示范点与阵地 … (a record's kind), or its section's name
    summary: str = ""
    level: str = ""  # a method's substance level (macros/completeness.py)
    themes: tuple[str, ...] = ()


def record_cards(kb: KnowledgeBase, levels: Mapping[str, str], convert: Callable[[str], str] = str) -> dict[str, Card]:
    """Cards of the records' own pages, from the data and the methods' completeness ``levels``
    (:func:`method_levels`); ``convert`` turns the words into the edition's script."""
    cards: dict[str, Card] = {}
    for kind in sitemap.PAGED_KINDS:
        for record in kb.records(kind).values():
            level, themes = "", tuple[str, ...]()
            if kind == "methods":
                level = convert(levels[record.id])
                themes = tuple(convert(theme) for theme in kb.methods[record.id].themes)
            summary = convert(record.summary)
            cards[f"{kind}/{record.id}/"] = Card(convert(sitemap.label(kind)), _clip(summary), level, themes)
    return cards


def method_levels(kb: KnowledgeBase, docs_dir: Path | None) -> dict[str, str]:
    """Each method's completeness level, its page read from ``docs_dir``."""
    for _ in working_out_levels(kb, docs_dir):
        pass
    return site_inputs(kb).levels[docs_dir]


def working_out_levels(kb: KnowledgeBase, docs_dir: Path | None) -> Iterator[None]:
    """:func:`method_levels`, one method a step: kept in :class:`SiteInputs` ``levels``, the same for every edition."""
    def read(path: str) -> str | None:
        page = docs_dir / path if docs_dir is not None else None
        return page.read_text(encoding="utf-8") if page is not None and page.is_file() else None
    return working_out_method_levels(kb, read, site_inputs(kb).levels.setdefault(docs_dir, {}))


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_MAX else text[:SUMMARY_MAX - 1] + "…"


def page_card(page: Page, section_titles: Mapping[str, str]) -> Card:
    """The card of a page that is not a record's own: its section's name, and its first line of text."""
    section = page.location.split("/", 1)[0] + "/"
    first = next((line for line in page.text.splitlines() if line.strip() and line.strip() != page.title), "")
    return Card(section_titles.get(section, ""), _clip(first))


# Elements whose text is not the page's: scripts, drawings, the navigation.
_SKIPPED_TAGS = {"script", "style", "template", "svg", "nav"}
# Page furniture, not content: the completeness line, the QR block and print footer, the
# last-change and edit links, the tags row (the themes are in the page's own 主题 row), buttons;
# the evidence markers, notes and 未附依据 line (the articles' words are citations, not the page's text),
# a listing card's completeness badge.
_LAYOUT_CLASSES = {"headerlink", "kb-completeness", "kb-qr", "kb-print-footer", "kb-page-meta", "md-tags",
                   "md-content__button", "md-source-file", "kb-ev", "kb-evidence", "kb-ev-all", "kb-unsupported",
                   "kb-item-level"}
# Sections that only repeat other records' summaries (a method page's 相关工作法): each of those
# records has its own page, so the text stays out here, from the heading to the next one.
_ELSEWHERE_IDS = {"related"}
_HEADINGS = {"h1", "h2", "h3"}
_BLOCKS = {"p", "div", "li", "dt", "dd", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section",
           "article", "table", "ul", "ol", "dl", "blockquote", "details", "summary", "pre"}


class _Text:
    """Readable text of an element tree, in document order, and the text of its first ``<h1>``.

    Blocks start and end lines; skipped elements (:data:`_SKIPPED_TAGS`, :data:`_LAYOUT_CLASSES`,
    Material's ``data-search-exclude``) and the sections of :data:`_ELSEWHERE_IDS` give nothing.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.elsewhere = False
        self.title: list[str] | None = None  # the first h1's text while it is read, then kept

    def read(self, element) -> None:
        for node in element.iter(include_text=True):
            tag = node.tag
            if tag == "-text":
                if not self.elsewhere:
                    self.parts.append(node.text_content)
                continue
            if tag.startswith("-") or tag in _SKIPPED_TAGS:  # comments, doctype
                continue
            attributes = node.attributes
            if "data-search-exclude" in attributes or _LAYOUT_CLASSES.intersection((attributes.get("class") or "").split()):
                continue
            if tag in _HEADINGS:
                self.elsewhere = attributes.get("id") in _ELSEWHERE_IDS
            block = tag in _BLOCKS
            if block:
                self.parts.append("\n")
            if tag == "h1" and self.title is None:
                start = len(self.parts)
                self.read(node)
                self.title = [] if self.elsewhere else self.parts[start:]
            else:
                self.read(node)
            if block:
                self.parts.append("\n")

    def text(self) -> str:
        lines = (re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


@functools.lru_cache(maxsize=1)  # the page jobs that read a page's content early read the same HTML
def page_text(content_html: str) -> str:
    """Readable plain text of a page's content HTML (no scripts, no permalink signs)."""
    reader = _Text()
    body = LexborHTMLParser(content_html).body
    if body is not None:
        reader.read(body)
    return reader.text()


def page_from_html(document: str, location: str) -> Page | None:
    """A built page (whole HTML document) as the index sees it; None if it has no Material article."""
    start = document.find("md-content__inner")
    end = document.rfind("</article>")
    if start == -1 or end < start:
        return None
    # The article alone, not the navigation: parsing is most of the work.
    tree = LexborHTMLParser(document[document.rfind("<", 0, start):end + len("</article>")])
    article = tree.css_first("article.md-content__inner")
    if article is None:
        return None
    reader = _Text()
    reader.read(article)
    title = "".join(reader.title or []).replace("\n", "").strip()
    text = reader.text()
    if not title and not text:
        return None
    return Page(location, title, text)


def plain_title(title: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", title)).strip()


# --------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------
def term_hash(term: str) -> int:
    """CRC-32 of the term's UTF-16 code units (little-endian); the worker computes the same."""
    return zlib.crc32(term.encode("utf-16-le"))


_PREFIXED = re.compile(r"^[wapy]:")


def shard_key(term: str) -> str:
    """What chooses a term's shard: the first two units of its text (``w:物业管理`` → 物业, 物业管 →
    物业, ``y:纠纷`` → 纠纷, 社 → 社, ``p:zdsg`` → zdsg), so the terms one typed phrase needs share few shards."""
    body = _PREFIXED.sub("", term)
    return "".join(_UNIT.findall(body)[:2]) or body


def shard_of(term: str, shards: int) -> int:
    return term_hash(shard_key(term)) % shards


@dataclass
class Index:
    """The files of the index, as paths relative to the index folder and their text."""

    files: dict[str, str] = field(default_factory=dict)
    shards: int = 0
    docs: int = 0
    terms: int = 0


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def page_words(title: str, text: str, segment: Callable[[str], Iterable[str]]) -> list[str]:
    """jieba's words (two or more characters, some CJK) of a page's folded title and text.

    jieba and the user dictionary are Simplified: the folded text is segmented, so a
    Traditional edition's pages are cut as well as the Simplified ones.
    """
    return [w for w in segment(title + "\n" + text) if len(w) >= 2 and _HAS_CJK.search(w)]


def page_terms(title: str, text: str, words: Iterable[str]) -> dict[str, int]:
    """A page's index terms and weights, from its folded title and text and jieba's words of them."""
    weights: dict[str, int] = {term: count if count < TF_CAP else TF_CAP for term, count in grams(text).items()}
    for term in grams(title):
        weights[term] = weights.get(term, 1) | TITLE_FLAG
    for word, count in Counter(words).items():
        weights["w:" + word] = count if count < TF_CAP else TF_CAP
    return weights


class WordCache:
    """jieba's words of folded page texts, kept across builds (segmenting is most of the index's work).

    One JSON file maps a digest of a page's folded title and text to its words, as one text
    separated by spaces (jieba's words hold none), which keeps a large site's cache small in
    memory. The file's name carries a digest of the user dictionary and jieba's version, so a
    changed lexicon starts afresh; a save keeps only the pages of this build, so the file does
    not grow with old versions of pages. ``path=None``: nothing is read or written.

    ``shared``: words already found in this process for another edition of the same lexicon. The
    keys are folded text, so a page that reads the same in both editions once folded (most do) is
    segmented once; each edition still saves its own file (a build of one edition keeps the other's).
    """

    def __init__(self, path: Path | None, shared: Mapping[str, str] | None = None) -> None:
        self.path = path
        self.known: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.shared = shared or {}  # words found for another edition's index in this process
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = None  # a damaged cache is rebuilt, never trusted
            if isinstance(loaded, dict):
                self.known = loaded

    @staticmethod
    def key(title: str, text: str) -> str:
        return hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()

    def knows(self, key: str) -> bool:
        """Whether the words of ``key`` are at hand (put in this build, kept from an earlier one or shared)."""
        if key not in self.used:
            words = self.known.get(key)
            if not isinstance(words, str):
                words = self.shared.get(key)
            if words is None:
                return False
            self.used[key] = words  # kept from an earlier build: saved again with this one
        return True

    def words(self, key: str) -> list[str]:
        return self.used[key].split()

    def put(self, key: str, words: list[str]) -> None:
        self.used[key] = " ".join(words)

    def memo(self, kind: str, text: str, compute: Callable[[str], Iterable[str]]) -> list[str]:
        """``compute(text)`` for a short text (a name), kept like a page's words; ``kind`` keeps
        the uses apart. Words of one character or of spaces are not kept: no use asks for them."""
        key = f"{kind}:{text}"
        if not self.knows(key):
            self.put(key, [w for w in compute(text) if w.strip()])
        return self.words(key)

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(_dump(self.used), encoding="utf-8")
        os.replace(temporary, self.path)  # two editions building at once never see half a file


def word_cache_path(folder: Path, entries: Iterable[Entry], edition: str) -> Path:
    """Where the :class:`WordCache` of this lexicon and edition lives under ``folder``."""
    import jieba

    digest = hashlib.sha1((jieba.__version__ + user_dictionary(entries)).encode()).hexdigest()[:16]
    return folder / f"words-{edition}-{digest}.json"


_worker: dict[str, Callable] = {}


def _init_worker(entries: list[Entry]) -> None:
    _worker["segment"] = jieba_search_cut(entries)


def _worker_words(folded: tuple[str, str]) -> list[str]:
    return page_words(folded[0], folded[1], _worker["segment"])


def all_page_terms(pages: list[Page], entries: list[Entry], fold: Callable[[str], str],
                   segment: Callable[[str], Iterable[str]], cache: WordCache | None = None,
                   workers: int | None = None) -> Iterator[dict[str, int]]:
    """Every page's index terms and their weights (n-gram counts, capped; title flag; jieba words), in order, one page at a time (a site's terms together would
    not fit in memory at scale). Words come from ``cache`` where it has them; the pages it lacks
    are segmented with ``segment`` first, on large sites in parallel processes."""
    cache = cache or WordCache(None)

    def folded(page: Page) -> tuple[str, str]:  # made again when needed, not kept: memory at scale
        return fold(page.title), fold(page.text)

    keys = [WordCache.key(*folded(page)) for page in pages]
    missing = [n for n, key in enumerate(keys) if not cache.knows(key)]
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers == 1 or len(missing) < PARALLEL_FROM:
        for n in missing:
            cache.put(keys[n], page_words(*folded(pages[n]), segment))
    else:
        # Spawned, not forked: a fork of a build of thousands of pages would count all of its
        # memory again in every worker's resident size.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(entries,)) as pool:
            found = pool.map(_worker_words, (folded(pages[n]) for n in missing), chunksize=32)
            for n, words in zip(missing, found, strict=True):
                cache.put(keys[n], words)
    for page, key in zip(pages, keys, strict=True):
        yield page_terms(*folded(page), cache.words(key))


class _Postings:
    """Each term's documents and weights in one byte string per term: a 4-byte document number
    (added in increasing order) and a weight byte a posting, instead of a dict per term."""

    def __init__(self) -> None:
        self.of_term: dict[str, bytearray] = {}

    def add(self, doc_id: int, weights: Mapping[str, int]) -> None:
        of_term = self.of_term
        number = doc_id.to_bytes(4, "little")
        posting = {weight: number + bytes((weight,)) for weight in set(weights.values())}  # few weights, many terms
        for term, weight in weights.items():
            found = of_term.get(term)
            if found is None:
                of_term[term] = bytearray(posting[weight])
            else:
                found += posting[weight]

    def documents_and_weights(self, term: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        packed = self.of_term.get(term)
        if packed is None:
            return None
        # The documents' four bytes gathered a byte at a time (slices run in C: ten times as fast as a record at a time).
        count = len(packed) // 5
        numbers = bytearray(4 * count)
        for byte in range(4):
            numbers[byte::4] = packed[byte::5]
        return struct.unpack(f"<{count}I", numbers), tuple(packed[4::5])

    def __len__(self) -> int:
        return len(self.of_term)


def build_index(
    pages: list[Page],
    entries: list[Entry],
    fold: Callable[[str], str],
    char_map: Mapping[str, str],
    terms: Iterable[dict[str, int]],
    roles: Mapping[str, Role] | None = None,
    suggestions: list[dict[str, object]] | None = None,
    write: Callable[[str, str], None] | None = None,
    pinyin: Callable[[str], list[str]] = pinyin_keys,
    cards: Mapping[str, Card] | None = None,
    synonyms: Iterable[tuple[str, ...]] = (),
) -> Index:
    """Build the sharded index of ``pages`` from their :func:`all_page_terms` (``terms``, in the same order,
    read once): every page into an :class:`IndexBuilder`, then its files.

    ``pages`` must be in :func:`ranked_pages` order for ``roles``; ``suggestions`` are the
    themes and kinds of records offered for the words that name them (:func:`suggestions`);
    ``cards`` what the records' results show before their text (:func:`record_cards`; other
    pages get :func:`page_card`); ``synonyms`` the reviewed groups the browser expands queries with.
    ``write(name, text)`` receives each file as soon as it is made, so a large site's index is
    never in memory whole; without it the files are collected in :attr:`Index.files`. ``pinyin``
    gives a word's pinyin keys (:func:`pinyin_keys`, or a cached version of it).
    """
    builder = IndexBuilder(fold, roles, synonyms)
    for page, weights in zip(pages, terms, strict=True):
        builder.add(page, weights)
    return builder.finish(entries, char_map, suggestions, write, pinyin, cards)


@dataclass
class _RankGroup:
    """The pages of one rank (records' own, their parts, the rest), numbered from 0 as they come."""

    postings: _Postings = field(default_factory=_Postings)
    docs: list[str] = field(default_factory=list)  # each page's d/ file
    pages: list[Page] = field(default_factory=list)  # each page's title and first line: its card and the suggestions


class IndexBuilder:
    """The index made page by page (:meth:`add`, in any order), its files at the end (:meth:`finish`).

    A page's terms go into the postings of its rank's group as it comes, so a build can do this
    while it renders; document numbers are given at the end, the groups one after the other, which
    is :func:`ranked_pages`' order (records' pages first, then their parts, then the rest).
    """

    def __init__(self, fold: Callable[[str], str], roles: Mapping[str, Role] | None = None,
                 synonyms: Iterable[tuple[str, ...]] = ()) -> None:
        self.fold = fold
        self.roles = roles or {}
        self.groups = [_RankGroup() for _ in _RANK]
        self.synonym_groups = [sorted({fold(word) for word in group}) for group in synonyms]
        self._synonym_terms = _synonym_terms(self.synonym_groups)

    def add(self, page: Page, weights: dict[str, int]) -> None:
        """A page and its :func:`page_terms`."""
        role = self.roles.get(page.location)
        group = self.groups[_RANK[role.role if role is not None else OTHER]]
        group.postings.add(len(group.docs), weights | self._synonym_terms(self.fold(page.title + "\n" + page.text)))
        group.docs.append(_dump({"l": page.location, "t": page.title, "x": page.text}))
        first = next((line for line in page.text.splitlines() if line.strip() and line.strip() != page.title), "")
        group.pages.append(Page(page.location, page.title, first))

    @property
    def pages(self) -> list[Page]:
        """Every page added, in the index's order, with its title and only the first line of its text."""
        return [page for group in self.groups for page in group.pages]

    def finish(self, entries: list[Entry], char_map: Mapping[str, str], suggestions: list[dict[str, object]] | None = None,
               write: Callable[[str, str], None] | None = None, pinyin: Callable[[str], list[str]] = pinyin_keys,
               cards: Mapping[str, Card] | None = None, expansions: Mapping[str, set[str]] | None = None) -> Index:
        """The index's files (see :func:`build_index` for the arguments; ``expansions``: those of
        :func:`working_out_name_expansions`, when worked out already)."""
        roles = self.roles
        cards = cards or {}
        index = Index()
        emit = write or index.files.__setitem__
        pages = self.pages
        counts = Counter(roles[page.location].role for page in pages if page.location in roles)
        sections = {page.location: page.title for page in pages if page.location.count("/") == 1}
        card_file: list[dict[str, object]] = []
        docs = (doc for group in self.groups for doc in group.docs)
        for doc_id, (page, doc) in enumerate(zip(pages, docs, strict=True)):
            emit(f"d/{doc_id}.json", doc)
            card_file.append(_card_json(page, cards.get(page.location) or page_card(page, sections), roles.get(page.location)))
            if len(card_file) == CARDS_PER_FILE or doc_id == len(pages) - 1:
                emit(f"i/{doc_id // CARDS_PER_FILE}.json", _dump(card_file))
                card_file = []

        if expansions is None:
            expansions = defaultdict(set)
            for _ in working_out_name_expansions(entries, self.fold, pinyin, expansions):
                pass

        postings = [group.postings for group in self.groups]
        offsets = [0, len(self.groups[0].docs), len(self.groups[0].docs) + len(self.groups[1].docs)]
        terms = list(dict.fromkeys(term for found in postings for term in found.of_term))  # in order of first use
        shard_count = _shard_count(terms, postings, expansions)
        members: list[list[str]] = [[] for _ in range(shard_count)]
        for term in (*terms, *expansions):
            members[shard_of(term, shard_count)].append(term)
        for number, shard_terms in enumerate(members):  # one shard in memory at a time
            shard: dict[str, object] = {}
            for term in shard_terms:
                found = _documents_and_weights(term, postings, offsets)
                shard[term] = _postings_json(*found) if found is not None else sorted(expansions[term])
            emit(f"s/{number}.json", _dump(shard))

        used = {term for term in terms if len(term) == 1}  # the characters the site's text has
        fold_pairs = "".join(k + v for k, v in sorted(char_map.items()) if v in used)
        meta: dict[str, object] = {"v": FORMAT_VERSION, "shards": shard_count, "docs": len(pages), "fold": fold_pairs,
                                   "cards": CARDS_PER_FILE}
        if counts:  # documents [0, own) are records' pages, [own, part) belong to records (see ranked_pages)
            meta |= {"own": counts[RECORD], "part": counts[RECORD] + counts[PART]}
        if suggestions:
            meta["sg"] = suggestions
        if self.synonym_groups:
            meta["syn"] = self.synonym_groups
        emit("meta.json", _dump(meta))
        emit("worker.js", worker_script(meta))
        index.shards, index.docs, index.terms = shard_count, len(pages), len(terms) + len(expansions)
        return index


def working_out_name_expansions(entries: Iterable[Entry], fold: Callable[[str], str], pinyin: Callable[[str], list[str]],
                                expansions: defaultdict[str, set[str]]) -> Iterator[None]:
    """The terms that stand for names, into ``expansions``, a name a step: ``a:`` an alias, folded → the
    name; ``p:`` each beginning (of two letters or more) of a name's pinyin keys → the names. The same for
    every edition: the page worker works them out once, while it waits for pages."""
    for entry in entries:
        if entry.word != entry.name:
            expansions["a:" + fold(entry.word)].add(entry.name)
        if entry.pinyin:
            for key in pinyin(entry.word):
                for end in range(PINYIN_MIN_PREFIX, len(key) + 1):
                    expansions["p:" + key[:end]].add(entry.name)
            yield


def _documents_and_weights(term: str, postings: list[_Postings],
                           offsets: list[int]) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """A term's documents (numbered in the whole index) and weights, from every rank's group."""
    documents: list[int] = []
    weights: list[int] = []
    for found, offset in zip(postings, offsets, strict=True):
        part = found.documents_and_weights(term)
        if part is not None:
            documents += [number + offset for number in part[0]] if offset else part[0]
            weights += part[1]
    return (tuple(documents), tuple(weights)) if documents else None


# Comments of the engine's source: block comments and comment lines, and a comment after code
# (" // " then words). The source writes no "/*" or " // " inside a string or a regular expression.
_JS_COMMENTS = re.compile(r"^[ \t]*/\*.*?\*/[ \t]*\n|^[ \t]*//[^\n]*\n| +// [^\n]*", re.MULTILINE | re.DOTALL)


def _synonym_terms(groups: list[list[str]]) -> Callable[[str], dict[str, int]]:
    """A folded text's ``y:`` terms: for every word of a synonym group, how often the text has any word
    of its group, so the browser finds 纠纷 or 矛盾 in the shard 纠纷's query words load anyway."""
    group_of = {word: number for number, group in enumerate(groups) for word in group}
    if not group_of:
        return lambda text: {}
    pattern = re.compile("|".join(map(re.escape, sorted(group_of, key=len, reverse=True))))

    def terms(text: str) -> dict[str, int]:
        counts = Counter(group_of[match] for match in pattern.findall(text))
        return {"y:" + word: min(count, TF_CAP) for number, count in counts.items() for word in groups[number]}

    return terms


def worker_script(meta: Mapping[str, object]) -> str:
    """The browser's engine with this index's metadata in front: one file, one request, before any
    shard; its comments left out (a third of its bytes, on a phone's slow connection)."""
    # JSON is JavaScript; "<" and the line separators escaped so the text never ends a script element.
    literal = _dump(meta).replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    code = _JS_COMMENTS.sub("", WORKER_SOURCE.read_text(encoding="utf-8"))
    return f"self.KB_META = {literal}\n" + code


def _card_json(page: Page, card: Card, role: Role | None) -> dict[str, object]:
    found: dict[str, object] = {"l": page.location, "t": page.title, "k": card.kind, "s": card.summary}
    if card.level:
        found["v"] = card.level
    if card.themes:
        found["h"] = list(card.themes)
    if role is not None:
        found["r"] = role.record
        if role.aliases:
            found["a"] = list(role.aliases)
    return found


def _postings_json(documents: tuple[int, ...], weights: tuple[int, ...]) -> list[object]:
    """``[document deltas, weights]``; a term on more than :data:`POSTINGS_CAP` documents keeps those it
    weighs most in (title first, then count) and says so with a third item, ``1``: the browser then
    does not take a document's absence from it as the term's absence from the document."""
    if len(documents) <= POSTINGS_CAP:
        return [[documents[0], *map(int.__sub__, documents[1:], documents)], list(weights)]
    kept = sorted(sorted(range(len(documents)), key=lambda n: -weights[n])[:POSTINGS_CAP])
    chosen = [documents[n] for n in kept]
    return [[chosen[0], *map(int.__sub__, chosen[1:], chosen)], [weights[n] for n in kept], 1]


def _shard_count(terms: list[str], postings: list[_Postings], expansions: Mapping[str, set[str]]) -> int:
    """Enough shards that one stays near :data:`SHARD_TARGET_BYTES`, as a power of two."""
    estimate = sum(len(t) * 3 + 6 for t in terms) + sum(len(d) for found in postings for d in found.of_term.values())  # 5 bytes a posting, as JSON
    estimate += sum(len(t) + 12 * len(n) for t, n in expansions.items())
    wanted = max(MIN_SHARDS, estimate // SHARD_TARGET_BYTES)
    return 1 << math.ceil(math.log2(wanted))


def stub_search_index(material_index: str) -> str:
    """Material's ``search_index.json`` with its configuration kept and its documents dropped.

    Material's page script downloads that file whole on every page; our worker
    ignores the documents, so they would be bytes for nothing.
    """
    data = json.loads(material_index)
    return _dump({"config": data.get("config", {}), "docs": []})


def jieba_search_cut(entries: Iterable[Entry]) -> Callable[[str], Iterable[str]]:
    """jieba's search-mode cut with the user dictionary generated from ``entries``; jieba's
    dictionary is loaded at the first cut (a rebuild that finds every page's words in the
    cache never needs it)."""
    import io
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    dictionary = user_dictionary(entries)
    tokenizer: list[jieba.Tokenizer] = []

    def cut(text: str) -> Iterable[str]:
        if not tokenizer:
            tokenizer.append(jieba.Tokenizer())
            tokenizer[0].load_userdict(io.StringIO(dictionary))
        return tokenizer[0].cut_for_search(text, HMM=False)

    return cut


def suggestions(kb: KnowledgeBase, pages: Iterable[Page], roles: Mapping[str, Role], fold: Callable[[str], str],
                segment: Callable[[str], Iterable[str]]) -> list[dict[str, object]]:
    """Themes and kinds of records, each with the words that name it, for queries that name one.

    A theme (物业管理) is named by itself and its words (物业); a kind by the words of its list
    page's title (书记与导师: 书记, 导师) and the last word that several of its records' names
    end with (海之骑驿站, 艾溪湖红色驿站: 驿站). ``n`` are the names that make it the best answer
    (a query of exactly 物业管理 or 培训方案). Only pages that exist are offered.
    """
    by_location = {page.location: page for page in pages}
    found: list[dict[str, object]] = []

    def words(text: str) -> list[str]:
        return sorted({fold(w) for w in [text, *segment(text)] if len(w) >= 2 and _HAS_CJK.search(w)})

    if "tags/" in by_location:
        themes = Counter(theme for method in kb.methods.values() for theme in method.themes)
        for theme, count in sorted(themes.items()):
            found.append({"w": words(theme), "n": [fold(theme)], "t": f"主题：{theme}", "l": f"tags/#tag:{theme}",
                          "x": f"{count} 个工作法以“{theme}”为主题"})
    for kind in SUGGESTED_KINDS:
        listing = by_location.get(f"{kind}/")
        if listing is None or not kb.of_kind(kind):
            continue
        heads = Counter(w for r in kb.records(kind).values()
                        for w in {w for w in segment(r.name) if len(w) >= 2 and w != r.name and r.name.endswith(w)})
        named = [w for title_word in re.split(r"[与和、]", listing.title) for w in words(title_word)]
        named += [fold(w) for w, n in heads.items() if n >= 2 and len(w) >= 2]
        found.append({"w": sorted(set(named)), "n": [fold(listing.title)], "t": listing.title, "l": listing.location,
                      "x": f"全部 {len(kb.of_kind(kind))} 个"})
    # Pages that belong to records (training plans, cards): their folder's page, named by its title's
    # words and by what their titles say besides the record's name (培训方案, 工作法卡片).
    parts: dict[str, Counter[str]] = defaultdict(Counter)
    for location, role in roles.items():
        page = by_location.get(location)
        if role.role == PART and page is not None:
            record = kb.records(role.record.partition("/")[0])[role.record.partition("/")[2]]
            rest = re.sub(r"^[：:\s]+|[：:\s]+$", "", page.title.replace(record.name, ""))
            parts[location.split("/", 1)[0] + "/"][rest] += 1
    for location, rests in sorted(parts.items()):
        listing = by_location.get(location)
        if listing is not None:
            own = [fold(rest) for rest, n in rests.items() if n >= 2 and len(rest) >= 2]
            found.append({"w": sorted(set(words(listing.title) + own)), "n": [fold(listing.title), *own],
                          "t": listing.title, "l": location,
                          "x": f"{sum(rests.values())} 页"})
    return found


@dataclass(frozen=True)
class SiteInputs:
    """What the index derives from the data and OpenCC's tables: the same for every edition of a build."""

    entries: list[Entry]
    char_map: dict[str, str]
    fold: Callable[[str], str]
    roles: dict[str, Role]
    segment: Callable[[str], Iterable[str]]
    words: dict[str, str] = field(default_factory=dict)  # jieba's words found so far, by WordCache key
    lines: dict[str, str] = field(default_factory=dict)  # jieba's words of each folded line cut so far
    levels: dict[Path | None, dict[str, str]] = field(default_factory=dict)  # method_levels, by the pages' folder
    expansions: list[defaultdict[str, set[str]]] = field(default_factory=list)  # working_out_name_expansions' once done

    def line_words(self, line: str) -> list[str]:
        """jieba's words of one folded line (see :func:`page_words`). Pages share most of their lines
        (labels, the shared parts of a record's pages, the other edition's same line), so each line is
        cut once per build: jieba cuts a page line by line as it cuts the whole (a line end ends a word)."""
        words = self.lines.get(line)
        if words is None:
            words = self.lines[line] = " ".join(page_words("", line, self.segment))
        return words.split()

    @classmethod
    def of(cls, kb: KnowledgeBase) -> SiteInputs:
        entries = lexicon(kb)
        char_map = t2s_char_map()
        return cls(entries, char_map, make_fold(char_map), page_roles(kb), jieba_search_cut(entries))


_inputs: list[tuple[KnowledgeBase, SiteInputs]] = []  # the last knowledge base's inputs


def site_inputs(kb: KnowledgeBase) -> SiteInputs:
    """The :class:`SiteInputs` of ``kb``, made once for every edition's index of a build (a
    knowledge base that changed, as ``load_project`` loads it again, gets new ones)."""
    if not _inputs or _inputs[0][0] is not kb:
        _inputs[:] = [(kb, SiteInputs.of(kb))]
    return _inputs[0][1]


def build_site_index(pages: list[Page], kb: KnowledgeBase, cache_dir: Path | None = None, edition: str = "zh-Hans",
                     write: Callable[[str, str], None] | None = None, data_dir: Path | None = None,
                     convert: Callable[[str], str] = str) -> Index:
    """Everything :func:`build_index` needs, derived from the data and OpenCC's tables (once for
    all editions: :func:`site_inputs`); jieba's words kept in a :class:`WordCache` under
    ``cache_dir`` for ``edition`` (none without it), and shared with the other editions' indexes.
    ``data_dir``: where the synonyms are and (beside it, ``docs/``) the pages the substance levels
    read; ``convert`` turns the data's words into the edition's script (the pages already are)."""
    inputs = site_inputs(kb)
    cache = WordCache(word_cache_path(cache_dir, inputs.entries, edition) if cache_dir is not None else None, inputs.words)
    builder = site_index_builder(kb, data_dir)
    for page, weights in zip(pages, all_page_terms(pages, inputs.entries, inputs.fold, inputs.segment, cache), strict=True):
        builder.add(page, weights)
    return finish_site_index(builder, kb, cache, write, data_dir, convert)


def site_index_builder(kb: KnowledgeBase, data_dir: Path | None) -> IndexBuilder:
    """An :class:`IndexBuilder` of the site's pages: their roles from ``kb``, the synonyms from ``data_dir``."""
    inputs = site_inputs(kb)
    synonyms = load_synonyms(data_dir / SYNONYMS_FILE)[0] if data_dir is not None else []
    return IndexBuilder(inputs.fold, inputs.roles, synonyms)


def pages_folder(data_dir: Path | None) -> Path | None:
    """The site's ``docs/``, beside its data folder, if there is one."""
    docs_dir = data_dir.parent / "docs" if data_dir is not None else None
    return docs_dir if docs_dir is not None and docs_dir.is_dir() else None


def site_record_cards(kb: KnowledgeBase, data_dir: Path | None, convert: Callable[[str], str] = str) -> dict[str, Card]:
    """:func:`record_cards` of the site whose data are in ``data_dir``."""
    return record_cards(kb, method_levels(kb, pages_folder(data_dir)), convert)


def finish_site_index(builder: IndexBuilder, kb: KnowledgeBase, cache: WordCache,
                      write: Callable[[str, str], None] | None = None, data_dir: Path | None = None,
                      convert: Callable[[str], str] = str, cards: Mapping[str, Card] | None = None) -> Index:
    """The files of the index ``builder`` holds (see :func:`build_site_index`); the words found
    saved in ``cache`` and shared with the other editions' indexes. ``cards``: :func:`site_record_cards`
    when worked out already."""
    inputs = site_inputs(kb)
    offered = [{**found, "t": convert(str(found["t"])), "x": convert(str(found["x"]))}  # what readers see, in the edition's script
               for found in suggestions(kb, builder.pages, inputs.roles, inputs.fold,
                                        lambda text: cache.memo("cut", text, inputs.segment))]
    index = builder.finish(inputs.entries, inputs.char_map, offered, write,
                           lambda word: cache.memo("pinyin", word, pinyin_keys),
                           cards if cards is not None else site_record_cards(kb, data_dir, convert),
                           inputs.expansions[0] if inputs.expansions else None)
    cache.save()
    inputs.words.update(cache.used)
    return index


def file_writer(site: Path) -> Callable[[str, str], None]:
    """``write(name, text)`` for an index's files, into ``site/search/kb/``."""
    out = site / "search" / "kb"
    folders: set[Path] = set()

    def write_file(name: str, text: str) -> None:
        path = out / name
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_text(text, encoding="utf-8")

    return write_file


@dataclass(frozen=True)
class IndexReport:
    docs: int
    shards: int
    terms: int
    seconds: float

