"""Data models of the knowledge base: one definition per kind of record, and the limits of its input.

The validator, the macros, the web editor's forms (macros/cms.py) and the JSON Schema for
editors (scripts/schema.py) all read these classes; a field's Chinese ``title`` is what error
messages and editors show, and what a field holds (long text, an address) is marked on its type.
Reading the files is macros/yaml_reader.py, the messages macros/messages.py, and the loaded
knowledge base with its indexes macros/knowledge_base.py.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import types
import typing
from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

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
# A field of a record as evidence names it: ``summary``, ``origin.region``, ``steps.0`` (lists count from 0).
FIELD_PATH_PATTERN = r"^[a-z_]+(\.([a-z_]+|[0-9]{1,2}))*$"

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
Theme = Literal[THEMES]  # type: ignore[valid-type]  # made from the tuple so the themes are written once; mypy reads only literal values here


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
MAX_QUOTE = 60  # a quote in evidence: the article's words that support one statement, not a passage to copy


class _TextMark:
    """A mark on a field's type saying what text it holds; its ``limit`` (characters) is also the
    field's ``maxLength`` in the JSON Schema."""

    limit: ClassVar[int]

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["maxLength"] = self.limit
        return schema


class LongText(_TextMark):
    """Sentences (a summary, a step's detail, a description): up to MAX_LONG_TEXT characters, not
    checked for markup (rendering escapes every character) and a text area in the web editor."""

    limit = MAX_LONG_TEXT


class Address(_TextMark):
    """A web address: up to MAX_URL characters; its pattern allows only http(s)."""

    limit = MAX_URL


class Quote(_TextMark):
    """An article's own words (a quote in evidence): up to MAX_QUOTE characters, checked against
    the article's text (macros/articles.py) rather than for markup."""

    limit = MAX_QUOTE


class Fact:
    """A mark on a field that states a fact (a place, a date, a figure, a role, a step): the
    validator, the coverage counts (``--evidence``, macros/completeness.py) and the page markers
    ask for a quote from the article behind it (``evidence``)."""


def marks(annotation: object) -> Iterator[object]:
    """The metadata of ``annotation`` and of the types inside it (``Annotated[...] | None``, ``list[...]``)."""
    if typing.get_origin(annotation) is Annotated:
        inner, *extra = typing.get_args(annotation)
        yield from extra
        yield from marks(inner)
    elif typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            yield from marks(arg)


def field_marked(info: FieldInfo, mark: type) -> bool:
    """Whether a field's type carries ``mark`` (e.g. :class:`LongText`)."""
    return any(isinstance(item, mark) for item in [*info.metadata, *marks(info.annotation)])


def _check_partial_date(value: str) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD that name a real day not in the future."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        raise PydanticCustomError(
            "date_format", "日期应写成 2022、2022-06 或 2022-06-18（2022年6月18日、2022.6 这类写法也可以），实际是“{value}”",
            {"value": value}
        )
    year = int(match.group(1))
    month, day = (int(part) if part else None for part in match.groups()[1:])
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
Url = Annotated[str, Field(pattern=r"^https?://[^\s/$.?#][^\s]*$"), Address()]
Long = Annotated[str, LongText()]


