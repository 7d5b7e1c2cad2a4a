"""The web editor's (Decap CMS) configuration, derived from the data models.

Form and validator never disagree because both read macros/models.py: every
field's label is its Chinese ``title``, its hint the ``description``, its
widget follows from its type (a closed list becomes a select, a reference to
another kind a picker of existing records, a list of steps or figures a list of
sub-forms), and required fields are the ones the models require.
Pure: models in, a plain dict out (written as admin/config.yml by kb_build/web_editor.py).
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

from annotated_types import MinLen
from markupsafe import escape
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from . import sitemap
from .models import (
    MODEL_BY_KIND,
    REFERENCES,
    SLUG_PATTERN,
    Entry,
    LongText,
    field_marked,
)

# What a picker shows of a record, by kind.
DISPLAY_FIELD = {"sources": "topic"}
# Record pages whose prose an editor may change; the data are edited in the record's own form.
PROSE_FOLDERS = {"methods": "工作法页面文字", "studios": "工作室页面文字"}
SLUG_HINT = "小写拼音与连字符，与文件名相同，发布后不再改变，例如 sanbu-tiaojie"
# Where the editor's media library saves uploads: one folder of docs/, whose files CI and the build
# check like every static file (macros/static_files.py: images, PDF and text, judged by content).
# Decap 3.16's own media library has no setting that limits file types (its upload box takes any
# file, images only when opened from an image field), so those checks are what limit them.
MEDIA_FOLDER = "docs/images/uploads"
# What the editor writes into a page for an upload. Decap prefixes it as it is; MkDocs resolves a
# relative link from the page's own file, so it holds under any site path (/kb/, /kb/zh-Hant/).
# Every page the editor edits is docs/<kind>/<id>.md (PROSE_FOLDERS), one folder below docs/.
PUBLIC_FOLDER = "../" + MEDIA_FOLDER.removeprefix("docs/")


def _strip_optional(annotation: object) -> tuple[object, bool]:
    """``X | None`` → (X, True); anything else → (annotation, False)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _unannotated(annotation: object) -> tuple[object, list[object]]:
    """``Annotated[str, Field(...)]`` → (str, [FieldInfo(...), ...])."""
    metadata: list[object] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata.extend(extra)
    return annotation, metadata


def _pattern(metadata: list[object], info: FieldInfo | None) -> str | None:
    for item in [*metadata, *(info.metadata if info else [])]:
        pattern = getattr(item, "pattern", None)
        if pattern:
            return pattern
        for inner in getattr(item, "metadata", []) or []:
            if getattr(inner, "pattern", None):
                return inner.pattern
    return None


def _widget(annotation: object, info: FieldInfo | None, reference: str | None,
            nested: dict[str, str]) -> dict[str, Any]:
    """The Decap widget settings for one field's type; ``nested`` are the references inside it."""
    annotation, metadata = _unannotated(annotation)
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        item_type, _ = _unannotated(item)
        if reference:
            return _relation(reference, multiple=True)
        if isinstance(item_type, type) and issubclass(item_type, BaseModel):
            return {"widget": "list", "fields": model_fields(item_type, nested)}
        if typing.get_origin(item_type) is Literal:
            return {"widget": "select", "multiple": True, "options": list(typing.get_args(item_type))}
        return {"widget": "list"}
    if reference:
        return _relation(reference, multiple=False)
    if origin is Literal:
        options = [option for option in typing.get_args(annotation) if option != ""]
        return {"widget": "select", "options": options}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {"widget": "object", "fields": model_fields(annotation, nested)}
    if annotation is bool:
        return {"widget": "boolean"}
    if annotation in (int, float):
        return {"widget": "number", "value_type": "int" if annotation is int else "float"}
    # Long text (marked on the field's type in the models) deserves a text area rather than one line.
    settings: dict[str, Any] = {"widget": "text" if info is not None and field_marked(info, LongText) else "string"}
    pattern = _pattern(metadata, info)
    if pattern == SLUG_PATTERN:
        settings["pattern"] = [pattern, SLUG_HINT]
    return settings


def _relation(kind: str, multiple: bool) -> dict[str, Any]:
    shown = DISPLAY_FIELD.get(kind, "name")
    return {
        "widget": "relation",
        "collection": kind,
        "value_field": "id",
        "search_fields": [shown, "id"],
        "display_fields": [shown],
        "multiple": multiple,
        "options_length": 50,
    }


def model_fields(model: type[BaseModel], references: dict[str, str]) -> list[dict[str, Any]]:
    """Decap field definitions for a model's fields, in the models' order."""
    fields = []
    for name, info in model.model_fields.items():
        annotation, optional = _strip_optional(info.annotation)
        nested = {key.split(".", 1)[1]: kind for key, kind in references.items() if key.startswith(f"{name}.")}
        field: dict[str, Any] = {"name": name, "label": info.title or name}
        if info.description:
            field["hint"] = info.description
        field.update(_widget(annotation, info, references.get(name), nested))
        required = info.is_required() or _min_length(info) > 0
        field["required"] = required and not optional
        if name == "id":
            field["hint"] = SLUG_HINT
        fields.append(field)
    return fields


