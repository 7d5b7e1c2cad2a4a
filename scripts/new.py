"""Start a new record (and its page) from a template.

    python -m scripts.new method 三步调解法 [--studio hongyan-jiayouzhan] [--id sanbu-tiaojie]
    python -m scripts.new studio 红雁加油站
    python -m scripts.new mentor 刘旭清 --studio hongyan-jiayouzhan
    python -m scripts.new site 牡丹社区实训基地 --studio hongyan-jiayouzhan

Writes ``data/<kind>/<id>.yml`` and, for methods and studios,
``docs/<kind>/<id>.md``. The id is proposed from the name's pinyin unless
``--id`` is given. Existing files are never overwritten. The new record is
valid except for the fields the editor must fill; ``python -m scripts.validate``
then names them.
"""

from __future__ import annotations

import argparse
import re
import sys
import typing
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from pypinyin import Style, lazy_pinyin

from macros import sitemap
from macros.models import SLUG_PATTERN, THEMES, Site, Studio

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"

# A kind as the command names it: method → methods.
KINDS = {kind.removesuffix("s"): kind for kind in sitemap.PAGED_KINDS}
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/{kind}.json"

# Two-character surnames, so that 欧阳明 becomes ouyang-ming, not ou-yangming.
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯")
_HAN = re.compile(r"[\u3400-\u9fff]")


def _syllables(chunk: str) -> str:
    pieces = lazy_pinyin(chunk, style=Style.NORMAL, errors=lambda text: list(text))  # type: ignore[arg-type,return-value]  # pypinyin takes a list of pieces; its annotation says str
    return "".join(pieces).lower()


# Words of this field that stay whole and end the word before them (安慧里社区书记工作室 → anhuili-shequ-shuji-gongzuoshi).
KNOWN_WORDS = ("工作法", "工作室", "工作站", "服务站", "服务中心", "社区", "书记", "驿站", "机制", "工程", "项目", "基地")
_WORDS = re.compile("|".join(KNOWN_WORDS) + r"|[\u3400-\u9fff]|[A-Za-z0-9]+")


def slug_for(name: str, kind: str = "methods") -> str:
    """A lowercase pinyin id proposed from a Chinese name.

    Known words of the field (社区, 工作法 …) stay whole; other Chinese
    characters are read two at a time with an odd one joining the pair before
    it (走动式 → zoudongshi, 三步调解 → sanbu-tiaojie), which lets pypinyin see
    words such as 调解. People are read surname first (刘旭清 → liu-xuqing). A
    method's trailing 法 (not 工作法) is dropped when enough is left. Letters
    and digits are kept; anything else separates words. The editor may always
    choose another id with ``--id``.
    """
    text = unicodedata.normalize("NFKC", name).strip()
    if kind == "methods" and text.endswith("法") and not text.endswith("工作法") and len(_HAN.findall(text[:-1])) >= 4:
        text = text[:-1]
    words: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff]+|[A-Za-z0-9]+", text):
        if not _HAN.match(run):
            words.append(run.lower())
            continue
        if kind == "mentors" and not words and len(run) >= 2:
            surname = run[:2] if run.startswith(COMPOUND_SURNAMES) else run[:1]
            words += [_syllables(part) for part in (surname, run[len(surname):]) if part]
            continue
        pending = ""
        for token in _WORDS.findall(run):
            if token in KNOWN_WORDS:
                words += _pairs(pending) + [_syllables(token)]
                pending = ""
            else:
                pending += token
        words += _pairs(pending)
    return "-".join(w for w in (re.sub(r"[^a-z0-9]", "", w) for w in words) if w)


def _pairs(text: str) -> list[str]:
    chunks = [text[i : i + 2] for i in range(0, len(text), 2)]
    if len(chunks) > 1 and len(chunks[-1]) == 1:
        last = chunks.pop()
        chunks[-1] += last
    return [_syllables(chunk) for chunk in chunks]


