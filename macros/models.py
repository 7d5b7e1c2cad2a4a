"""Data models of the knowledge base: one definition per kind of record.

The validator, the macros and the JSON Schema for editors all read these
classes; a field's Chinese ``title`` is what error messages and editors show.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import re
import stat
import typing
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from . import hygiene
from .handout import SHORT_PREFIX

TODAY = dt.date.today()
# The first year any record can name. The records are about the community Party work of the
# People's Republic: the first residents' committee (杭州上羊市街) dates from 1949 and no
# method, studio, site or article here can be older. An earlier year is a typo (`founded: "0001"`
# once drew a timeline 113,312 px wide), so it is refused rather than drawn.
FIRST_YEAR = 1949
# The largest number a record may hold: figures are counts (the largest today is 5000); a bigger
# one is written with a unit such as 万 or 亿. Infinity and NaN are never a figure.
MAX_NUMBER = 10**9

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SOURCE_FILE_PATTERN = r"^\d{3}_[0-9a-f]{16}\.txt$"

# The closed list of themes keeps tags consistent across editors; add one here.
THEMES: tuple[str, ...] = (
    "党建引领",
    "社区治理",
    "物业管理",
    "矛盾调解",
    "养老服务",
    "为民服务",
    "队伍培养",
    "资源整合",
    "议事协商",
    "志愿服务",
    "品牌建设",
    "一老一小",
    "新就业群体",
)
Theme = Literal[THEMES]  # type: ignore[valid-type]


def _check_partial_date(value: str) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD that name a real day not in the future."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        raise PydanticCustomError(
            "date_format", "日期应写成 2022、2022-06 或 2022-06-18（2022年6月18日、2022.6 这类写法也可以），实际是“{value}”",
            {"value": value}
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        earliest = dt.date(year, month or 1, day or 1)
    except ValueError:
        raise PydanticCustomError("date_impossible", "日期“{value}”不存在", {"value": value}) from None
    if earliest > TODAY:
        raise PydanticCustomError("date_future", "日期“{value}”在未来", {"value": value})
    if earliest.year < FIRST_YEAR:
        raise PydanticCustomError("date_too_early", "日期“{value}”早于 {first} 年，不可能（多半是笔误）",
                                  {"value": value, "first": FIRST_YEAR})
    return value


def _check_year(value: int) -> int:
    if value < FIRST_YEAR:
        raise PydanticCustomError("year_too_early", "年份 {value} 早于 {first} 年，不可能", {"value": value, "first": FIRST_YEAR})
    if value > TODAY.year:
        raise PydanticCustomError("year_future", "年份 {value} 在未来", {"value": value})
    return value


# The ways editors write dates: 2022年6月1日, 2022.6.1, 2022/6/1, 2022-6-1, 2022年6月, 2022.6, 2022年.
_CHINESE_DATE = re.compile(r"(\d{4})\s*(?:年|[.\-/])?\s*(?:(\d{1,2})\s*(?:月|[.\-/])?\s*(?:(\d{1,2})\s*日?)?)?")


def _date_as_text(value: object) -> object:
    """A date in any common written form → ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    # `founded: 2023` is how editors write a bare year; YAML reads it as a number.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        match = _CHINESE_DATE.fullmatch(value.strip())
        if match:
            year, month, day = match.groups()
            return "-".join([year, *(f"{int(part):02d}" for part in (month, day) if part)])
    return value


def _year_from_text(value: object) -> object:
    """``year: 2021年`` reads as the year 2021."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{4})\s*年?\s*", value)
        return int(match.group(1)) if match else value
    return value


PartialDate = Annotated[str, BeforeValidator(_date_as_text), AfterValidator(_check_partial_date)]
Year = Annotated[int, BeforeValidator(_year_from_text), AfterValidator(_check_year)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Text = Annotated[str, Field(min_length=1)]
Url = Annotated[str, Field(pattern=r"^https?://[^\s/$.?#][^\s]*$")]


class Strict(BaseModel):
    """Unknown fields are errors, so a typo never silently drops a fact."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Region(Strict):
    province: str | None = Field(None, title="省（自治区、直辖市）")
    city: str | None = Field(None, title="市")
    district: str | None = Field(None, title="区县")
    street: str | None = Field(None, title="街道（乡镇）")
    community: str | None = Field(None, title="社区（村）")

    def parts(self) -> list[str]:
        return [p for p in (self.province, self.city, self.district, self.street, self.community) if p]


class Figure(Strict):
    """A number the source reports, e.g. 推动解决民生问题 500余 件."""

    label: Text = Field(title="统计内容", description="这个数字数的是什么")
    value: float = Field(title="数值", ge=0, le=MAX_NUMBER, allow_inf_nan=False)
    unit: str = Field("", title="单位")
    qualifier: Literal["", "余", "多", "以上", "近", "约", "超过"] = Field("", title="限定词")
    as_of: PartialDate | None = Field(None, title="统计时间")
    source: Slug = Field(title="来源", description="sources 中的来源 id")


class Step(Strict):
    name: Text = Field(title="步骤名称")
    detail: str | None = Field(None, title="步骤说明")


class Origin(Strict):
    studio: Slug | None = Field(None, title="来源工作室", description="studios 中的 id")
    founder: Slug | None = Field(None, title="提出者", description="mentors 中的 id")
    community: str | None = Field(None, title="社区或单位")
    region: Region = Field(default_factory=Region, title="地区")


class Record(Strict):
    kind: ClassVar[str]
    label: ClassVar[str]

    id: Slug = Field(title="编号", description="与文件名相同的英文短名，发布后不再改变")
    name: Text = Field(title="名称", examples=["三步调解法"])
    aliases: list[Text] = Field(default_factory=list, title="别名", description="简称或其他写法，便于搜索")
    summary: Text = Field(title="一句话概括", description="显示在页面标题下方、列表卡片和搜索结果里，用自己的话写一句",
                          examples=["社区书记调解居民纠纷时先听、再讲政策、后联动解决的三个环节。"])
    sources: list[Slug] = Field(min_length=1, title="来源", description="sources 中的来源 id，至少一个",
                                examples=[["hongyan-report"]])


