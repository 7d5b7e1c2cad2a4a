"""Scale benchmark: a generated project of N methods, built and measured against plain Material.

    python -m scripts.bench --methods 1000 [--json data/benchmark.json] [--keep DIR]
    python -m scripts.bench --methods 1000 --generate-only DIR    # write the project, build nothing

The generated project is a copy of this one (mkdocs.yml, overrides/, kb_build/,
macros/, docs/, data/) whose records are multiplied: N methods with studios,
mentors and sites in today's proportion (39 : 21 : 20 : 16). Copy 0 is the real
data set; copy k gives every real record a twin ``<id>-k`` placed in another
real province and city, with its text fields recombined from real records of
the same kind, its references pointing into the same copy (studio, method,
mentor, site, related methods) and its page the real page's Markdown with its
links re-pointed. Generated person and place names get glossary entries so the
Traditional edition converts them as reviewed names.

:func:`generate` is pure (the real corpus in, file texts out); the rest writes
files and runs builds. A measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from macros.benchmark import table
from macros.config_file import read_mkdocs_config
from macros.editions import Converter
from macros.knowledge_base import load_or_raise
from macros.models import MODEL_BY_KIND
from macros.sitemap import PAGED_KINDS
from scripts.bench_editions import simplified_only_config

# Today's data: 39 methods, 21 studios, 20 mentors, 16 sites.
RATIO = {"methods": 39, "studios": 21, "mentors": 20, "sites": 16}
COPIED = ("mkdocs.yml", "overrides", "kb_build", "macros", "docs", "data", "licenses")

# Real provinces with real prefecture-level cities and districts; municipalities have no city level.
PLACES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("浙江省", "杭州市", ("西湖区", "拱墅区", "上城区")),
    ("浙江省", "宁波市", ("海曙区", "鄞州区")),
    ("江苏省", "南京市", ("鼓楼区", "玄武区", "秦淮区")),
    ("江苏省", "无锡市", ("梁溪区", "滨湖区")),
    ("广东省", "广州市", ("越秀区", "天河区", "海珠区")),
    ("广东省", "深圳市", ("福田区", "南山区", "罗湖区")),
    ("山东省", "济南市", ("历下区", "市中区")),
    ("山东省", "青岛市", ("市南区", "市北区", "崂山区")),
    ("四川省", "成都市", ("锦江区", "武侯区", "青羊区")),
    ("湖北省", "武汉市", ("江岸区", "武昌区", "洪山区")),
    ("湖南省", "长沙市", ("芙蓉区", "岳麓区", "天心区")),
    ("河南省", "郑州市", ("金水区", "二七区")),
    ("河北省", "石家庄市", ("长安区", "桥西区")),
    ("福建省", "厦门市", ("思明区", "湖里区")),
    ("安徽省", "合肥市", ("蜀山区", "包河区")),
    ("陕西省", "西安市", ("雁塔区", "碑林区", "莲湖区")),
    ("山西省", "太原市", ("小店区", "迎泽区")),
    ("吉林省", "长春市", ("朝阳区", "南关区")),
    ("黑龙江省", "哈尔滨市", ("南岗区", "道里区")),
    ("云南省", "昆明市", ("五华区", "盘龙区")),
    ("甘肃省", "兰州市", ("城关区", "七里河区")),
    ("广西壮族自治区", "南宁市", ("青秀区", "兴宁区")),
    ("内蒙古自治区", "呼和浩特市", ("新城区", "回民区")),
    ("新疆维吾尔自治区", "乌鲁木齐市", ("天山区", "沙依巴克区")),
    ("海南省", "海口市", ("龙华区", "美兰区")),
    ("天津市", None, ("和平区", "河西区", "南开区")),
    ("重庆市", None, ("渝中区", "江北区", "沙坪坝区")),
    ("上海市", None, ("黄浦区", "徐汇区", "静安区")),
    ("北京市", None, ("海淀区", "西城区", "丰台区")),
    ("辽宁省", "鞍山市", ("铁东区", "铁西区")),
    ("贵州省", "遵义市", ("红花岗区", "汇川区")),
    ("江西省", "九江市", ("浔阳区", "濂溪区")),
)
CHINESE_DIGITS = "〇一二三四五六七八九"
# Markdown links between record pages: ](x.md), ](../studios/x.md#anchor).
_PAGE_LINK = re.compile(r"\]\((?:\.\./(methods|studios)/)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md(#[^)\s]*)?\)")


@dataclass(frozen=True)
class Corpus:
    """The real project's records (as plain data, by kind, sorted by id), record pages and glossary."""

    records: dict[str, list[dict]]
    pages: dict[str, str]  # "methods/<id>.md" → Markdown
    glossary: dict[str, dict[str, str]]


