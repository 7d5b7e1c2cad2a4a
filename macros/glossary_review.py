"""Person and place names whose Traditional form nobody has checked yet.

The Traditional edition converts a name by data/glossary.yml where it is listed
and by OpenCC otherwise. A new name is listed here for review, with OpenCC's
suggestion, instead of stopping the editor who added it: the validator prints
the list (a notice, never an error), and a maintainer who has checked a form
adds it to the glossary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import sitemap
from .config_file import read_mkdocs_config
from .editions import Converter, edition_converter
from .knowledge_base import KnowledgeBase

HANT = "zh-Hant"


@dataclass(frozen=True)
class PendingName:
    where: str  # the data file where the name first occurs
    group: str  # the glossary group it belongs to: 人名 or 地名
    name: str
    suggested: str  # OpenCC's conversion, used until the name is reviewed

    def as_text(self) -> str:
        return (f"{self.where}：{self.group}“{self.name}”尚未列入 data/glossary.yml，繁体版暂按 OpenCC 写作“{self.suggested}”；"
                f"核对无误（或改正）后加入词表的“{self.group}”一组")


def data_names(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """Person and place names in the data → where each first occurs, by glossary group."""
    people: dict[str, str] = {}
    places: dict[str, str] = {}
    for kind in sitemap.PAGED_KINDS:
        for record in kb.records(kind).values():
            where = sitemap.data_file(kind, record.id)
            origin = getattr(record, "origin", None)
            for region in filter(None, (getattr(record, "region", None), getattr(origin, "region", None))):
                for part in region.parts():
                    places.setdefault(part, where)
            for community in (getattr(record, "community", None), getattr(origin, "community", None)):
                if community:
                    places.setdefault(community, where)
            if kind == "mentors":
                people.setdefault(record.name, where)
    for source in kb.sources.values():
        for author in (source.author or "").replace("、", "，").split("，"):
            if author.strip():
                people.setdefault(author.strip(), f"data/sources/{source.id}.yml")
    return {"人名": people, "地名": places}


def pending_names(kb: KnowledgeBase, converter: Converter) -> list[PendingName]:
    plain = Converter(converter.config)
    return [
        PendingName(where, group, name, plain.convert(name))
        for group, names in data_names(kb).items()
        for name, where in sorted(names.items())
        if name not in converter.glossary.group(group)
    ]


def project_converter(project: Path) -> Converter:
    """The Traditional edition's converter as mkdocs.yml configures it (extra.editions)."""
    extra = read_mkdocs_config(project).get("extra", {})
    converter = edition_converter({**extra, "edition": HANT}, project)
    if converter is None:
        raise ValueError("mkdocs.yml 的 extra.editions 里没有需要转换的繁体版")
    return converter