class Method(Record):
    kind: ClassVar[str] = "methods"
    label: ClassVar[str] = "工作法"

    origin: Origin = Field(default_factory=Origin, title="出处")
    year: Year | None = Field(None, title="首次报道年份")
    themes: list[Theme] = Field(default_factory=list, title="主题")
    steps: list[Step] = Field(default_factory=list, title="步骤")
    roles: list[Text] = Field(default_factory=list, title="参与角色")
    results: list[Figure] = Field(default_factory=list, title="成效数字")
    related: list[Slug] = Field(default_factory=list, title="相关工作法", description="methods 中的 id")


class Studio(Record):
    kind: ClassVar[str] = "studios"
    label: ClassVar[str] = "工作室与项目"

    type: Literal["社区书记工作室", "培训项目", "党建联合体", "服务品牌", "帮带机制"] = Field(title="类型")
    region: Region = Field(default_factory=Region, title="地区")
    founded: PartialDate | None = Field(None, title="成立时间")
    leader: Slug | None = Field(None, title="负责人", description="mentors 中的 id")
    team: str | None = Field(None, title="团队")
    structure: str | None = Field(None, title="组织结构")
    methods: list[Slug] = Field(default_factory=list, title="工作法", description="methods 中的 id")
    figures: list[Figure] = Field(default_factory=list, title="数字")
    sites: list[Slug] = Field(default_factory=list, title="阵地", description="sites 中的 id")


class Mentor(Record):
    kind: ClassVar[str] = "mentors"
    label: ClassVar[str] = "书记与导师"

    role: Text = Field(title="职务", examples=["社区党委书记"])
    community: str | None = Field(None, title="社区或单位")
    region: Region = Field(default_factory=Region, title="地区")
    years_of_service: int | None = Field(None, ge=0, le=70, title="从事社区工作年数")
    studios: list[Slug] = Field(default_factory=list, title="所属工作室", description="studios 中的 id")
    mentees: int | None = Field(None, ge=0, le=MAX_NUMBER, title="带教人数")


class Site(Record):
    kind: ClassVar[str] = "sites"
    label: ClassVar[str] = "示范点与阵地"

    type: Literal["示范点", "教学点", "实训基地", "服务阵地", "驿站"] = Field(title="类型")
    region: Region = Field(default_factory=Region, title="地区")
    studio: Slug | None = Field(None, title="所属工作室", description="studios 中的 id", examples=["hongyan-jiayouzhan"])
    shows: str | None = Field(None, title="可以看到什么")
    opened: PartialDate | None = Field(None, title="启用时间")
    designation: str | None = Field(None, title="命名", description="例如某机构命名的教学示范点")


class Source(Strict):
    """A published article, as an editor cites it; records cite it by id.

    The project's own copy of the text (``file``, in the shared sources folder) is
    optional: a reader must be able to find the article by its address or its file.
    """

    kind: ClassVar[str] = "sources"
    label: ClassVar[str] = "来源"

    id: Slug = Field(title="编号")
    title: Text = Field(title="标题", examples=["北京市朝阳区“社区书记工作室”破解社区治理“五难”"])
    publication: str | None = Field(None, title="刊载媒体", examples=["中国社会报"])
    author: str | None = Field(None, title="作者或记者")
    date: PartialDate | None = Field(None, title="日期", description="可以只写年或年月", examples=["2021-07-22"])
    url: Url | None = Field(None, title="原文链接", examples=["https://example.org/news/123.html"])
    archive_url: Url | None = Field(None, title="存档链接", description="原文网页的存档副本，原链接失效时使用")
    file: Annotated[str, Field(pattern=SOURCE_FILE_PATTERN)] | None = Field(
        None, title="来源文件", description="项目来源目录中的原文文件名（可选）")
    script: Literal["简体", "繁体"] | None = Field(None, title="原文字体")

    @model_validator(mode="after")
    def _findable(self) -> Source:
        if not (self.url or self.file):
            raise PydanticCustomError(
                "source_unfindable",
                "读者要能找到原文：请填写“url”（原文链接），例：url: https://example.org/news/123.html；"
                "项目来源目录里有原文时也可以填写“file”（来源文件）",
            )
        return self


RECORD_TYPES: tuple[type[Strict], ...] = (Method, Studio, Mentor, Site, Source)
MODEL_BY_KIND: dict[str, type[Strict]] = {model.kind: model for model in RECORD_TYPES}  # type: ignore[attr-defined]

# Which field refers to which kind: checked by the loader, used for back-links.
REFERENCES: dict[type[Strict], dict[str, str]] = {
    Method: {"origin.studio": "studios", "origin.founder": "mentors", "related": "methods", "results.source": "sources"},
    Studio: {"leader": "mentors", "methods": "methods", "sites": "sites", "figures.source": "sources"},
    Mentor: {"studios": "studios"},
    Site: {"studio": "studios"},
}


# --------------------------------------------------------------------------
# Loading: YAML files in, typed records or a list of problems out.
# --------------------------------------------------------------------------
Loc = tuple[str | int, ...]

# --------------------------------------------------------------------------
# Limits and refused input. A record or page comes from a stranger's pull
# request and a reviewer reads the diff, not the built page; so everything a
# file can make the build do is bounded here, each limit far above what real
# records use (today's largest in the comments) and far below what could hang
# the build, exhaust its memory, swell the search index or draw a page wider
# than a phone. Every limit is reported in Chinese with what to do instead.
# --------------------------------------------------------------------------
MAX_RECORD_BYTES = 64 * 1024  # a record file; the largest today is 1.9 KB
MAX_PAGE_BYTES = 256 * 1024  # a page under docs/; the largest today is 2.5 KB
MAX_DEPTH = 8  # nesting of lists and mappings; records nest 3 deep (origin.region.province)
MAX_LIST_ITEMS = 50  # items in one list; the longest today has 6
MAX_SHORT_TEXT = 100  # names, titles, labels and ids, in characters; the longest today is 55
MAX_LONG_TEXT = 1000  # summaries, step details and descriptions; the longest today is 81
MAX_URL = 2000  # a source's address
MAX_NUMBER_CHARS = 20  # characters of a number as written; Python will not even read an int of 4,300 digits
LONG_TEXT_FIELDS = frozenset({"summary", "detail", "team", "structure", "shows", "designation"})
URL_FIELDS = frozenset({"url"})