def read_corpus(root: Path = ROOT) -> Corpus:
    kb = load_or_raise(root / "data")
    records = {kind: [kb.of_kind(kind)[key].model_dump(mode="json", exclude_defaults=True)
                      for key in sorted(kb.of_kind(kind))] for kind in MODEL_BY_KIND}
    pages = {f"{kind}/{path.name}": path.read_text(encoding="utf-8")
             for kind in PAGED_KINDS for path in sorted((root / "docs" / kind).glob("*.md")) if path.stem != "index"}
    glossary = yaml.safe_load((root / "data" / "glossary.yml").read_text(encoding="utf-8"))
    return Corpus(records, pages, glossary)


def counts(methods: int) -> dict[str, int]:
    """Records of each kind for ``methods`` methods, in today's proportion."""
    return {kind: max(1, round(methods * share / RATIO["methods"])) for kind, share in RATIO.items()}


def ordinal(number: int) -> str:
    """Chinese digits of a copy number, e.g. 12 → 一二 (used in names: 杭州三步调解法（一二）)."""
    return "".join(CHINESE_DIGITS[int(digit)] for digit in str(number))


class _Copies:
    """Which record ids exist in the generated set: real id ``x`` in copy ``c`` is ``x`` (c = 0) or ``x-c``."""

    def __init__(self, corpus: Corpus, wanted: dict[str, int]) -> None:
        self.real = {kind: [record["id"] for record in corpus.records[kind]] for kind in RATIO}
        self.position = {kind: {rid: i for i, rid in enumerate(ids)} for kind, ids in self.real.items()}
        self.wanted = wanted

    @staticmethod
    def id_of(real_id: str, copy: int) -> str:
        return real_id if copy == 0 else f"{real_id}-{copy}"

    def copies_of(self, kind: str, real_id: str) -> int:
        size = len(self.real[kind])
        return max(0, math.ceil((self.wanted[kind] - self.position[kind][real_id]) / size))

    def ref(self, kind: str, real_id: str, copy: int) -> str | None:
        """The twin of ``real_id`` in ``copy``, or in a lower copy where that one was not generated."""
        if real_id not in self.position[kind]:
            return None
        available = self.copies_of(kind, real_id)
        return self.id_of(real_id, copy % available) if available else None

    def records(self, kind: str) -> list[tuple[int, str]]:
        """(copy, real id) for each generated record of ``kind``, in order."""
        size = len(self.real[kind])
        return [(i // size, self.real[kind][i % size]) for i in range(self.wanted[kind])]


def _person_names(corpus: Corpus, needed: int, rng: random.Random) -> list[tuple[str, str]]:
    """``needed`` new person names (Simplified, Traditional), recombined from the real names' characters."""
    reviewed = corpus.glossary.get("人名", {})
    char_map = {s: t for simplified, traditional in reviewed.items() for s, t in zip(simplified, traditional, strict=False)}
    real = {record["name"] for record in corpus.records["mentors"]}
    surnames = sorted({name[0] for name in real})
    given = sorted({char for name in real for char in name[1:]})
    pool = [s + g for s in surnames for g in given] + [s + a + b for s in surnames for a in given for b in given if a != b]
    rng.shuffle(pool)
    names = [name for name in pool if name not in real and name not in reviewed][:needed]
    if len(names) < needed:
        raise ValueError(f"人名组合不够：需要 {needed} 个，只有 {len(names)} 个")
    return [(name, "".join(char_map.get(char, char) for char in name)) for name in names]


def _region(place: tuple[str, str | None, tuple[str, ...]], template: dict | None, rng: random.Random) -> dict:
    """A real province and city for a copied record, at the level of detail the template had."""
    if not template:
        return {}
    province, city, districts = place
    region = {"province": province}
    if city:
        region["city"] = city
    if template.get("district") or template.get("street") or template.get("community") or not city:
        region["district"] = rng.choice(districts)
    return region


def _short_place(place: tuple[str, str | None, tuple[str, ...]]) -> str:
    province, city, _ = place
    return (city or province).removesuffix("市")


# Free text fields per kind, recombined from real records of the same kind in every copy after the first.
TEXT_FIELDS = {
    "methods": ("summary", "roles", "steps", "results", "themes"),
    "studios": ("summary", "team", "structure", "founded", "figures"),
    "mentors": ("summary", "role", "community", "years_of_service", "mentees"),
    "sites": ("summary", "shows", "opened"),
}


def _record(kind: str, template: dict, copy: int, copies: _Copies, corpus: Corpus, rng: random.Random,
            place: tuple[str, str | None, tuple[str, ...]], person: tuple[str, str] | None) -> dict:
    """The twin of ``template`` in ``copy`` (copy 0 is the real record itself)."""
    if copy == 0:
        return dict(template)
    record = dict(template)
    record["id"] = copies.id_of(template["id"], copy)
    # The twin's fields are recombined from other records: its original's quotes would name fields it no longer has.
    record.pop("evidence", None)
    place_round = (copy - 1) // len(PLACES) + 1  # names repeat their place after len(PLACES) copies
    round_suffix = f"（{ordinal(place_round)}）" if place_round > 1 else ""
    prefix = _short_place(place)
    for field_name in TEXT_FIELDS[kind]:
        donor = rng.choice(corpus.records[kind])
        if field_name in donor and rng.random() < 0.5:
            record[field_name] = donor[field_name]
    if kind == "mentors":
        assert person is not None
        record["name"] = person[0]
        if rng.random() < 0.3:
            record["aliases"] = [f"{person[0][0]}书记"]
        if "years_of_service" not in record and rng.random() < 0.3:
            record["years_of_service"] = rng.randint(3, 35)
        if "mentees" not in record and rng.random() < 0.3:
            record["mentees"] = rng.randint(5, 200)
        record["studios"] = [r for r in (copies.ref("studios", s, copy) for s in record.get("studios", [])) if r]
    else:
        record["name"] = prefix + template["name"] + round_suffix
        if record.get("aliases"):
            record["aliases"] = [prefix + alias + round_suffix for alias in record["aliases"]]
    if kind == "methods":
        origin = dict(record.get("origin", {}))
        if origin.get("studio"):
            origin["studio"] = copies.ref("studios", origin["studio"], copy)
        if origin.get("founder"):
            origin["founder"] = copies.ref("mentors", origin["founder"], copy)
        if "region" in origin:
            origin["region"] = _region(place, origin["region"], rng)
        record["origin"] = {key: value for key, value in origin.items() if value}
        record["related"] = [r for r in (copies.ref("methods", m, copy) for m in record.get("related", [])) if r != record["id"] and r]
        if "year" not in record and rng.random() < 0.3:
            record["year"] = rng.randint(2012, 2024)
    if kind == "studios":
        if record.get("leader"):
            record["leader"] = copies.ref("mentors", record["leader"], copy)
        record["methods"] = [r for r in (copies.ref("methods", m, copy) for m in record.get("methods", [])) if r]
        record["sites"] = [r for r in (copies.ref("sites", s, copy) for s in record.get("sites", [])) if r]
    if kind == "sites":
        if record.get("studio"):
            record["studio"] = copies.ref("studios", record["studio"], copy)
        if "designation" not in record and rng.random() < 0.2:
            record["designation"] = f"{prefix}社区治理教学示范点"
    if "region" in record:
        record["region"] = _region(place, record["region"], rng)
    return {key: value for key, value in record.items() if value not in (None, [], {})}


def _page(markdown: str, kind: str, copy: int, copies: _Copies) -> str:
    """A record page of ``copy``: the real page with its links to record pages re-pointed into the copy."""

    def repoint(match: re.Match[str]) -> str:
        target_kind = match.group(1) or kind
        target = copies.ref(target_kind, match.group(2), copy)
        if target is None:
            return match.group(0)
        folder = f"../{match.group(1)}/" if match.group(1) else ""
        return f"]({folder}{target}.md{match.group(3) or ''})"

    return _PAGE_LINK.sub(repoint, markdown)


def _yaml(kind: str, record: dict) -> str:
    header = f"# yaml-language-server: $schema=../schema/{MODEL_BY_KIND[kind].__name__.lower()}.json\n"
    return header + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=10_000)


def generate(corpus: Corpus, methods: int, *, seed: int = 0, page_fraction: float = 1.0,
             converter: Converter | None = None) -> dict[str, str]:
    """The files of a project with ``methods`` methods: path (relative to the project) → text.

    Holds every record file under ``data/<kind>/``, the record pages under
    ``docs/methods/`` and ``docs/studios/`` (the real pages for copy 0; for
    ``page_fraction`` of the others, spread evenly) and ``data/glossary.yml``.
    ``converter`` gives the Traditional form of generated place names (OpenCC
    s2tw when omitted).
    """
    if methods < RATIO["methods"]:
        raise ValueError(f"--methods 至少为 {RATIO['methods']}（真实数据的工作法数），实际是 {methods}")
    if not 0.0 <= page_fraction <= 1.0:
        raise ValueError(f"page_fraction 应在 0 到 1 之间，实际是 {page_fraction}")
    rng = random.Random(seed)
    wanted = counts(methods)
    copies = _Copies(corpus, wanted)
    by_id = {kind: {record["id"]: record for record in corpus.records[kind]} for kind in RATIO}
    people = iter(_person_names(corpus, wanted["mentors"], rng))
    places: dict[int, tuple[str, str | None, tuple[str, ...]]] = {}
    files: dict[str, str] = {}
    new_people: dict[str, str] = {}
    for kind in RATIO:
        for number, (copy, real_id) in enumerate(copies.records(kind)):
            place = places.setdefault(copy, PLACES[(copy - 1) % len(PLACES)])
            person = next(people) if kind == "mentors" and copy > 0 else None
            if person:
                new_people[person[0]] = person[1]
            record = _record(kind, by_id[kind][real_id], copy, copies, corpus, rng, place, person)
            files[f"data/{kind}/{record['id']}.yml"] = _yaml(kind, record)
            page = corpus.pages.get(f"{kind}/{real_id}.md")
            spread = math.floor((number + 1) * page_fraction) > math.floor(number * page_fraction)
            if page is not None and copy > 0 and spread:
                files[f"docs/{kind}/{record['id']}.md"] = _page(page, kind, copy, copies)
    used_places = {part for copy in places if copy > 0 for part in _place_names(places[copy])}
    files["data/glossary.yml"] = _glossary(corpus.glossary, new_people, used_places, converter or Converter("s2tw"))
    return files


def _place_names(place: tuple[str, str | None, tuple[str, ...]]) -> list[str]:
    province, city, districts = place
    return [province, *([city] if city else []), *districts]


def _glossary(real: dict[str, dict[str, str]], people: dict[str, str], places: set[str], converter: Converter) -> str:
    groups = {group: dict(entries or {}) for group, entries in real.items()}
    known = {name for entries in groups.values() for name in entries}
    groups.setdefault("人名", {}).update({name: form for name, form in people.items() if name not in known})
    for place in sorted(places - known):
        traditional = converter.convert(place)
        if len(traditional) == len(place):
            groups.setdefault("地名", {})[place] = traditional
    return "# 生成的基准测试项目的词表：真实词表加上生成的人名与地名。\n" + yaml.safe_dump(
        groups, allow_unicode=True, sort_keys=False, width=10_000)


def write_project(files: dict[str, str], dest: Path, root: Path = ROOT) -> Path:
    """Copy the project's build inputs from ``root`` into ``dest`` and lay ``files`` over them."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".cache"))
        else:
            shutil.copy2(source, dest / name)
    # The installed front-end packages (the web editor's bundle) are used where they are, not copied.
    if (root / "node_modules").is_dir() and not (dest / "node_modules").exists():
        (dest / "node_modules").symlink_to(root / "node_modules", target_is_directory=True)
    for path, text in files.items():
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return dest


def generate_project(methods: int, dest: Path, *, seed: int = 0, page_fraction: float = 1.0) -> Path:
    return write_project(generate(read_corpus(), methods, seed=seed, page_fraction=page_fraction), dest)


# --------------------------------------------------------------------------
# Measuring: builds of the generated project and of its Markdown by plain Material.
# --------------------------------------------------------------------------
# kb_build/editions.py's line on the converted edition (its time), read from the build's log.
CONVERSION_LOG = re.compile(r"版本 (?P<lang>[\w-]+)：由构建结果转换.*用时 (?P<seconds>[\d.]+) 秒")
DUMP_HOOK = """\"\"\"Bench only: writes each page's final Markdown (after the macros and every stage) to $KB_BENCH_DUMP.\"\"\"

import os
from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(-1000)
def on_page_markdown(markdown, page, **kwargs):
    folder = os.environ.get("KB_BENCH_DUMP")
    if folder:
        target = Path(folder) / page.file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    return markdown
"""


@dataclass
class Run:
    """One `mkdocs build` process: wall time, CPU time (its own and its workers', which stays
    comparable when other work shares the machine) and its peak resident memory."""

    seconds: float
    peak_mb: float
    cpu_seconds: float


def _start(project: Path, config: str, dest: Path, env: dict[str, str], quiet: bool = True) -> subprocess.Popen:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", *(["-q"] if quiet else []), "-f", str(project / config),
               "-d", str(dest)]
    return subprocess.Popen(command, cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(process: subprocess.Popen, started: float, what: str, log: list[str] | None = None) -> Run:
    output = process.stdout.read() if process.stdout else ""
    if log is not None:
        log.append(output)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak memory, not the session's
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"构建失败：{what}\n{output[-4000:]}")
    return Run(time.perf_counter() - started, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def build(project: Path, config: str, dest: Path, env: dict[str, str] | None = None) -> Run:
    started = time.perf_counter()
    return _finish(_start(project, config, dest, env or {}), started, config)


def build_both_editions(project: Path, dest: Path) -> tuple[Run, float]:
    """The one build that makes both editions, as `make build` runs it: (the build, seconds it took
    after its last page was written: the rest of the Traditional edition and both search indexes,
    from kb_build/editions.py's log; the pages were converted beside the build)."""
    started = time.perf_counter()
    output: list[str] = []
    run = _finish(_start(project, "mkdocs.yml", dest, {}, quiet=False), started, "mkdocs.yml", output)
    found = CONVERSION_LOG.search(output[0])
    if not found:
        raise RuntimeError("构建日志里没有繁体版的转换记录（kb_build/editions.py）")
    return run, float(found.group("seconds"))


def plain_project(project: Path, markdown: Path, dest: Path) -> Path:
    """A project of plain Material with its own search over the dumped Markdown: the same theme
    settings, Markdown extensions and nav; no macros, hooks or other plugins."""
    config = read_mkdocs_config(project)
    plain = {key: config[key] for key in ("site_name", "markdown_extensions", "nav", "extra_css") if key in config}
    plain["site_url"] = "https://example.invalid/kb/"
    plain["theme"] = {key: value for key, value in config["theme"].items() if key != "custom_dir"}
    plain["plugins"] = [{"search": {"lang": "zh"}}]
    plain["docs_dir"] = str(markdown)
    for static in (project / "docs").rglob("*"):
        if static.is_file() and static.suffix != ".md":
            target = markdown / static.relative_to(project / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(static, target)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "mkdocs.yml").write_text(json.dumps(plain, ensure_ascii=False, indent=1), encoding="utf-8")
    return dest


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


def _is_redirect_stub(path: Path) -> bool:
    return path.stat().st_size < 4096 and b'http-equiv="refresh"' in path.read_bytes()


def site_figures(site: Path, record_page: str) -> dict:
    """Pages, bytes, search index and page weights of one built edition (its own folder only)."""
    files = [p for p in site.rglob("*") if p.is_file() and not p.relative_to(site).as_posix().startswith("zh-Hant/")]
    pages = [p for p in files if p.suffix == ".html" and not p.relative_to(site).as_posix().startswith("assets/")
             and not _is_redirect_stub(p)]
    weights = {p.relative_to(site).as_posix(): _gzip_size(p.read_bytes()) for p in pages}
    largest = max(weights, key=weights.__getitem__)
    search = [p for p in files if p.relative_to(site).as_posix().startswith("search/")]
    record = f"{record_page}index.html"
    return {
        "pages": len(pages),
        "site_bytes": sum(p.stat().st_size for p in files),
        "search_index_bytes": sum(p.stat().st_size for p in search),
        "search_index_bytes_gzip": sum(_gzip_size(p.read_bytes()) for p in search),
        "largest_page": largest,
        "largest_page_bytes_gzip": weights[largest],
        "record_page": record,
        "page_bytes_gzip": weights.get(record, 0),
    }


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def machine() -> dict:
    """What the figures were measured on."""
    info = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    meminfo = Path("/proc/meminfo").read_text().splitlines() if Path("/proc/meminfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in meminfo if line.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def prepare(project: Path) -> None:
    """Add the Markdown dump hook (a MkDocs hook: it runs after every plugin), and a git history of
    one commit so that page dates and cite-version links cost what they cost in a checkout."""
    (project / "bench_dump.py").write_text(DUMP_HOOK, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - bench_dump.py\n", encoding="utf-8")
    git = ["git", "-C", str(project), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "generated"]):
        subprocess.run([*git, *args], check=True)


def measure(methods: int, work: Path, *, seed: int = 0, page_fraction: float = 1.0, both_only: bool = False,
            log=print, on_result=None) -> dict:
    """Build the generated project: both editions in one build with cold caches (as a fresh checkout
    builds), then, unless ``both_only``, the Simplified edition alone with the cache warm (as a
    developer rebuilds) and its Markdown built by plain Material; the ratio compares those two."""
    project = generate_project(methods, work / "project", seed=seed, page_fraction=page_fraction)
    prepare(project)
    dump = work / "markdown"
    record = "methods/sanbu-tiaojie/"
    load: dict[str, list[float]] = {"both": _load_average()}

    log(f"[{methods}] 一次构建两个版本（缓存为空）……（负载 {load['both']}）")
    whole, conversion = build_both_editions(project, work / "both")
    # One build makes both: its memory and CPU are the whole's; its time splits where the last page is written.
    editions = {lang: {"build_seconds": round(seconds, 2), "cpu_seconds": round(whole.cpu_seconds, 2),
                       "peak_memory_mb": round(whole.peak_mb), **site_figures(folder, record)}
                for lang, seconds, folder in (("zh-Hans", whole.seconds - conversion, work / "both"),
                                              ("zh-Hant", conversion, work / "both" / "zh-Hant"))}
    log(f"[{methods}] 两版 {whole.seconds:.1f} s，{whole.peak_mb:.0f} MB，每版 {editions['zh-Hans']['pages']} 页")
    simplified = plain = None

    def summary() -> dict:
        hans = editions["zh-Hans"]
        return {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "methods": methods,
            "records": counts(methods),
            "page_fraction": page_fraction,
            "pages": hans["pages"],
            "build_seconds": round(whole.seconds, 2),
            "peak_memory_mb": round(whole.peak_mb),
            "pages_per_second": round(hans["pages"] / hans["build_seconds"], 1),
            "simplified_build_seconds": round(simplified.seconds, 2) if simplified else None,
            "simplified_peak_memory_mb": round(simplified.peak_mb) if simplified else None,
            "plain_build_seconds": round(plain.seconds, 2) if plain else None,
            "plain_peak_memory_mb": round(plain.peak_mb) if plain else None,
            "overhead_ratio": round(simplified.seconds / plain.seconds, 2) if simplified and plain else None,
            # Both editions (one build, caches cold) against one edition: ours alone, and plain Material.
            "editions_ratio": round(whole.seconds / simplified.seconds, 2) if simplified else None,
            "editions_plain_ratio": round(whole.seconds / plain.seconds, 2) if plain else None,
            "build_cpu_seconds": round(whole.cpu_seconds, 2),
            "simplified_cpu_seconds": round(simplified.cpu_seconds, 2) if simplified else None,
            "plain_cpu_seconds": round(plain.cpu_seconds, 2) if plain else None,
            "overhead_ratio_cpu": round(simplified.cpu_seconds / plain.cpu_seconds, 2) if simplified and plain else None,
            "site_bytes": hans["site_bytes"],
            "search_index_bytes": hans["search_index_bytes"],
            "search_index_bytes_gzip": hans["search_index_bytes_gzip"],
            "page_bytes_gzip": hans["page_bytes_gzip"],
            "record_page": hans["record_page"],
            "largest_page": hans["largest_page"],
            "largest_page_bytes_gzip": hans["largest_page_bytes_gzip"],
            "editions": editions,
            "load_average": {**load, "after": _load_average()},
        }

    if on_result:  # a long run that is stopped later still leaves the figures of both editions
        on_result(summary())
    if not both_only:
        load["simplified"] = _load_average()
        log(f"[{methods}] 简体版单独构建（缓存已有）……（负载 {load['simplified']}）")
        with simplified_only_config(project) as config:
            simplified = build(project, config, work / "alone", {"KB_BENCH_DUMP": str(dump)})
        log(f"[{methods}] 简体版 {simplified.seconds:.1f} s，{simplified.peak_mb:.0f} MB")
        load["plain"] = _load_average()
        log(f"[{methods}] 同一 Markdown 用原样 Material 构建……（负载 {load['plain']}）")
        plain = build(plain_project(project, dump, work / "plain"), "mkdocs.yml", work / "plain-site")
        log(f"[{methods}] 原样 Material {plain.seconds:.1f} s，{plain.peak_mb:.0f} MB")
    results = summary()
    if on_result:
        on_result(results)
    return results


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_rebuild(project: Path, page: str, *, dirty: bool = False, limit: float = 1800,
                  log=print) -> dict:
    """`mkdocs serve` of ``project``: seconds to the first served page, then from an edit of
    ``docs/<page>`` until the served page shows it. The server is stopped afterwards."""
    import urllib.request

    config = read_mkdocs_config(project)
    base = "/" + (config.get("site_url") or "").split("://", 1)[-1].partition("/")[2]
    port = _free_port()
    url = f"http://127.0.0.1:{port}{base}{page.removesuffix('.md')}/"
    command = [sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])]
    output = (project.parent / f"serve-{port}.log").open("w", encoding="utf-8")
    live_edit = {"KB_LIVE_EDIT": "true"} if dirty else {}  # as `make serve` runs it (kb_build/live_edit.py)
    server = subprocess.Popen(command, cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **live_edit},
                              stdout=output, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_for(marker: str, started: float) -> float:
        while time.perf_counter() - started < limit:
            if server.poll() is not None:
                raise RuntimeError(f"mkdocs serve 退出了，见 {output.name}")
            try:
                with urllib.request.urlopen(url, timeout=10) as response:  # our own local server
                    if marker in response.read().decode("utf-8"):
                        return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{limit:.0f} 秒内没有等到 {url}")

    try:
        started = time.perf_counter()
        first = wait_for("</html>", started)
        log(f"首次构建并提供：{first:.1f} s")
        source = project / "docs" / page
        marker = f"编辑于{time.time_ns()}"
        started = time.perf_counter()
        source.write_text(source.read_text(encoding="utf-8") + f"\n\n{marker}\n", encoding="utf-8")
        rebuild = wait_for(marker, started)
        log(f"修改一页后到页面更新：{rebuild:.1f} s")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
        output.close()
    return {"first_serve_seconds": round(first, 1), "rebuild_seconds": round(rebuild, 1), "dirty": dirty,
            "page": page, "load_average": _load_average()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description="规模基准：生成 N 个工作法的项目并测量构建")
    parser.add_argument("--methods", type=int, required=True, help="工作法数量（工作室、导师、示范点按现有比例）")
    parser.add_argument("--json", type=Path, metavar="PATH", help="把结果写成一个 JSON 对象")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="把生成的项目和构建结果留在 DIR（默认用完即删）")
    parser.add_argument("--generate-only", type=Path, metavar="DIR", help="只把生成的项目写到 DIR，不构建")
    parser.add_argument("--page-fraction", type=float, default=1.0, help="有 Markdown 页面的工作法与工作室比例（默认全部）")
    parser.add_argument("--both-only", action="store_true", help="只测两版的一次构建（不单独构建简体版，不比较原样 Material）")
    parser.add_argument("--serve-edit", metavar="PAGE", help="改为测量 mkdocs serve：修改 docs/PAGE 后多久看到新页面")
    parser.add_argument("--dirty", action="store_true", help="与 --serve-edit 同用：像 make serve 那样 mkdocs serve --dirty 加 KB_LIVE_EDIT=true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        if args.generate_only:
            generate_project(args.methods, args.generate_only, seed=args.seed, page_fraction=args.page_fraction)
            print(f"已生成 {args.generate_only}：" + "，".join(f"{k} {v}" for k, v in counts(args.methods).items()))
            return 0
        work = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
        if args.serve_edit:
            try:
                project = generate_project(args.methods, work / "project", seed=args.seed, page_fraction=args.page_fraction)
                prepare(project)
                result = serve_rebuild(project, args.serve_edit, dirty=args.dirty,
                                       log=lambda line: print(line, file=sys.stderr, flush=True))
            finally:
                if not args.keep:
                    shutil.rmtree(work, ignore_errors=True)
            print(json.dumps(result, ensure_ascii=False))
            return 0
        try:
            results = measure(args.methods, work, seed=args.seed, page_fraction=args.page_fraction,
                              both_only=args.both_only, log=lambda line: print(line, file=sys.stderr, flush=True),
                              on_result=(lambda found: write_json(args.json, found)) if args.json else None)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    except (ValueError, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 1
    print(table([results]))
    return 0


def write_json(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