class Strict(BaseModel):
    """Unknown fields are errors, so a typo never silently drops a fact."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Evidence(Strict):
    """The words of an article that support one field of a record: one entry, one field; a field may have several."""

    field: Annotated[str, Field(pattern=FIELD_PATH_PATTERN)] = Field(
        title="支持的字段", description="这句原文支持的字段，如 summary、origin.region、year、steps.0（第 1 步）、results.1、leader",
        examples=["summary"])
    quote: Annotated[Text, Quote()] = Field(
        title="原文摘句", description=f"粘贴原文里说明这一点的那句话（原样照抄、连续的一段，至多 {MAX_QUOTE} 字；中间不要用省略号，分成两条）",
        examples=["逐渐摸索出“共情倾听—政策解析—联动解决”的工作套路"])
    source: Slug | None = Field(None, title="来源", description="sources 中的来源 id；记录只引用一篇来源时可以不填")


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
    detail: Long | None = Field(None, title="步骤说明")


class Origin(Strict):
    studio: Annotated[Slug | None, Fact()] = Field(None, title="来源工作室", description="studios 中的 id")
    founder: Annotated[Slug | None, Fact()] = Field(None, title="提出者", description="mentors 中的 id")
    community: Annotated[str | None, Fact()] = Field(None, title="社区或单位")
    region: Annotated[Region, Fact()] = Field(default_factory=Region, title="地区")


class Entry(Strict):
    """A record of one kind, in its own file ``data/<kind>/<id>.yml``; ``label`` is what readers call the kind."""

    kind: ClassVar[str]
    label: ClassVar[str]

    id: Slug = Field(title="编号")


class Record(Entry):
    """A record with a page of its own (every kind but sources)."""

    id: Slug = Field(title="编号", description="与文件名相同的英文短名，发布后不再改变")
    name: Annotated[Text, Fact()] = Field(title="名称", examples=["三步调解法"])
    aliases: list[Text] = Field(default_factory=list, title="别名", description="简称或其他写法，便于搜索")
    summary: Annotated[Text, LongText(), Fact()] = Field(title="一句话概括", description="显示在页面标题下方、列表卡片和搜索结果里，用自己的话写一句",
                          examples=["社区书记调解居民纠纷时先听、再讲政策、后联动解决的三个环节。"])
    sources: list[Slug] = Field(min_length=1, title="来源", description="sources 中的来源 id，至少一个",
                                examples=[["hongyan-report"]])
    evidence: list[Evidence] = Field(default_factory=list, title="依据",
                                     description="每一项：一个字段和原文里说明它的那句话（摘句）；页面在这个字段旁显示出处")


class Method(Record):
    kind: ClassVar[str] = "methods"
    label: ClassVar[str] = "工作法"

    origin: Origin = Field(default_factory=Origin, title="出处")
    year: Annotated[Year | None, Fact()] = Field(None, title="首次报道年份")
    themes: list[Theme] = Field(default_factory=list, title="主题")
    steps: Annotated[list[Step], Fact()] = Field(default_factory=list, title="步骤")
    roles: Annotated[list[Text], Fact()] = Field(default_factory=list, title="参与角色")
    results: Annotated[list[Figure], Fact()] = Field(default_factory=list, title="成效数字")
    related: list[Slug] = Field(default_factory=list, title="相关工作法", description="methods 中的 id")


class Studio(Record):
    kind: ClassVar[str] = "studios"
    label: ClassVar[str] = "工作室与项目"

    type: Literal["社区书记工作室", "培训项目", "党建联合体", "服务品牌", "帮带机制"] = Field(title="类型")
    region: Annotated[Region, Fact()] = Field(default_factory=Region, title="地区")
    founded: Annotated[PartialDate | None, Fact()] = Field(None, title="成立时间")
    leader: Annotated[Slug | None, Fact()] = Field(None, title="负责人", description="mentors 中的 id")
    team: Annotated[Long | None, Fact()] = Field(None, title="团队")
    structure: Annotated[Long | None, Fact()] = Field(None, title="组织结构")
    methods: Annotated[list[Slug], Fact()] = Field(default_factory=list, title="工作法", description="methods 中的 id")
    figures: Annotated[list[Figure], Fact()] = Field(default_factory=list, title="数字")
    sites: Annotated[list[Slug], Fact()] = Field(default_factory=list, title="阵地", description="sites 中的 id")


class Mentor(Record):
    kind: ClassVar[str] = "mentors"
    label: ClassVar[str] = "书记与导师"

    role: Annotated[Text, Fact()] = Field(title="职务", examples=["社区党委书记"])
    community: Annotated[str | None, Fact()] = Field(None, title="社区或单位")
    region: Annotated[Region, Fact()] = Field(default_factory=Region, title="地区")
    years_of_service: Annotated[int | None, Fact()] = Field(None, ge=0, le=70, title="从事社区工作年数")
    studios: Annotated[list[Slug], Fact()] = Field(default_factory=list, title="所属工作室", description="studios 中的 id")
    mentees: Annotated[int | None, Fact()] = Field(None, ge=0, le=MAX_NUMBER, title="带教人数")


class Site(Record):
    kind: ClassVar[str] = "sites"
    label: ClassVar[str] = "示范点与阵地"

    type: Literal["示范点", "教学点", "实训基地", "服务阵地", "驿站"] = Field(title="类型")
    region: Annotated[Region, Fact()] = Field(default_factory=Region, title="地区")
    studio: Annotated[Slug | None, Fact()] = Field(None, title="所属工作室", description="studios 中的 id", examples=["hongyan-jiayouzhan"])
    shows: Annotated[Long | None, Fact()] = Field(None, title="可以看到什么")
    opened: Annotated[PartialDate | None, Fact()] = Field(None, title="启用时间")
    designation: Annotated[str | None, Fact()] = Field(None, title="命名", description="例如某机构命名的教学示范点")


class Source(Entry):
    """A published article, as an editor cites it; records cite it by id.

    The project's own copy of the text (``file``, in the shared sources folder) is
    optional: a reader must be able to find the article by its address or its file.
    """

    kind: ClassVar[str] = "sources"
    label: ClassVar[str] = "来源"

    id: Slug = Field(title="编号")
    # A headline is what the article prints; the validator finds it in the text like a quote.
    # Most articles here print none, so what editors write about an article is a separate, labelled field.
    title: Annotated[Text, Quote()] | None = Field(
        None, title="原文标题", description="文章自己印出的标题，原样照抄；原文没有标题时不填（不要自拟）",
        examples=["绯霞映南天，赤心基层现"])
    topic: Text = Field(title="内容说明", description="编者写的一句说明：这篇文章报道了什么（页面上标明“编者说明”）",
                        examples=["北京市朝阳区社区书记工作室的报道"])
    publication: str | None = Field(None, title="刊载媒体", examples=["中国社会报"])
    author: str | None = Field(None, title="作者或记者")
    date: PartialDate | None = Field(None, title="日期", description="可以只写年或年月", examples=["2021-07-22"])
    url: Url | None = Field(None, title="原文链接", examples=["https://example.org/news/123.html"])
    archive_url: Url | None = Field(None, title="存档链接", description="原文网页的存档副本，原链接失效时使用")
    file: Annotated[str, Field(pattern=SOURCE_FILE_PATTERN)] | None = Field(
        None, title="来源文件", description="项目来源目录中的原文文件名（可选）")
    script: Literal["简体", "繁体"] | None = Field(None, title="原文字体")

    @property
    def heading(self) -> str:
        """What readers call the article: its printed headline, or else the editors' description."""
        return self.title or self.topic

    @model_validator(mode="after")
    def _findable(self) -> Source:
        if not (self.url or self.file):
            raise PydanticCustomError(
                "source_unfindable",
                "读者要能找到原文：请填写“url”（原文链接），例：url: https://example.org/news/123.html；"
                "项目来源目录里有原文时也可以填写“file”（来源文件）",
            )
        return self