# Markup in fields that never hold any (everything but the long texts and the address):
# each pattern with what the editor should write instead.
MARKUP_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[<>]"), "尖括号“<”“>”会被当作网页标记；书名请用《》，比较请写“小于”“大于”"),
    (re.compile(r"\{[{%#]|[}%#]\}"), "“{{”“{%”是模板标记；请删除，名称里只写文字"),
    (re.compile(r"\]\s{0,3}[(\[]"), "“](”是 Markdown 链接写法；请只写文字，出处写在 sources（来源）里"),
    (re.compile(r"(?:java|vb)script\s{0,3}:|data\s{0,3}:", re.IGNORECASE), "“javascript:”“data:”是脚本或内嵌数据网址；请删除"),
    (re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.IGNORECASE), "“&…;”是网页字符实体；请直接写出字符本身"),
)

# Personal data never published: only public roles are recorded. Each pattern can start only
# at the start of a run of its characters (the look-behinds) and its repeats are bounded, so
# its time is linear in the text: an unanchored `[\w.+-]+@` took 345 s on 100 KB of digits.
PERSONAL_DATA_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("身份证号码", re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])")),
    ("手机号码", re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9A-Za-z])")),
    ("固定电话", re.compile(r"(?<![0-9A-Za-z])(?:0[0-9]{2,3}-|[(（]0[0-9]{2,3}[)）] ?)[2-9][0-9]{6,7}(?![0-9A-Za-z])")),
    ("电子邮箱", re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,4}\.[A-Za-z]{2,24}")),
    ("住址门牌", re.compile(r"(?<![0-9])[0-9]{1,4} ?(?:号楼|栋|幢|号院) ?[0-9]{1,3} ?(?:单元|门|层|室)"
                        r"|(?<![0-9])[0-9]{1,3} ?单元 ?[0-9]{1,5} ?(?:室|号|户)")),
)
PERSONAL_DATA_REASON = "本知识库只记录公开的职务和单位，个人的电话、证件号、邮箱和住址不公开，请删除"


class RefusedInput(yaml.MarkedYAMLError):
    """Input the record loader will not read, with where it was found and why (in Chinese)."""

    def __init__(self, loc: Loc, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.loc = loc


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """SafeLoader for records: dates stay text (`2021-07-22` and `2021-07` read alike), and
    what records never need and what could exhaust time or memory is refused while the
    document is composed, before anything is built from it: anchors and aliases (a
    "billion laughs" bomb), tags, keys that are lists or mappings, nesting deeper than
    MAX_DEPTH (the composer recurses) and numbers longer than MAX_NUMBER_CHARS."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.loc: list[str | int] = []

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        part = index.value if isinstance(index, yaml.ScalarNode) else index if isinstance(index, int) else None
        if part is not None:
            self.loc.append(part)
        try:
            self._refuse(self.peek_event(), key=parent is not None and index is None)
            node = super().compose_node(parent, index)
            if isinstance(node, yaml.ScalarNode) and node.tag in (_INT_TAG, _FLOAT_TAG) and len(node.value) > MAX_NUMBER_CHARS:
                raise RefusedInput(tuple(self.loc), node.start_mark,
                                   f"数字有 {len(node.value):,} 位，超过上限 {MAX_NUMBER_CHARS} 位：请检查是否多写了数字")
            return node
        finally:
            if part is not None:
                self.loc.pop()

    def _refuse(self, event: yaml.Event, key: bool) -> None:
        here = tuple(self.loc)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise RefusedInput(here, event.start_mark, "不支持锚点和别名（& 与 *）：请把内容直接写出来")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")[:40]
            raise RefusedInput(here, event.start_mark, f"不支持 YAML 标签“{shown}”：请直接写出值（文字可加引号）")
        if key and not isinstance(event, yaml.ScalarEvent):
            raise RefusedInput(here, event.start_mark, "字段名应为简单的英文字段名，不能是列表或映射")
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)) and len(here) >= MAX_DEPTH:
            raise RefusedInput(here, event.start_mark, f"嵌套超过 {MAX_DEPTH} 层：记录的列表和映射不会这么深，请检查缩进和括号")


# Dates, merge keys (`<<`) and `=` are read as plain text: records have no use for them.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(yaml.CSafeLoader):
    """libyaml's parser and composer (C) with the records' resolvers: used for a file only once
    :func:`_plainly_readable` has found nothing in it that :class:`_Loader` refuses."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
# The patterns by which a plain value is read as a number, by its first character.
_NUMBER_PATTERNS = {first: [regexp for tag, regexp in resolvers if tag in (_INT_TAG, _FLOAT_TAG)]
                    for first, resolvers in _Loader.yaml_implicit_resolvers.items()}


def _plainly_readable(text: str) -> bool:
    """Whether libyaml's events of ``text`` show nothing :class:`_Loader` refuses or reports: no
    anchor, alias or tag, no list or mapping as a key, no deep nesting, no long number, no
    character the reader refuses and no syntax error. Conservative: a doubt sends the file to
    :class:`_Loader`, whose findings and messages are the ones reported."""
    if yaml.reader.Reader.NON_PRINTABLE.search(text):
        return False
    open_collections: list[list[bool]] = []  # per open collection: [is a mapping, next node is a key]
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            documents += isinstance(event, yaml.DocumentStartEvent)
            if documents > 1 or isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) or getattr(event, "tag", None):
                return False
            is_key = bool(open_collections) and open_collections[-1][0] and open_collections[-1][1]
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if is_key or len(open_collections) >= MAX_DEPTH - 1:
                    return False
                open_collections.append([isinstance(event, yaml.MappingStartEvent), True])
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                open_collections.pop()
            elif isinstance(event, yaml.ScalarEvent):
                value = event.value
                if event.implicit[0] and len(value) > MAX_NUMBER_CHARS and any(
                        pattern.match(value) for pattern in _NUMBER_PATTERNS.get(value[:1], ())):
                    return False
            else:
                continue
            if open_collections and open_collections[-1][0]:
                open_collections[-1][1] = not open_collections[-1][1]
    except yaml.YAMLError:
        return False
    return True


