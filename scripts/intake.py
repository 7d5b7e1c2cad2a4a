"""An editor's to-do list for an article: what it names that the knowledge base does not carry yet.

    python -m scripts.intake ARTICLE_FILE [--data data] [--docs docs]

Lists the people, places, dates, figures, studios and programmes, methods and titles the article
mentions, each with the sentence it is in, leaving out whatever the records (names, aliases,
regions, figures, every text field) or the record pages already hold. People and places are found
with jieba's part-of-speech tags (nr, ns) checked by patterns (a person's name starts with a
surname; a place ends in 省、市、区、县、街道、镇、乡、村 or 社区) and by patterns of their own (a role
before a name and 说 after it, a byline); dates, figures, 《titles》 and “…工作法” names by patterns.
The article is folded as the validator folds it (macros/articles.py: Simplified, no inline pinyin).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from macros import articles, sitemap
from macros.knowledge_base import KnowledgeBase, load
from macros.models import Figure

ROOT = Path(__file__).resolve().parent.parent

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
# The common surnames (about 90% of people); a tagged "name" that starts otherwise (春耕, 真功夫) is a word.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖"
    "贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷"
    "詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农"
    "司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘"
    "池查麻苑迟邝寇庹")
_ROLES = ("书记", "局长", "主任", "记者", "小哥", "快递员", "居民", "党员", "队长", "站长", "所长", "老师", "负责人", "委员", "社长",
          "经理", "院长", "校长", "部长", "主席", "网格员", "志愿者", "村民", "民警", "大爷", "大妈", "阿姨")
_SAYS = "说|是|表示|介绍|告诉|认为|坦言|笑着|感慨|回忆|提到"
_ROLE_NAME = re.compile(rf"(?:{'|'.join(_ROLES)})\s*([{_CJK}]{{2,3}}?)(?={_SAYS}|[,，。])")
_BYLINE = re.compile(rf"^\s*(?:本报记者|记者|文/|作者)?\s*([{_CJK}](?:\s?[{_CJK}]){{1,2}}?)\s*摄?\s*$")
_PLACE_END = ("省", "市", "区", "县", "街道", "镇", "乡", "村", "社区")
# 林海 + 社区: a name-like word (not a verb or an adjective) right before 社区 or 街道 is a place.
_PLACE_SUFFIXES = ("社区", "街道")
_NAME_LIKE = ("ns", "nr", "nrt", "nz", "n", "j")
_DATE = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日(?:上午|下午|晚上)?|\d{1,2}月(?:上旬|中旬|下旬|初|底)")
_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:余|多)?(?:万|亿)?(?:个|件|场|人次|人|名|户|家|项|次|处|支|所|平方米|元|%|％)")
_TITLE = re.compile(r"《([^《》\n]{2,40})》")
_QUOTED = re.compile(r"[“「]([^”」\n]{2,20})[”」]")
_STUDIO_END = ("工作室", "驿站", "加油站", "服务站", "服务中心", "联盟", "融合体", "课堂", "基地", "品牌", "项目")
_METHOD = re.compile(rf"[“「]([{_CJK}0-9]{{1,10}}工作法)[”」]")


@dataclass(frozen=True)
class Finding:
    """Something the article names, of one kind, and the sentence it first appears in."""

    kind: str
    text: str
    sentence: str


def sentences(text: str) -> Iterator[str]:
    for match in _SENTENCE.finditer(text):
        sentence = " ".join(match.group().split())
        if sentence:
            yield sentence


def _people(sentence: str, tagged: list[tuple[str, str]], known_words: dict[str, int]) -> set[str]:
    # A three-character name jieba guessed (not a word of its dictionary, such as 高素质), or any
    # name after a role and before 说 (快递员张丹说), or a byline.
    found = {word for word, flag in tagged
             if flag.startswith("nr") and len(word) == 3 and word[0] in SURNAMES and not known_words.get(word)}
    found |= {name for name in _ROLE_NAME.findall(sentence) if name[0] in SURNAMES}
    byline = _BYLINE.match(sentence)
    if byline and byline.group(1)[0] in SURNAMES:
        found.add(byline.group(1).replace(" ", ""))
    # 王青和说 is tagged 王青 + 和: the longer name from the patterns wins.
    return {name for name in found if not any(name != other and name in other for other in found)}


def _places(tagged: list[tuple[str, str]]) -> set[str]:
    found = {word for word, flag in tagged if flag == "ns" and len(word) >= 3 and word.endswith(_PLACE_END)}
    for (word, flag), (suffix, _) in zip(tagged, tagged[1:], strict=False):
        if suffix in _PLACE_SUFFIXES and flag in _NAME_LIKE and 2 <= len(word) <= 4:
            found.add(word + suffix)
    return found


def findings(text: str) -> Iterator[Finding]:
    """Everything the article names, in order, each kind and text once."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    seen: set[tuple[str, str]] = set()
    for sentence in sentences(text):
        tagged = [(word, flag) for word, flag in jieba.posseg.cut(sentence)]
        quoted = _QUOTED.findall(sentence)
        found = [
            *(("人物", name) for name in sorted(_people(sentence, tagged, jieba.dt.FREQ))),
            *(("地点", place) for place in sorted(_places(tagged))),
            *(("日期", date) for date in _DATE.findall(sentence)),
            *(("数字", figure) for figure in _FIGURE.findall(sentence)),
            *(("工作室与项目", name) for name in quoted if name.endswith(_STUDIO_END)),
            *(("工作法", name) for name in _METHOD.findall(sentence)),
            *(("篇目", title) for title in _TITLE.findall(sentence)),
        ]
        for kind, item in found:
            if (kind, item) not in seen:
                seen.add((kind, item))
                yield Finding(kind, item, sentence)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, Figure):  # as an article writes it: 500余件
        number = int(value.value) if value.value == int(value.value) else value.value
        yield f"{number}{value.qualifier}{value.unit} {number}{value.unit}"
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, float) and value == int(value):
        yield str(int(value))
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def carried_text(kb: KnowledgeBase, docs_dir: Path | None) -> str:
    """Everything the knowledge base says, as one folded text to look names up in."""
    parts = [text for kind in sitemap.KINDS for record in kb.of_kind(kind).values() for text in _strings(record)]
    if docs_dir is not None and docs_dir.is_dir():
        parts += [path.read_text(encoding="utf-8") for kind in sitemap.PAGED_KINDS for path in sorted((docs_dir / kind).glob("*.md"))]
    return articles.fold_source("\n".join(parts))