@dataclass
class Created:
    record: Path
    page: Path | None


class ScaffoldError(Exception):
    """A problem the editor can fix; the message is Chinese and names what to do."""


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain where safe, else double-quoted."""
    if re.fullmatch(r"[^\s:#\[\]{},&*!|>'\"%@`-][^:#\[\]{}\"]*", value) and not value.endswith(" "):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _options(model: type[BaseModel], field_name: str) -> str:
    return "、".join(typing.get_args(model.model_fields[field_name].annotation))


def create(kind: str, name: str, data_dir: Path, docs_dir: Path, record_id: str | None = None, studio: str | None = None) -> Created:
    """Write the new record (and page); raise :class:`ScaffoldError` instead of overwriting anything."""
    folder = KINDS.get(kind, kind)
    if folder not in KINDS.values():
        raise ScaffoldError(f"不认识的类型“{kind}”，应为：{'、'.join(KINDS)}")
    name = name.strip()
    if not name:
        raise ScaffoldError("名称不能为空")
    record_id = record_id or slug_for(name, folder)
    if not record_id:
        raise ScaffoldError(f"无法由名称“{name}”生成编号，请用 --id 指定，如 --id sanbu-tiaojie")
    if not re.fullmatch(SLUG_PATTERN, record_id):
        raise ScaffoldError(f"编号“{record_id}”无效：应为小写英文字母、数字和连字符，如 sanbu-tiaojie。可用 --id 指定")
    if studio is not None:
        if folder == "studios":
            raise ScaffoldError("--studio 只用于 method、mentor 和 site")
        if not (data_dir / "studios" / f"{studio}.yml").is_file():
            known = sorted(p.stem for p in (data_dir / "studios").glob("*.yml"))
            raise ScaffoldError(f"工作室“{studio}”不存在（data/studios/{studio}.yml 找不到）。已有：{'、'.join(known) or '无'}")
    record = data_dir / folder / f"{record_id}.yml"
    page = docs_dir / sitemap.record_path(folder, record_id) if folder in sitemap.PROSE_KINDS else None
    for path in (record, page):
        if path is not None and path.exists():
            raise ScaffoldError(f"{_shown(path)} 已经存在，没有覆盖。换一个编号请加 --id，例如 --id {record_id}-2")

    singular = next(k for k, v in KINDS.items() if v == folder)
    text = (TEMPLATES / f"{singular}.yml").read_text(encoding="utf-8").format(
        id=record_id,
        name=_scalar(name),
        studio=studio or "",
        themes="、".join(THEMES),
        types=_options(Studio if folder == "studios" else Site, "type") if folder in ("studios", "sites") else "",
    )
    assert text.startswith(SCHEMA_LINE.format(kind=singular))
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(text, encoding="utf-8")
    if page is not None:
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text((TEMPLATES / f"{singular}.md").read_text(encoding="utf-8"), encoding="utf-8")
    return Created(record, page)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.new", description="按模板新建一条记录（工作法和工作室另建页面）")
    parser.add_argument("kind", choices=list(KINDS), help="method 工作法、studio 工作室与项目、mentor 书记与导师、site 示范点与阵地")
    parser.add_argument("name", help="中文名称，如 三步调解法")
    parser.add_argument("--id", dest="record_id", help="编号（文件名），默认由名称的拼音生成")
    parser.add_argument("--studio", help="所属工作室的编号（method、mentor、site 可用）")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="数据目录（默认 data/）")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="页面目录（默认 docs/）")
    args = parser.parse_args(argv)
    try:
        created = create(args.kind, args.name, args.data, args.docs, args.record_id, args.studio)
    except ScaffoldError as error:
        print(f"没有新建：{error}", file=sys.stderr)
        return 1
    print(f"已新建 {_shown(created.record)}")
    if created.page:
        print(f"已新建 {_shown(created.page)}")
    print("下一步：按文件里的注释填写，然后运行 python -m scripts.validate，它会列出还必须填写的字段。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
