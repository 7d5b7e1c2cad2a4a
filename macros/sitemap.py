"""The site map: the kinds of record and where everything about them lives.

One module answers, and every other asks: which kinds of record there are and what
each is called (both from the models), the data file of a record, the docs path of
every page the build makes from the data, and how a docs path becomes a URL or a
link from another page. Pure; it imports only the models, so anything may import it.

Docs paths are relative to ``docs/`` (``methods/sanbu-tiaojie.md``, with ``#anchor``
where records share a page); MkDocs serves ``a/b.md`` at ``a/b/`` and ``a/index.md``
at ``a/``.
"""

from __future__ import annotations

import posixpath

from .models import RECORD_TYPES

# Every kind of record, in the models' order, and its name for readers (the model's label).
KINDS: tuple[str, ...] = tuple(model.kind for model in RECORD_TYPES)
LABELS: dict[str, str] = {model.kind: model.label for model in RECORD_TYPES}
# Kinds whose records share one page, each record an anchor on it.
SHARED_PAGE = {"sources": "sources.md"}
# Kinds with a page per record: docs/<kind>/<id>.md is optional (it adds prose), generated otherwise.
PAGED_KINDS: tuple[str, ...] = tuple(kind for kind in KINDS if kind not in SHARED_PAGE)
# Kinds whose pages carry prose an editor writes (cases, training use), checked for completeness.
PROSE_KINDS: tuple[str, ...] = ("methods", "studios")

# The short-link prefix of each folder of printable pages: /m/<id>/ methods, /s/<id>/ studios,
# /p/<id>/ people (mentors), /d/<id>/ sites (示范点); the trainers' pages made from them:
# /t/<id>/ training plans, /c/<id>/ method cards, /v/<id>/ visit sheets.
SHORT_PREFIX = {"methods": "m", "studios": "s", "mentors": "p", "sites": "d",
                "training": "t", "training/cards": "c", "training/visits": "v"}
# The kind of record each of those folders has a page for: a plan and a card per method, a visit sheet per site.
RECORDS_OF = {**{kind: kind for kind in PAGED_KINDS},
              "training": "methods", "training/cards": "methods", "training/visits": "sites"}

TRAINING_INDEX = "training/index.md"
SESSION_PAGE = "training/session.md"
# Written by the build next to the session builder page, read by kb-session.js.
SESSION_DATA = "training/session.json"
EDITING_PAGE = "editing/index.md"
TAGS_PAGE = "tags.md"


def label(kind: str) -> str:
    """``methods`` → ``工作法``: what readers and editors call a kind."""
    return LABELS[kind]


def data_folder(kind: str) -> str:
    """The repository folder of a kind's records: ``data/methods``."""
    return f"data/{kind}"


def data_file(kind: str, record_id: str) -> str:
    """The repository path of a record: ``data/methods/sanbu-tiaojie.yml``."""
    return f"{data_folder(kind)}/{record_id}.yml"


def record_path(kind: str, record_id: str) -> str:
    """The docs path of a record's page, or of its anchor where records share a page."""
    if kind in SHARED_PAGE:
        return f"{SHARED_PAGE[kind]}#{record_id}"
    return f"{kind}/{record_id}.md"


def index_path(kind: str) -> str:
    """The page listing every record of a kind (the sources page for sources)."""
    return SHARED_PAGE.get(kind, f"{kind}/index.md")


def plan_path(method_id: str) -> str:
    return f"training/{method_id}.md"


def card_path(method_id: str) -> str:
    return f"training/cards/{method_id}.md"


def visit_path(site_id: str) -> str:
    return f"training/visits/{site_id}.md"


def listing_path(kind: str, facet: str | None = None, value: str | None = None, page: int = 1) -> str:
    """A page of a kind's listing, of all records or of one facet value (see macros/facets.py)."""
    return combined_path(kind, [(facet, value or "")] if facet is not None else [], page)


def combined_path(kind: str, chosen: list[tuple[str, str]], page: int = 1) -> str:
    """A page of a kind's listing of the records carrying every chosen (facet, value), in the
    order given: ``browse/methods/theme/wuyeguanli/province/210000/page-2.md``."""
    if not chosen:
        return index_path(kind) if page == 1 else f"browse/{kind}/page-{page}.md"
    folder = "/".join([f"browse/{kind}", *(f"{facet}/{value}" for facet, value in chosen)])
    return f"{folder}/index.md" if page == 1 else f"{folder}/page-{page}.md"


def facet_index_path(kind: str, facet: str, page: int = 1) -> str:
    """A page of every value of one facet of a kind, with its count."""
    return f"browse/{kind}/{facet}/index.md" if page == 1 else f"browse/{kind}/{facet}/page-{page}.md"


def region_path(code: str) -> str:
    """A province's or city's page, by its GB/T 2260 code."""
    return f"regions/{code}.md"


def theme_path(theme: str) -> str:
    """A theme's section of the tags page: Material's tags page anchors each tag by its name."""
    return f"{TAGS_PAGE}#tag:{theme}"


def network_path(number: int) -> str:
    """A page of the lineage network."""
    return "explore/lineage.md" if number == 1 else f"explore/lineage/page-{number}.md"


def served(docs_path: str) -> str:
    """``a/b.md`` → ``a/b/``, ``a/index.md`` → ``a/``: the URL MkDocs serves a page at, from the site root."""
    path, _, anchor = docs_path.partition("#")
    folder = posixpath.dirname(path) if posixpath.basename(path) == "index.md" else posixpath.splitext(path)[0]
    return (folder + "/" if folder else "") + (f"#{anchor}" if anchor else "")


def url(target: str, from_page: str) -> str:
    """The URL of docs page ``target`` relative to the URL of ``from_page``: for raw HTML,
    which MkDocs does not rewrite (``../../methods/x/`` from ``browse/methods/page-2.md``)."""
    path, _, anchor = served(target).partition("#")
    relative = _relative_path(path, served(from_page))
    return ("./" if relative == "." else relative + "/") + (f"#{anchor}" if anchor else "")


def link(target: str, from_page: str) -> str:
    """A Markdown link's target: docs path ``target`` relative to docs page ``from_page``
    (``../methods/x.md``), which MkDocs checks in a strict build and rewrites to the served URL.
    An anchor on ``from_page`` itself is just ``#anchor``."""
    path, _, anchor = target.partition("#")
    relative = _relative_path(path, posixpath.dirname(from_page))
    if anchor and relative == posixpath.basename(from_page):
        return f"#{anchor}"
    return relative + (f"#{anchor}" if anchor else "")


def root_of(from_page: str) -> str:
    """The site root relative to the URL of ``from_page`` (``../`` from ``methods/``)."""
    depth = served(from_page).count("/")
    return "../" * depth or "./"


def _relative_path(path: str, start: str) -> str:
    """``posixpath.relpath`` for the site's own paths, without its look-up of the working
    folder (listings make tens of thousands of links)."""
    to, here = path.strip("/").split("/"), start.strip("/").split("/")
    if {".", ".."} & {*to, *here}:
        return posixpath.relpath(path or ".", start or ".")
    to, here = [part for part in to if part], [part for part in here if part]
    common = 0
    while common < min(len(to), len(here)) and to[common] == here[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."
