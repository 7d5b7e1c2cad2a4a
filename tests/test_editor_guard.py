"""`make editor`'s local backend: reachable from this machine's own site only, writing only under data/ and docs/.

The backend runs as `make editor` runs it (scripts/editor.py's command) in a copy of the
project whose mkdocs.yml and kb_build/ (the build's code) are real files, so a write that got through would show.
Every request goes to 127.0.0.1; a forged Host header stands in for another machine or a
DNS-rebound page.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scripts.editor import backend_command, editable_folders, media_folder
from tests.conftest import ROOT

SITE_PORT = 8000  # the address of the site serving /admin/, as in the Makefile's EDITOR_SITE
SITE = f"http://localhost:{SITE_PORT}"
OPTIONS = {"commitMessage": "x", "useWorkflow": False, "status": "draft", "collectionName": "methods"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def editor_backend(project: Path, site_port: int, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The guarded backend of `make editor` serving ``project`` on ``port``, its output in ``log``."""
    with log.open("wb") as output:
        server = subprocess.Popen(backend_command(project, site_port, port), stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the editor backend did not start:\n{log.read_text(encoding='utf-8')}")
            time.sleep(0.1)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


class Backend:
    def __init__(self, project: Path, port: int, pid: int, log: Path) -> None:
        self.project, self.port, self.pid, self.log = project, port, pid, log

    def post(self, body: object, host: str | None = None, origin: str | None = SITE) -> tuple[int, dict]:
        """POST ``body`` to the API on 127.0.0.1, saying ``host`` (default: localhost) in the Host header."""
        headers = {"Host": host or f"localhost:{self.port}", "Content-Type": "application/json"}
        if origin:
            headers["Origin"] = origin
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", "/api/v1", json.dumps(body), headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            connection.close()


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    root = tmp_path_factory.mktemp("editor")  # the project and a folder beside it
    project = root / "project"
    for name in ("data", "docs", "kb_build"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (root / "outside").mkdir()
    port = free_port()
    log = tmp_path_factory.mktemp("editor-log") / "backend.log"
    with editor_backend(project, SITE_PORT, port, log) as server:
        yield Backend(project, port, server.pid, log)


def outside_editable(project: Path) -> dict[str, str]:
    """Every file of the project (and beside it) not under an editable folder, with a hash of its content."""
    editable = [project / folder for folder in editable_folders()]
    files = {}
    for path in sorted(project.parent.rglob("*")):
        if path.is_file() and not path.is_symlink() and not any(path.is_relative_to(folder) for folder in editable):
            files[str(path.relative_to(project.parent))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def entry(path: str, raw: str = "id: x\n", assets: tuple[str, ...] = (), **more: str) -> dict:
    return {"action": "persistEntry", "params": {"branch": "main", "entry": {"slug": "x", "path": path, "raw": raw, **more},
                                                 "assets": [asset(path) for path in assets], "options": OPTIONS}}


def asset(path: str, content: bytes = b'print("pwned")\n') -> dict:
    return {"path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"}


def media(path: str, content: bytes = b'print("pwned")\n') -> dict:
    return {"action": "persistMedia", "params": {"branch": "main", "options": {"commitMessage": "x"},
                                                 "asset": asset(path, content)}}


def delete(*paths: str) -> dict:
    options = {"commitMessage": "x"}
    if len(paths) == 1:
        return {"action": "deleteFile", "params": {"branch": "main", "path": paths[0], "options": options}}
    return {"action": "deleteFiles", "params": {"branch": "main", "paths": list(paths), "options": options}}


def a_method(project: Path) -> str:
    return min(path.name for path in (project / "data/methods").glob("*.yml") if not path.is_symlink())


# Requests that name a path outside data/ and docs/, each made (symbolic links first) in the project.
REFUSED: dict[str, Callable[[Path], dict]] = {
    "write mkdocs.yml": lambda project: entry("mkdocs.yml", "site_name: x\nhooks: [hooks/pwn.py]\n"),
    "write build code": lambda project: media("kb_build/pwn.py"),
    "build code as an entry's asset": lambda project: entry("data/methods/ok.yml", assets=("kb_build/pwn.py",)),
    "move a record into kb_build/": lambda project: entry(f"data/methods/{a_method(project)}", newPath="kb_build/pwn.py"),
    "delete mkdocs.yml": lambda project: delete("mkdocs.yml"),
    "delete build code among records": lambda project: delete("data/methods/none.yml", "kb_build/web_editor.py"),
    "../ out of data/": lambda project: entry("data/../mkdocs.yml"),
    "../ out of the project": lambda project: media("data/../../outside/pwn.py"),
    "absolute path into the project": lambda project: entry(str(project / "mkdocs.yml")),
    "absolute path elsewhere": lambda project: media(str(project.parent / "outside/pwn.py")),
    "backslashes": lambda project: entry("data\\..\\mkdocs.yml"),
    "URL-encoded ../": lambda project: entry("data/%2e%2e/mkdocs.yml"),
    "symlinked folder in data/ to kb_build/": lambda project: (
        (project / "data/methods/linked-code").symlink_to(project / "kb_build"), media("data/methods/linked-code/pwn.py"))[1],
    "symlinked file in data/ to mkdocs.yml": lambda project: (
        (project / "data/methods/linked.yml").symlink_to(project / "mkdocs.yml"), entry("data/methods/linked.yml"))[1],
    "delete through a symlink in docs/": lambda project: (
        (project / "docs/linked.md").symlink_to(project / "mkdocs.yml"), delete("docs/linked.md"))[1],
    "symlinked folder in docs/ out of the project": lambda project: (
        (project / "docs/linked-out").symlink_to(project.parent / "outside"), media("docs/linked-out/pwn.py"))[1],
    "dangling symlink in data/ to new build code": lambda project: (
        (project / "data/methods/dangling.yml").symlink_to(project / "kb_build/new.py"), entry("data/methods/dangling.yml"))[1],
    "read mkdocs.yml": lambda project: {"action": "getEntry", "params": {"branch": "main", "path": "mkdocs.yml"}},
    "an action of decap's git mode": lambda project: {"action": "publishUnpublishedEntry", "params": {
        "branch": "main", "collection": "methods", "slug": "x"}},
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_path_outside_data_and_docs_is_refused_and_nothing_there_changes(backend: Backend, name: str) -> None:
    before = outside_editable(backend.project)
    body = REFUSED[name](backend.project)
    status, answer = backend.post(body)
    assert status == 403, (status, answer)
    assert outside_editable(backend.project) == before
    reason = answer["error"].removeprefix("本机编辑器拒绝了这个请求：")
    assert reason != answer["error"] and reason in backend.log.read_text(encoding="utf-8")  # logged too


def test_a_refusal_names_the_path_and_the_folders_allowed(backend: Backend) -> None:
    status, answer = backend.post(media("kb_build/pwn.py"))
    assert status == 403
    folders = "、".join(f"{folder}/" for folder in editable_folders())
    assert answer["error"] == f"本机编辑器拒绝了这个请求：persistMedia：路径“kb_build/pwn.py”不在可编辑的文件夹（{folders}）之下"


def test_a_refusal_is_logged_without_the_control_characters_of_the_request(backend: Backend) -> None:
    status, answer = backend.post(entry("data/methods/\x1b[2J\u202ex.yml"))
    assert status == 403 and "data/methods/\\u001b[2J\\u202ex.yml" in answer["error"]
    refusals = [line for line in backend.log.read_text(encoding="utf-8").splitlines() if "[editor-guard]" in line]
    assert "data/methods/\\u001b[2J\\u202ex.yml" in refusals[-1]
    assert not any("\x1b" in line or "\u202e" in line for line in refusals)


@pytest.mark.parametrize("host", ["attacker.example:{port}", "attacker.example", "localhost.attacker.example:{port}",
                                  "127.0.0.1:{port}.attacker.example", "192.168.1.20:{port}", "localhost:1"])
def test_a_forged_host_is_refused_and_writes_nothing(backend: Backend, host: str) -> None:
    host = host.format(port=backend.port)
    status, answer = backend.post(entry("data/methods/forged-host.yml"), host=host)
    assert status == 403, (status, answer)
    assert f"Host“{host.lower()}”不是本机地址" in answer["error"]
    assert not (backend.project / "data/methods/forged-host.yml").exists()


@pytest.mark.parametrize("origin", ["http://attacker.example", "http://localhost:9999", "null", "https://localhost:8000"])
def test_a_page_of_another_site_is_refused(backend: Backend, origin: str) -> None:
    status, answer = backend.post(entry("data/methods/other-origin.yml"), origin=origin)
    assert status == 403, (status, answer)
    assert f"来源（Origin）“{origin}”不是本机的网站" in answer["error"]
    assert not (backend.project / "data/methods/other-origin.yml").exists()


@pytest.mark.parametrize(("host", "origin"), [("localhost:{port}", SITE), ("127.0.0.1:{port}", "http://127.0.0.1:8000"),
                                              ("127.0.0.1:{port}", None)])
def test_the_editor_saves_reads_and_deletes_records_pages_and_media(backend: Backend, host: str, origin: str | None) -> None:
    host = host.format(port=backend.port)
    record = backend.project / "data/methods/x-from-editor.yml"
    assert backend.post(entry("data/methods/x-from-editor.yml", "id: x-from-editor\n"), host, origin) == (
        200, {"message": "entry persisted"})
    assert record.read_text(encoding="utf-8") == "id: x-from-editor\n"
    status, answer = backend.post({"action": "getEntry", "params": {"branch": "main", "path": "data/methods/x-from-editor.yml"}},
                                  host, origin)
    assert status == 200 and answer["data"] == "id: x-from-editor\n"
    page = next((backend.project / "docs/methods").glob("*.md")).relative_to(backend.project).as_posix()
    assert backend.post(entry(page, "新的页面文字\n"), host, origin)[0] == 200
    assert (backend.project / page).read_text(encoding="utf-8") == "新的页面文字\n"
    image = f"{media_folder()}/x.png"
    status, answer = backend.post(media(image, b"\x89PNG"), host, origin)
    assert status == 200 and (backend.project / image).read_bytes() == b"\x89PNG"
    assert backend.post(delete("data/methods/x-from-editor.yml", image), host, origin)[0] == 200
    assert not record.exists() and not (backend.project / image).exists()


def listening_addresses(pid: int) -> list[str]:
    """The local addresses of the TCP sockets process ``pid`` listens on, read from /proc."""
    inodes = {os.readlink(fd)[len("socket:["):-1] for fd in Path(f"/proc/{pid}/fd").iterdir()
              if os.readlink(fd).startswith("socket:[")}
    addresses = []
    for table, width in (("tcp", 4), ("tcp6", 16)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A: LISTEN
                address, port = local.split(":")
                raw = bytes.fromhex(address)
                # /proc prints each 32-bit word in host (little-endian) order.
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, width, 4))
                host = socket.inet_ntop(socket.AF_INET if width == 4 else socket.AF_INET6, words)
                addresses.append(f"{host}:{int(port, 16)}")
    return addresses


def test_the_backend_listens_on_the_loopback_address_only(backend: Backend) -> None:
    assert listening_addresses(backend.pid) == [f"127.0.0.1:{backend.port}"]
