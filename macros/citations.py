"""What readers see of the evidence: a numbered marker after a supported statement, the notes at the end of the page.

Pure functions over one page's :class:`Notes`: the record macros (macros/render.py, macros/pages.py)
ask it for the markers of a field (``notes.of(record, "origin.region")``), ``{{ cite(…) }}`` in page
prose asks for one (``notes.cite(…)``), and hooks into the macros (macros/main.py) append
:meth:`Notes.section` to the page. Without JavaScript a marker is a footnote link to its note; with
it, docs/javascripts/kb-evidence.js shows the note beside the marker; in print the notes are the
page's numbered list. Every value is escaped (``render.html_of``); quotes are shown in Simplified
(an editor may paste the Traditional article) so the Traditional edition converts them like any text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from . import articles, sitemap
from .evidence import UNSUPPORTED, source_of
from .knowledge_base import KnowledgeBase
from .markup import date_text, html_of, join, url_attr
from .models import Record, Source

SECTION_ID = "evidence"


def source_name(source: Source) -> Markup:
    """The article as readers can name it: its printed headline, or the editors' description, labelled so."""
    if source.title:
        return html_of("《{}》", source.title)
    return html_of("{}（编者说明）", source.topic)


@dataclass
class Notes:
    """The evidence notes of one page, numbered in the order their markers appear on it."""

    kb: KnowledgeBase
    page: str
    # (source id, quote as shown) → note number; each note's references, for unique ids and the way back.
    _numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    _references: dict[int, int] = field(default_factory=dict)

    def cite(self, source_id: str, quote: str) -> Markup:
        """The marker of one quote (the same quote twice on a page is one note)."""
        if source_id not in self.kb.sources:
            raise LookupError(f"页面 docs/{self.page} 引用的来源“{source_id}”不存在（应为 data/sources/ 下的文件名）")
        key = (source_id, articles.fold_source(quote))
        number = self._numbers.setdefault(key, len(self._numbers) + 1)
        self._references[number] = self._references.get(number, 0) + 1
        reference = self._references[number]
        own_id = f"kb-ev-ref-{number}" + (f"-{reference}" if reference > 1 else "")
        return html_of('<sup class="kb-ev" id="{}"><a class="kb-ev-link" href="#kb-ev-{}" role="doc-noteref" '
                       'aria-label="依据 {}">{}</a></sup>', own_id, number, number, number)

    def of(self, record: Record, *statements: str, exact: bool = False) -> Markup:
        """The markers of every evidence entry for one of ``statements`` or, unless ``exact``, a part of
        it (``steps.0`` takes ``steps.0.detail``)."""
        def named(entry_field: str) -> bool:
            return any(entry_field == s or (not exact and entry_field.startswith(s + ".")) for s in statements)

        markers = [self.cite(source, entry.quote) for index, entry in enumerate(record.evidence)
                   if named(entry.field) and (source := source_of(record, index)) is not None]
        return Markup("").join(markers)

    def section(self) -> Markup:
        """The numbered notes at the end of the page (empty when nothing on it is cited)."""
        if not self._numbers:
            return Markup("")
        items = []
        for (source_id, quote), number in self._numbers.items():
            source = self.kb.sources[source_id]
            details: list[object] = [source_name(source)]
            details += [source.publication] if source.publication else []
            details += [date_text(source.date)] if source.date else []
            links = [html_of('<a href="{}">{}</a>', url_attr(address), label)
                     for label, address in (("原文", source.url), ("存档", source.archive_url)) if address]
            links.append(html_of('<a href="{}">来源详情</a>', url_attr(sitemap.url(sitemap.record_path("sources", source_id), self.page))))
            items.append(html_of(
                '<li id="kb-ev-{}" class="kb-ev-note"><span class="kb-ev-body"><q class="kb-ev-quote">{}</q>'
                '<span class="kb-ev-source">出自{}</span><span class="kb-ev-links">{}</span></span> '
                '<a class="kb-ev-back" href="#kb-ev-ref-{}" aria-label="回到正文第 {} 处依据">↩</a></li>',
                number, quote, join("，", details), join(" · ", links), number, number))
        return Markup(f'<section class="kb-evidence" id="{SECTION_ID}" aria-labelledby="{SECTION_ID}-title">\n'
                      f'<h2 id="{SECTION_ID}-title">依据</h2>\n'
                      '<p class="kb-evidence-lead">正文里的小号数字指向这里：每条是来源文章的原话。</p>\n'
                      f'<ol class="kb-evidence-list">\n{Markup(chr(10)).join(items)}\n</ol>\n</section>\n')


def marks(notes: Notes | None, record: Record, *statements: str, exact: bool = False) -> Markup:
    """The markers of ``statements`` on a page that shows evidence (``notes``); nothing elsewhere (training pages)."""
    return notes.of(record, *statements, exact=exact) if notes is not None else Markup("")


def marked(notes: Notes | None, record: Record, value: str, *statements: str) -> str:
    """``value`` followed by its markers; nothing when there is no value to support."""
    return Markup(value) + marks(notes, record, *statements) if value else ""


def unsupported_mark(record: Record) -> str:
    """A visible note on a record whose facts carry no quote yet (accepted, so a first pull request is never blocked)."""
    if record.evidence:
        return ""
    return (f'<p class="kb-unsupported"><strong>{UNSUPPORTED}</strong>：本页的事实还没有附上来源文章的原话，'
            "请对照下方“来源”阅读。</p>\n")