def _compose(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree of ``text`` and the data built from it: in C where the text is plainly readable."""
    loader = _FastLoader(text) if _plainly_readable(text) else _Loader(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _read_text(path: Path, inside: Path, limit: int) -> tuple[str | None, int, str]:
    """The text of ``path``, a regular UTF-8 file under ``inside`` of at most ``limit`` bytes;
    otherwise None with the line and the reason. Never follows a link, opens a folder or a
    device, or reads more than ``limit`` bytes."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return None, 1, f"是符号链接（指向 {os.readlink(path)}）：记录和页面必须是普通文件，符号链接可能指向仓库外、文件夹或设备"
        if stat.S_ISDIR(info.st_mode):
            return None, 1, f"是文件夹而不是文件：文件夹的名字不能以 {path.suffix} 结尾，请改名"
        if not stat.S_ISREG(info.st_mode):
            return None, 1, "不是普通文件（设备、管道或套接字）：请换成普通的文本文件"
        if not path.resolve().is_relative_to(inside.resolve()):
            return None, 1, f"实际位置在 {inside} 之外（上级文件夹是符号链接）：记录和页面必须放在仓库里"
        if info.st_size > limit:
            return None, 1, f"文件有 {info.st_size:,} 字节，超过上限 {limit:,} 字节：请删去多余内容或拆分"
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as err:
        return None, 1, f"无法读取（{err.strerror}）"
    if len(raw) > limit:
        return None, 1, f"文件超过上限 {limit:,} 字节：请删去多余内容或拆分"
    try:
        return raw.decode("utf-8-sig"), 0, ""
    except UnicodeDecodeError as err:
        return None, raw[: err.start].count(b"\n") + 1, f"文件不是 UTF-8 编码（第 {err.start} 字节无法解码），请以 UTF-8 保存"


def _scan_input(value: object, loc: Loc = ()) -> typing.Iterator[tuple[Loc, str]]:
    """(location, message) for every size, number, key and markup rule that ``value`` breaks."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                yield (*loc, str(key)), f"字段名“{key}”不是英文字段名：字段名应为文字，如 name、summary"
                continue
            yield from _scan_input(item, (*loc, key))
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            yield loc, f"列表有 {len(value)} 项，超过上限 {MAX_LIST_ITEMS} 项：请只保留来源里写明的内容"
        for index, item in enumerate(value):
            yield from _scan_input(item, (*loc, index))
    elif isinstance(value, float) and not math.isfinite(value):
        yield loc, f"数值“{value}”不是有限的数字：请写出来源报道的具体数字"
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and not 0 <= value <= MAX_NUMBER:
        yield loc, f"数值 {value:g} 超出范围（0 到 {MAX_NUMBER:,}）：更大的数请用“万”“亿”等单位"
    elif isinstance(value, str):
        name = next((part for part in reversed(loc) if isinstance(part, str)), "")
        limit = MAX_LONG_TEXT if name in LONG_TEXT_FIELDS else MAX_URL if name in URL_FIELDS else MAX_SHORT_TEXT
        if len(value) > limit:
            yield loc, f"文字有 {len(value):,} 个字符，超过这个字段的上限 {limit} 个：请精简"
        if name not in LONG_TEXT_FIELDS and name not in URL_FIELDS:
            for pattern, advice in MARKUP_PATTERNS:
                if pattern.search(value):
                    yield loc, f"不能含有网页或模板标记：{advice}"


def personal_data(text: str) -> list[str]:
    """The kinds of personal data (e.g. 手机号码) that ``text`` appears to hold."""
    return [what for what, pattern in PERSONAL_DATA_PATTERNS if pattern.search(text)]


def personal_data_message(kinds: list[str]) -> str:
    return f"疑似个人信息（{'、'.join(kinds)}）：{PERSONAL_DATA_REASON}"


# PyYAML's explanations, in the words an editor needs; anything else is passed on as it is.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "这里不能出现“字段: 值”，多半是缩进不对，或值里有未加引号的冒号"),
    ("could not find expected ':'", "缺少冒号，每行应形如“字段: 值”"),
    ("cannot start any token", "含有不能出现的字符（常见是用 Tab 缩进，请改用空格）"),
    ("expected <block end>", "缩进不一致，同一层的字段应左对齐"),
    ("expected ',' or ']'", "方括号 [ ] 列表没有闭合，或项之间缺逗号"),
    ("expected ',' or '}'", "花括号 { } 没有闭合，或项之间缺逗号"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found undefined alias", "使用了未定义的 * 别名"),
    ("found another document", "一个文件只能写一条记录（出现了多个用 --- 分隔的文档）"),
)


def _yaml_problem(detail: str) -> str:
    return next((chinese for english, chinese in _YAML_PROBLEMS if english in detail), detail)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located as precisely as the YAML allows."""

    file: Path
    line: int
    record: str
    field: str
    message: str

    def as_text(self, root: Path) -> str:
        """One line: a field name or value from the data cannot start a line of its own."""
        text = f"{_relative(self.file, root)}:{self.line}  {self.record or '-'}  {self.field or '-'}  {self.message}"
        return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", lambda match: repr(match.group())[1:-1], text)

    def as_github(self, root: Path) -> str:
        """A GitHub workflow command (an annotation). Record, field and message come from the
        data, so they are escaped by GitHub's rules and can never end the command or start another."""
        title = f"{self.record or '-'} {self.field or '-'}"
        properties = f"file={_github_property(_relative(self.file, root))},line={self.line},title={_github_property(title)}"
        return f"::error {properties}::{_github_data(self.message)}"


def _github_data(text: str) -> str:
    """Text escaped for the data part of a GitHub workflow command (after the final ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """Text escaped for a property value of a GitHub workflow command (also ``:`` and ``,``)."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside root, or a link that loops (RuntimeError)
        return path.as_posix()


class DataError(Exception):
    """Raised by :func:`load_or_raise` with every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the data")
        self.problems = problems


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[Step]`` or ``Region | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found:
            return found
    return None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model whose fields are valid at ``loc`` (integers step into lists)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = _model_in(info.annotation) if info else None
    return current


def _field_title(model: type[BaseModel], loc: Loc) -> str:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return ""
    parent = _model_at(model, loc[: max(i for i, p in enumerate(loc) if isinstance(p, str))])
    info = parent.model_fields.get(names[-1]) if parent else None
    return info.title or "" if info else ""


def _field_info(model: type[BaseModel], loc: Loc) -> typing.Any:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return None
    parent = _model_at(model, loc[: max(i for i, p in enumerate(loc) if isinstance(p, str))])
    return parent.model_fields.get(names[-1]) if parent else None


def _example(model: type[BaseModel], loc: Loc) -> str:
    """``例：role: 社区党委书记`` from the field's ``examples``, to show what to write."""
    info = _field_info(model, loc)
    examples = getattr(info, "examples", None) if info else None
    if not examples:
        return ""
    name = next(p for p in reversed(loc) if isinstance(p, str))
    value = examples[0]
    written = f"[{', '.join(value)}]" if isinstance(value, list) else str(value)
    return f"。例：{name}: {written}"


def _is_placeholder(value: object) -> bool:
    # A template's `{studio}` left as it is reads in YAML as the mapping {"studio": None}.
    return isinstance(value, dict) and len(value) == 1 and next(iter(value.values())) is None


def _chinese_message(model: type[BaseModel], error: dict) -> str:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx", {})
    value = error.get("input")
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    title = _field_title(model, loc)
    named = f"“{name}”（{title}）" if title else f"“{name}”"
    info = _field_info(model, loc)
    purpose = f"：{info.description}" if info is not None and info.description else ""
    example = _example(model, loc)
    if kind == "source_unfindable":
        return error["msg"]
    if kind == "missing":
        return f"缺少必填字段{named}{purpose}{example}"
    if _is_placeholder(value):
        placeholder = "{" + str(next(iter(value))) + "}"
        return f"{named}还是模板里的占位符“{placeholder}”：请换成真实内容，没有就删掉这一行{example}"
    if "input" in error and value is None:  # `role:` left empty, e.g. by scripts.new
        options = re.findall(r"'([^']*)'", ctx.get("expected", "")) if kind == "literal_error" else []
        hint = f"，应为：{'、'.join(o for o in options if o)}" if options else f"{purpose}{example}"
        return f"必填字段{named}还没有填写" + hint
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = [f for f in parent.model_fields] if parent else []
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"，是不是“{guess[0]}”？" if guess else f"。可用字段：{'、'.join(allowed)}"
        return f"未知字段“{name}”{hint}"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        guess = difflib.get_close_matches(str(value), options, n=1, cutoff=0.3)
        hint = f"是不是“{guess[0]}”？" if guess else ""
        return f"{named}的取值“{value}”不在允许范围内，应为：{'、'.join(o or '（空）' for o in options)}。{hint}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == SLUG_PATTERN:
            return f"{named}应为小写英文字母、数字和连字符组成的编号，实际是“{value}”"
        if pattern == SOURCE_FILE_PATTERN:
            return f"{named}应为来源目录里的文件名（如 000_276c0d5b3e7a7cff.txt），实际是“{value}”"
        return f"{named}不是有效的网址：“{value}”" if "http" in str(pattern) else f"{named}的格式不对：“{value}”"
    type_names = {
        "string_type": "文本",
        "int_type": "整数",
        "int_parsing": "整数",
        "int_from_float": "整数",
        "float_type": "数字",
        "float_parsing": "数字",
        "list_type": "列表",
        "model_type": "键值对（映射）",
        "dict_type": "键值对（映射）",
        "model_attributes_type": "键值对（映射）",
        "bool_type": "是或否",
    }
    if kind in type_names:
        return f"{named}应为{type_names[kind]}，实际是“{value}”{example}"
    if kind == "too_short":
        return f"{named}不能为空{example}" if isinstance(value, str) else f"{named}至少需要 {ctx.get('min_length')} 项{example}"
    if kind == "string_too_short":
        return f"{named}不能为空{purpose}{example}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"{named}的取值 {value} 应{'不小于' if kind == 'greater_than_equal' else '不大于'} {bound}"
    if kind == "finite_number":
        return f"{named}应为有限的数字，实际是“{value}”：请写出来源报道的具体数字"
    if kind.startswith(("date_", "year_")):
        return f"{named}：{error['msg']}"
    return f"{named}的取值无效：{error['msg']}"


def _line_map(node: yaml.Node, path: Loc, lines: dict[Loc, int], duplicates: list[tuple[Loc, int]]) -> None:
    """Record the 1-based line of every key and list item, and duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, key_node.value)
            if key_path in lines:
                duplicates.append((key_path, key_node.start_mark.line + 1))
            lines[key_path] = key_node.start_mark.line + 1
            _line_map(value_node, key_path, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines, duplicates)


def _line_of(lines: dict[Loc, int], loc: Loc) -> int:
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


def _strings(value: object, path: Loc = ()) -> typing.Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _references(record: BaseModel, dotted: str) -> list[tuple[Loc, str]]:
    """The ids that ``dotted`` (e.g. ``results.source``) names in a record, with their locations."""
    found: list[tuple[Loc, str]] = []

    def walk(value: object, parts: list[str], loc: Loc) -> None:
        if value is None:
            return
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(item, parts, (*loc, index))
            return
        if not parts:
            found.append((loc, value))  # type: ignore[arg-type]
            return
        walk(getattr(value, parts[0]), parts[1:], (*loc, parts[0]))

    walk(record, dotted.split("."), ())
    return found


@dataclass
class _Parsed:
    path: Path
    record: Strict
    lines: dict[Loc, int]


def _read_yaml(path: Path, inside: Path, limit: int, report: typing.Callable[[int, str, str], None],
               empty_ok: bool = False) -> tuple[dict, dict[Loc, int]] | None:
    """The mapping in the YAML file ``path`` and the line of each of its keys, or None when it
    cannot be read (every reason reported). Bounded in time and memory whatever the file holds."""
    text, line, reason = _read_text(path, inside, limit)
    if text is None:
        report(line, "", reason)
        return None
    try:
        node, data = _compose(text)
    except RefusedInput as err:
        report(err.problem_mark.line + 1 if err.problem_mark else 1, format_loc(err.loc), err.problem or "")
        return None
    except yaml.reader.ReaderError as err:
        report(text.count("\n", 0, err.position) + 1, "",
               f"含有不能出现在文本里的控制字符（U+{err.character if isinstance(err.character, int) else ord(err.character):04X}）：请删除")
        return None
    except yaml.YAMLError as err:
        detail = getattr(err, "problem", None) or str(err)
        # An unclosed quote or bracket is reported at the end of the file; point at where it opened.
        opened = getattr(err, "context_mark", None) if re.search(r"end of stream|<stream end>", detail) else None
        mark = opened or getattr(err, "problem_mark", None)
        report(mark.line + 1 if mark else 1, "", f"YAML 格式错误：{_yaml_problem(detail)}")
        return None
    if node is None and empty_ok:
        return {}, {}
    if not isinstance(data, dict) or node is None:
        report(1, "", "文件内容应为键值对（映射），每行形如“字段: 值”")
        return None
    lines: dict[Loc, int] = {}
    duplicate_keys: list[tuple[Loc, int]] = []
    _line_map(node, (), lines, duplicate_keys)
    for loc, key_line in duplicate_keys:
        report(key_line, format_loc(loc), f"字段“{loc[-1]}”重复出现，只能写一次")
    for finding in hygiene.scan_yaml(text, node):
        report(finding.line, format_loc(finding.loc), finding.message + FIX_HINT)
    return data, lines


def _parse_file(path: Path, model: type[Strict], problems: list[Problem], data_dir: Path) -> _Parsed | None:
    record_id = path.stem

    def report(line: int, field_name: str, message: str) -> None:
        problems.append(Problem(path, line, record_id, field_name, message))

    read = _read_yaml(path, data_dir, MAX_RECORD_BYTES, report)
    if read is None:
        return None
    data, lines = read
    refused: list[Loc] = []
    for loc, message in _scan_input(data):
        refused.append(tuple(str(part) for part in loc))
        report(_line_of(lines, loc), format_loc(loc), message)
    for loc, value in _strings(data):
        kinds = personal_data(value)
        if kinds:
            report(_line_of(lines, loc), format_loc(loc), personal_data_message(kinds))
    id_matches = str(data.get("id", record_id)) == record_id
    if not id_matches:
        report(_line_of(lines, ("id",)), "id", f"编号“{data.get('id')}”与文件名“{path.name}”不一致，应为“{record_id}”")
    try:
        record = model.model_validate(data)
    except ValidationError as err:
        for error in err.errors():
            loc = tuple(error["loc"])
            shown = tuple(str(part) for part in loc)
            if not any(shown[: len(done)] == done for done in refused):  # already reported above
                report(_line_of(lines, loc), format_loc(loc), _chinese_message(model, error))
        return None
    return _Parsed(path, record, lines) if id_matches and not refused else None


@dataclass
class KnowledgeBase:
    """Every record by kind and id, with back-link indexes built once."""

    methods: dict[str, Method] = field(default_factory=dict)
    studios: dict[str, Studio] = field(default_factory=dict)
    mentors: dict[str, Mentor] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.methods_of_studio: dict[str, list[str]] = defaultdict(list)
        self.studios_of_mentor: dict[str, list[str]] = defaultdict(list)
        self.mentors_of_studio: dict[str, list[str]] = defaultdict(list)
        self.sites_of_studio: dict[str, list[str]] = defaultdict(list)
        self.methods_of_mentor: dict[str, list[str]] = defaultdict(list)
        self.related_methods: dict[str, list[str]] = defaultdict(list)
        self.citing: dict[str, list[tuple[str, str]]] = defaultdict(list)

        def add(index: dict[str, list], key: str | None, value: object) -> None:
            if key and value is not None and value not in index[key]:
                index[key].append(value)

        for studio in self.studios.values():
            for method_id in studio.methods:
                add(self.methods_of_studio, studio.id, method_id)
            for site_id in studio.sites:
                add(self.sites_of_studio, studio.id, site_id)
            add(self.studios_of_mentor, studio.leader, studio.id)
            add(self.mentors_of_studio, studio.id, studio.leader)
        for method in self.methods.values():
            add(self.methods_of_studio, method.origin.studio, method.id)
            add(self.methods_of_mentor, method.origin.founder, method.id)
            for other in method.related:
                add(self.related_methods, method.id, other)
                add(self.related_methods, other, method.id)
        for mentor in self.mentors.values():
            for studio_id in mentor.studios:
                add(self.studios_of_mentor, mentor.id, studio_id)
                add(self.mentors_of_studio, studio_id, mentor.id)
        for site in self.sites.values():
            add(self.sites_of_studio, site.studio, site.id)
        # Inverted once here so that pages and index tables look up, never scan.
        self._studios_of_method: dict[str, list[str]] = defaultdict(list)
        for method in self.methods.values():
            add(self._studios_of_method, method.id, method.origin.studio)
        for studio_id, method_ids in self.methods_of_studio.items():
            for method_id in method_ids:
                add(self._studios_of_method, method_id, studio_id)
        self._studios_of_site: dict[str, list[str]] = defaultdict(list)
        for studio_id, site_ids in self.sites_of_studio.items():
            for site_id in site_ids:
                add(self._studios_of_site, site_id, studio_id)
        for kind in ("methods", "studios", "mentors", "sites"):
            for record in self.of_kind(kind).values():
                for source_id in record.sources:  # type: ignore[attr-defined]
                    add(self.citing, source_id, (kind, record.id))  # type: ignore[attr-defined]
        self._methods_of_theme: dict[str, list[str]] = defaultdict(list)
        for method in self.methods.values():
            for theme in dict.fromkeys(method.themes):
                self._methods_of_theme[theme].append(method.id)
        self._by_shared_themes: dict[frozenset[str], list[str]] = {}

    def of_kind(self, kind: str) -> dict[str, Strict]:
        return getattr(self, kind)

    def studios_of_method(self, method_id: str) -> list[str]:
        return self._studios_of_method.get(method_id, [])

    def studios_of_site(self, site_id: str) -> list[str]:
        return self._studios_of_site.get(site_id, [])

    def methods_by_shared_themes(self, themes: typing.Iterable[str]) -> list[str]:
        """Methods sharing any of ``themes``, most shared first, then in data order.

        Ranked once per set of themes, so every method page's related list is a lookup, not a scan of all methods.
        """
        key = frozenset(themes)
        if key not in self._by_shared_themes:
            shared = Counter(method_id for theme in key for method_id in self._methods_of_theme.get(theme, []))
            order = {method_id: index for index, method_id in enumerate(self.methods)}
            self._by_shared_themes[key] = sorted(shared, key=lambda method_id: (-shared[method_id], order[method_id]))
        return self._by_shared_themes[key]


# Kinds whose records have a page; docs/<kind>/<id>.md is optional (it adds prose), the page is generated otherwise.
PAGED_KINDS = ("methods", "studios", "mentors", "sites")
FIX_HINT = "（运行 python -m scripts.validate --fix 可自动修正）"


def _page_problems(parsed: dict[str, dict[str, _Parsed]], broken: dict[str, set[str]], docs_dir: Path) -> list[Problem]:
    """Every page ``docs/<kind>/<id>.md`` has a record (a record needs no page: it is generated from
    the data); every page under ``docs_dir`` is a readable file within MAX_PAGE_BYTES without personal data."""
    problems = []
    for kind in PAGED_KINDS:
        for page in sorted((docs_dir / kind).glob("*.md")):
            if page.stem != "index" and page.stem not in parsed[kind] and page.stem not in broken[kind]:
                problems.append(Problem(page, 1, page.stem, "", f"页面没有对应的数据文件 data/{kind}/{page.stem}.yml（页面文件名须与记录编号相同）"))
    for page in sorted(docs_dir.rglob("*.md")):
        text, line, reason = _read_text(page, docs_dir, MAX_PAGE_BYTES)
        if text is None:
            problems.append(Problem(page, line, page.stem, "", reason))
            continue
        if page.parent.parent == docs_dir and page.parent.name in PAGED_KINDS:
            for number, message in hygiene.scan_markdown(text):
                problems.append(Problem(page, number, page.stem, "", message + FIX_HINT))
        for number, prose in enumerate(text.splitlines(), start=1):
            kinds = personal_data(prose)
            if kinds:
                problems.append(Problem(page, number, page.stem, "", personal_data_message(kinds)))
    return problems


# --------------------------------------------------------------------------
# Renamed pages: data/redirects.yml maps an old page to a page of this site.
# The validator and the build (hooks/short_links.py) both read it through
# load_redirects, so a redirect can only ever lead to a page that exists here.
# --------------------------------------------------------------------------
REDIRECTS_FILE = "redirects.yml"
_PAGE_PATH = re.compile(r"[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*\.md")
_ANCHOR = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _page_path_problem(value: object) -> str | None:
    """Why ``value`` is not a path of a page inside docs/ such as ``methods/new-id.md``, or None."""
    example = "请写 docs/ 下的相对路径，如 methods/new-id.md"
    if not isinstance(value, str) or not value:
        return f"应为页面路径（文字）：{example}"
    if len(value) > MAX_SHORT_TEXT:
        return f"超过 {MAX_SHORT_TEXT} 个字符：{example}"
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]{0,30}:", value):
        return f"带有网址协议（如 https:）：重定向只能通往本站页面，{example}"
    if "//" in value or "\\" in value:
        return f"含有“//”或反斜杠：{example}"
    if value.startswith("/"):
        return f"是绝对路径：{example}（不以 / 开头）"
    if ".." in value.split("/"):
        return f"含有“..”，会跳出网站目录：{example}"
    if not value.endswith(".md"):
        return f"应以 .md 结尾（页面文件的路径）：{example}"
    if not _PAGE_PATH.fullmatch(value):
        return f"只能由小写英文字母、数字、连字符、下划线和 / 组成：{example}"
    return None


def load_redirects(path: Path, docs_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    """The renames in ``path`` (old page → page of this site) that are safe, and a problem for each one that is not."""
    problems: list[Problem] = []

    def report(line: int, field_name: str, message: str) -> None:
        problems.append(Problem(path, line, "redirects", field_name, message))

    if not path.exists() and not path.is_symlink():
        return {}, []
    read = _read_yaml(path, path.parent, MAX_RECORD_BYTES, report, empty_ok=True)
    if read is None:
        return {}, problems
    data, lines = read
    renames: dict[str, str] = {}
    for source, target in data.items():
        line = lines.get((source,), 1) if isinstance(source, str) else 1
        field_name = str(source)[:MAX_SHORT_TEXT]
        source_problem = _page_path_problem(source)
        if source_problem:
            report(line, field_name, f"旧页面路径“{field_name}”{source_problem}")
        elif source.split("/")[0] in SHORT_PREFIX.values():  # /m/<id>/, /s/<id>/ are made from the data
            report(line, field_name, f"旧页面路径“{source}”在短链接目录 {source.split('/')[0]}/ 里：短链接由数据自动生成，不能改写")
        elif (docs_dir / source).exists():
            report(line, field_name, f"旧页面 docs/{source} 仍然存在：重定向页会覆盖它，请先删除或改名该页面")
        page, _, anchor = target.partition("#") if isinstance(target, str) else (target, "", "")
        target_problem = _page_path_problem(page)
        if target_problem:
            report(line, field_name, f"新页面路径“{str(target)[:MAX_SHORT_TEXT]}”{target_problem}")
        elif anchor and not _ANCHOR.fullmatch(anchor):
            report(line, field_name, f"新页面的锚点“#{anchor[:MAX_SHORT_TEXT]}”只能由英文字母、数字、连字符和下划线组成")
        elif not (docs_dir / page).is_file():
            report(line, field_name, f"新页面 docs/{page} 不存在：重定向只能通往本站现有的页面")
        elif not source_problem and not problems:
            renames[source] = target
    return (renames if not problems else {}), problems


def load(data_dir: Path, sources_dir: Path | None = None, docs_dir: Path | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Read every record under ``data_dir``; return the base and all problems found.

    ``sources_dir`` and ``docs_dir``, where given, are checked too: cited files
    exist, and records and their pages match up.
    """
    problems: list[Problem] = []
    parsed: dict[str, dict[str, _Parsed]] = {}
    # Files that failed are already reported; references to them are not reported again.
    broken: dict[str, set[str]] = {}
    for kind, model in MODEL_BY_KIND.items():
        parsed[kind] = {}
        broken[kind] = set()
        folder = data_dir / kind
        for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
            if path.suffix not in (".yml", ".yaml"):
                continue
            result = _parse_file(path, model, problems, data_dir)
            if result is None:
                broken[kind].add(path.stem)
                continue
            record_id = result.record.id  # type: ignore[attr-defined]
            if record_id in parsed[kind]:
                first = parsed[kind][record_id].path.name
                problems.append(Problem(path, result.lines.get(("id",), 1), record_id, "id", f"编号与 {first} 重复"))
                continue
            parsed[kind][record_id] = result

    for kind, results in parsed.items():
        for result in results.values():
            record = result.record
            checks = dict(REFERENCES.get(type(record), {}))
            if kind != "sources":
                checks["sources"] = "sources"
            for dotted, target in checks.items():
                for loc, ref in _references(record, dotted):
                    if ref not in parsed[target] and ref not in broken[target]:
                        known = difflib.get_close_matches(ref, list(parsed[target]), n=1)
                        hint = f"，是不是“{known[0]}”？" if known else ""
                        label = MODEL_BY_KIND[target].label  # type: ignore[attr-defined]
                        problems.append(
                            Problem(result.path, _line_of(result.lines, loc), record.id, format_loc(loc),  # type: ignore[attr-defined]
                                    f"引用的{label}“{ref}”不存在（应为 data/{target}/ 下的文件名）{hint}")
                        )
            if isinstance(record, Source) and record.file and sources_dir is not None and not (sources_dir / record.file).is_file():
                problems.append(Problem(result.path, _line_of(result.lines, ("file",)), record.id, "file",
                                        f"来源文件“{record.file}”在 {sources_dir} 中找不到"))

    if docs_dir is not None:
        problems.extend(_page_problems(parsed, broken, docs_dir))
        problems.extend(load_redirects(data_dir / REDIRECTS_FILE, docs_dir)[1])
    kb = KnowledgeBase(
        **{kind: {rid: r.record for rid, r in results.items()} for kind, results in parsed.items()},  # type: ignore[arg-type]
    )
    problems.sort(key=lambda p: (str(p.file), p.line))
    return kb, problems


def load_or_raise(data_dir: Path, sources_dir: Path | None = None, docs_dir: Path | None = None) -> KnowledgeBase:
    kb, problems = load(data_dir, sources_dir, docs_dir)
    if problems:
        raise DataError(problems)
    return kb


def sources_dir_for(project_root: Path) -> Path | None:
    """The shared articles folder beside the checkout, where present (it is not published)."""
    folder = project_root.parent / "shared" / "sources"
    return folder if folder.is_dir() else None


_project_cache: dict[Path, tuple[tuple, tuple[KnowledgeBase, list[Problem]]]] = {}


def _fingerprint(root: Path) -> tuple:
    """What a load depends on: every record file, the renames and every page, by time and size."""
    paths = sorted([*(root / "data").glob("*/*.y*ml"), root / "data" / REDIRECTS_FILE, *(root / "docs").rglob("*.md")])
    # lstat: a dangling link or a device among them is the loader's to report, never a crash here.
    stats = [(str(p), p.lstat().st_mtime_ns, p.lstat().st_size) for p in paths if p.is_symlink() or p.exists()]
    return (tuple(stats), sources_dir_for(root))


def load_project(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """The project's records under ``root``, loaded once per build and shared by the macros and the hooks.

    The result is reused until a record file or page changes, so `mkdocs serve` still reloads edits.
    """
    root = root.resolve()
    fingerprint = _fingerprint(root)
    cached = _project_cache.get(root)
    if cached is None or cached[0] != fingerprint:
        docs_dir = root / "docs"
        cached = (fingerprint, load(root / "data", sources_dir_for(root), docs_dir if docs_dir.is_dir() else None))
        _project_cache[root] = cached
    return cached[1]