def _min_length(info: FieldInfo) -> int:
    return next((m.min_length for m in info.metadata if isinstance(m, MinLen)), 0)


def record_collection(kind: str, model: type[Entry]) -> dict[str, Any]:
    references = dict(REFERENCES.get(model, {}))
    if kind != "sources":
        references["sources"] = "sources"
    label = model.label
    return {
        "name": kind,
        "label": label,
        "label_singular": label,
        "folder": sitemap.data_folder(kind),
        "extension": "yml",
        "format": "yml",
        "create": True,
        "slug": "{{fields.id}}",
        "identifier_field": DISPLAY_FIELD.get(kind, "name"),
        "summary": "{{" + DISPLAY_FIELD.get(kind, "name") + "}}（{{id}}）",
        "fields": model_fields(model, references),
    }


def prose_collection(kind: str, label: str) -> dict[str, Any]:
    # Page text is Markdown with the project's macro calls; a plain text area keeps them as written.
    return {
        "name": f"{kind}-pages",
        "label": label,
        "folder": f"docs/{kind}",
        "extension": "md",
        "format": "frontmatter",
        "create": False,
        "identifier_field": "body",
        "fields": [{"name": "body", "label": "页面文字（Markdown）", "widget": "text",
                    "hint": "保留 {{ … }} 这样的宏调用：它们显示数据文件里的名称、步骤和数字。"}],
    }


def decap_config(repo: str, branch: str, site_url: str, auth_base_url: str | None,
                 local_backend: str | None = None) -> dict[str, Any]:
    """The whole admin/config.yml: GitHub backend with pull requests from contributors' forks.

    ``local_backend``: the address of decap-server, only when the site is served on an editor's own machine."""
    # GraphQL reads a folder's entries in a few requests instead of one per file (thousands of records).
    backend: dict[str, Any] = {"name": "github", "repo": repo, "branch": branch, "open_authoring": True,
                               "squash_merges": True, "use_graphql": True}
    if auth_base_url:
        backend["base_url"] = auth_base_url
    collections = [record_collection(kind, model) for kind, model in MODEL_BY_KIND.items()]
    for kind, label in PROSE_FOLDERS.items():
        collections.append(prose_collection(kind, label))
    local = {"local_backend": {"url": f"{local_backend}/api/v1"}} if local_backend else {}
    return {
        "backend": backend,
        **local,
        # A contributor's save opens a pull request; CI validates and builds it like any other.
        "publish_mode": "editorial_workflow",
        "locale": "zh_Hans",
        "site_url": site_url,
        "display_url": site_url,
        "media_folder": MEDIA_FOLDER,
        "public_folder": PUBLIC_FOLDER,
        "omit_empty_optional_fields": True,
        "collections": collections,
    }


# Decap talks only to GitHub's API (and, on an editor's own machine, to decap-server: `make editor`
# serves the site with `mkdocs serve`, and kb_build/web_editor.py passes this address only then);
# its styles are injected at run time, and its config check compiles JSON schemas, hence
# 'unsafe-inline' styles and 'unsafe-eval' on this one page only. Nothing on it submits a form
# and it sets no <base>. A <meta> policy cannot carry frame-ancestors (browsers ignore it there)
# and GitHub Pages sends no header: the frame guard (FRAME_GUARD) keeps the page hidden in a frame.
LOCAL_BACKEND = "http://localhost:8081"
# The frame guard's script and style (docs/javascripts/, docs/stylesheets/), copied into admin/.
FRAME_GUARD = ("kb-frame-guard.js", "kb-frame-guard.css")


def admin_csp(auth_url: str | None, local_backend: str | None = None) -> str:
    connect = ["'self'", "https://api.github.com", *([local_backend] if local_backend else []),
               *([auth_url] if auth_url else [])]
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https://avatars.githubusercontent.com",
        f"connect-src {' '.join(connect)}",
        f"frame-src {auth_url or chr(39) + 'none' + chr(39)}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def admin_page(site_name: str, auth_url: str | None, local_backend: str | None = None) -> str:
    """The editor's page. ``kb-top-only``: hidden until the frame guard finds it is the top window
    (the editor holds a GitHub sign-in; in another site's frame a click could be stolen)."""
    script, style = FRAME_GUARD
    return (
        '<!doctype html>\n<html lang="zh-Hans" class="kb-top-only">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(admin_csp(auth_url, local_backend))}">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(site_name)} · 在线编辑</title>\n"
        f'<link rel="stylesheet" href="{style}">\n'
        f'<script src="{script}"></script>\n'
        '<link href="config.yml" type="text/yaml" rel="cms-config-url">\n'
        '</head>\n<body>\n<script src="decap-cms.js"></script>\n</body>\n</html>\n'
    )
