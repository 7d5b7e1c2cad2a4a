"""Page facts for editors: when a page last changed (from git) and where to edit it.

Pure functions; the git call itself is :func:`git_log_command`, run by
``kb_build/page_meta.py``, whose output :func:`parse_git_log` reads.
"""

from __future__ import annotations

import posixpath

from . import sitemap

# Pages built from a whole data folder: their content changes with any record in it.
FOLDER_PAGES = {sitemap.index_path(kind): sitemap.data_folder(kind) + "/" for kind in sitemap.KINDS}
_MARK = "@@"


def git_log_command(*paths: str) -> list[str]:
    """One ``git log`` for the whole history of ``paths``: each commit's date, then the files it touched."""
    return ["git", "log", f"--format={_MARK}%cI", "--name-only", "--no-renames", "--", *paths]


def parse_git_log(output: str) -> dict[str, str]:
    """File (repository path) → ISO date of the newest commit that touched it."""
    dates: dict[str, str] = {}
    current = ""
    for line in output.splitlines():
        if line.startswith(_MARK):
            current = line[len(_MARK):].strip()
        elif line.strip() and current:
            dates.setdefault(line.strip(), current)
    return dates


def data_file(src_uri: str) -> str | None:
    """The data file a record page shows: ``methods/x.md`` → ``data/methods/x.yml``."""
    kind, _, name = src_uri.partition("/")
    if kind in sitemap.PAGED_KINDS and name.endswith(".md") and "/" not in name and name != "index.md":
        return sitemap.data_file(kind, name[:-3])
    return None


def inputs(src_uri: str, docs_prefix: str = "docs/") -> list[str]:
    """Repository paths (a trailing slash means a folder) whose changes change the page."""
    paths = [docs_prefix + src_uri]
    record = data_file(src_uri)
    if record:
        paths.append(record)
    if src_uri in FOLDER_PAGES:
        paths.append(FOLDER_PAGES[src_uri])
    return paths


def last_changed(dates: dict[str, str], paths: list[str]) -> str | None:
    """The newest date of any of ``paths`` (files, or folders ending in ``/``).

    A file is one lookup; only the few folder pages scan the dates, so a build stays linear in its files.
    """
    found = []
    for path in paths:
        if path.endswith("/"):
            found += [date for name, date in dates.items() if name.startswith(path)]
        elif path in dates:
            found.append(dates[path])
    # ISO dates with offsets compare correctly once normalised to UTC; git's %cI keeps the committer's offset.
    return max(found, key=_utc, default=None)


def _utc(iso: str) -> str:
    import datetime as dt

    return dt.datetime.fromisoformat(iso).astimezone(dt.UTC).isoformat()


def date_text(iso: str) -> str:
    """``2026-11-23T09:34:06+08:00`` → ``2026年11月23日`` (the committer's calendar day)."""
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return f"{year}年{month}月{day}日"


def edit_url(repo_url: str, edit_uri: str, repo_path: str) -> str:
    """Edit address of any repository file, from MkDocs' ``edit_uri`` (e.g. ``edit/main/docs/``)."""
    base = edit_uri.strip("/")
    if base.endswith("docs"):
        base = posixpath.dirname(base)
    return f"{repo_url.rstrip('/')}/{base}/{repo_path}"


def view_url(repo_url: str, edit_uri: str, repo_path: str) -> str:
    """Address of a repository file's raw text: the edit address with its first ``edit/`` made ``raw/``.

    Only that one segment changes: a file under ``docs/editing/`` keeps its name.
    """
    base = edit_url(repo_url, edit_uri, repo_path)
    head = repo_url.rstrip("/") + "/"
    rest = base[len(head):]
    return head + ("raw/" + rest[len("edit/"):] if rest.startswith("edit/") else rest)


def source_file(edit_uri: str | None, docs_prefix: str = "docs/") -> str | None:
    """The repository file a page is built from, from MkDocs' ``File.edit_uri`` (relative to docs/).

    A hand-written page gives its own path; a generated page names its data file (``../data/…``).
    """
    return posixpath.normpath(docs_prefix + edit_uri) if edit_uri else None


def folder_url(repo_url: str, edit_uri: str, folder: str) -> str:
    """Browse address of a repository folder (``edit/main/docs/`` → ``tree/main/<folder>``)."""
    base = edit_url(repo_url, edit_uri, folder.rstrip("/"))
    return base.replace("/edit/", "/tree/", 1)