RECORD_TYPES: tuple[type[Entry], ...] = (Method, Studio, Mentor, Site, Source)
MODEL_BY_KIND: dict[str, type[Entry]] = {model.kind: model for model in RECORD_TYPES}

# Which field refers to which kind: checked by the loader, used for back-links.
REFERENCES: dict[type[Entry], dict[str, str]] = {
    Method: {"origin.studio": "studios", "origin.founder": "mentors", "related": "methods", "results.source": "sources",
             "evidence.source": "sources"},
    Studio: {"leader": "mentors", "methods": "methods", "sites": "sites", "figures.source": "sources", "evidence.source": "sources"},
    Mentor: {"studios": "studios", "evidence.source": "sources"},
    Site: {"studio": "studios", "evidence.source": "sources"},
}


def _fields_marked(mark: type) -> frozenset[str]:
    """The names of the fields, in any model, whose type carries ``mark``."""
    models = {model for entry in RECORD_TYPES for model in (entry, *_nested_models(entry))}
    return frozenset(name for model in models for name, info in model.model_fields.items() if field_marked(info, mark))


def _nested_models(model: type[BaseModel]) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for info in model.model_fields.values():
        for arg in _types_in(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg not in found:
                found |= {arg, *_nested_models(arg)}
    return found


def _types_in(annotation: object) -> Iterator[object]:
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _types_in(arg)


# The limits are checked on the file's data, before the models read it, by field name.
LONG_TEXT_FIELDS = _fields_marked(LongText)
URL_FIELDS = _fields_marked(Address)
QUOTE_FIELDS = _fields_marked(Quote)


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
# Where a value is in a file: keys and list positions from the top (``("steps", 0, "name")``).
Loc = tuple[str | int, ...]


def input_problems(value: object, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """(location, message) for every size, number, key and markup rule that ``value`` breaks."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                yield (*loc, str(key)), f"字段名“{key}”不是英文字段名：字段名应为文字，如 name、summary"
                continue
            yield from input_problems(item, (*loc, key))
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            yield loc, f"列表有 {len(value)} 项，超过上限 {MAX_LIST_ITEMS} 项：请只保留来源里写明的内容"
        for index, item in enumerate(value):
            yield from input_problems(item, (*loc, index))
    elif isinstance(value, float) and not math.isfinite(value):
        yield loc, f"数值“{value}”不是有限的数字：请写出来源报道的具体数字"
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and not 0 <= value <= MAX_NUMBER:
        yield loc, f"数值 {value:g} 超出范围（0 到 {MAX_NUMBER:,}）：更大的数请用“万”“亿”等单位"
    elif isinstance(value, str):
        name = next((part for part in reversed(loc) if isinstance(part, str)), "")
        limit = (MAX_LONG_TEXT if name in LONG_TEXT_FIELDS else MAX_URL if name in URL_FIELDS
                 else MAX_QUOTE if name in QUOTE_FIELDS else MAX_SHORT_TEXT)
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


