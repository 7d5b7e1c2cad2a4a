"""The web editor's local backend for ``make editor``: decap-server behind a guard, this machine only.

scripts/editor-server.cjs serves decap-server's file-system API (npm, pinned) on 127.0.0.1
only; it refuses a request whose Host is not this machine on its port, whose Origin is not
the local site that serves /admin/, or that names a path outside data/, docs/ and the CMS's
media folder (symbolic links resolved). This module is the one place its command is made:
the Makefile's ``editor`` target runs it, the tests start the same command.

    python -m scripts.editor --site 127.0.0.1:8000   (the address ``mkdocs serve`` uses)
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from macros.cms import LOCAL_BACKEND, decap_config

PROJECT = Path(__file__).resolve().parent.parent
SERVER = PROJECT / "scripts" / "editor-server.cjs"
# The names a browser on this machine may give the site, the only pages allowed to call the backend.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def media_folder() -> str:
    """The folder the CMS uploads images to, as macros/cms.py configures it."""
    return decap_config("owner/repo", "main", "", None)["media_folder"].strip("/")


def editable_folders() -> list[str]:
    """The records, the pages and the media folder (when it is not inside one of them)."""
    folders = ["data", "docs"]
    media = media_folder()
    if not any(media == folder or media.startswith(f"{folder}/") for folder in folders):
        folders.append(media)
    return folders


def backend_port() -> int:
    """The port the published editor looks for its local backend on (macros/cms.py)."""
    return int(LOCAL_BACKEND.rsplit(":", 1)[1])


def backend_command(project: Path, site_port: int, port: int) -> list[str]:
    """The command serving ``project``'s editor backend on 127.0.0.1:``port`` to pages served on ``site_port``."""
    command = ["node", str(SERVER), "--project", str(project.resolve()), "--port", str(port)]
    for host in LOCAL_HOSTS:
        command += ["--origin", f"http://{host}:{site_port}"]
    for folder in editable_folders():
        command += ["--folder", folder]
    return command


def site_port(address: str) -> int:
    match = re.fullmatch(r"(?:localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})", address)
    if not match or not 0 < int(match.group(1)) < 65536:
        raise argparse.ArgumentTypeError(f"“{address}”不是本机网站的地址，应当像 127.0.0.1:8000")
    return int(match.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="在线编辑器的本机后端（decap-server 加访问限制，只在本机监听）")
    parser.add_argument("--site", type=site_port, required=True, metavar="HOST:PORT",
                        help="mkdocs serve 的地址，例如 127.0.0.1:8000；只有这个网站的页面可以调用后端")
    args = parser.parse_args(argv)
    command = backend_command(PROJECT, args.site, backend_port())
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