def _carried(finding: Finding, carried: str) -> bool:
    if finding.kind == "数字":  # the same number of the same thing: 500余件 is carried by "500件" or "500余件"
        number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)(?:余|多)?(.*)", finding.text).groups()  # type: ignore[union-attr]  # _FIGURE starts with digits
        return re.search(rf"(?<![\d.]){re.escape(number)}\s*(?:余|多)?{re.escape(unit)}", carried) is not None
    if finding.kind == "日期":  # a record writes 2023年06月30日 as 2023-06-30
        year, month, day = re.fullmatch(r"(\d{4})?年?(?:(\d{1,2})月)?(?:(\d{1,2})日)?.*", finding.text).groups()  # type: ignore[union-attr]  # always matches
        if year:
            written = "-".join([year, *(f"{int(part):02d}" for part in (month, day) if part)])
            return written in carried or finding.text in carried
    return finding.text in carried


def to_do(text: str, kb: KnowledgeBase, docs_dir: Path | None) -> list[Finding]:
    """What the article names that the knowledge base does not hold anywhere."""
    carried = carried_text(kb, docs_dir)
    return [finding for finding in findings(articles.fold_source(text)) if not _carried(finding, carried)]


KIND_ORDER = ("人物", "地点", "日期", "数字", "工作室与项目", "工作法", "篇目")


def report(found: Iterable[Finding], sentence_chars: int = 90) -> str:
    found = list(found)
    lines = [f"知识库尚未收录的内容：{len(found)} 条（每条后面是它所在的句子）"]
    for kind in KIND_ORDER:
        items = [finding for finding in found if finding.kind == kind]
        if items:
            lines.append(f"\n{kind}（{len(items)}）")
            for finding in items:
                sentence = finding.sentence if len(finding.sentence) <= sentence_chars else finding.sentence[: sentence_chars - 1] + "…"
                lines.append(f"  {finding.text} —— {sentence}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.intake", description="列出一篇来源文章里知识库尚未收录的人物、地点、日期、数字、工作室和工作法")
    parser.add_argument("article", type=Path, help="文章的文本文件（UTF-8）")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="数据目录（默认 data/）")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="页面目录（默认 docs/）")
    args = parser.parse_args(argv)
    try:
        text = args.article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"读不了文章 {args.article}：{error}", file=sys.stderr)
        return 1
    kb, problems = load(args.data)
    if problems:
        print(f"提示：数据有 {len(problems)} 个问题（python -m scripts.validate 查看），出问题的记录不计入已收录的内容", file=sys.stderr)
    print(report(to_do(text, kb, args.docs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
