"""The supply chain: hash-pinned Python packages, a deploy that installs only what building needs,
npm packages installed without their scripts, and vendored bundles published with their licences."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

REQUIREMENTS = ROOT / "requirements"
# The copyright line of each npm package the build copies into the site (package.json's
# "dependencies"); a package added there fails the licence test until it is named here.
COPYRIGHT = {
    "decap-cms": "Copyright (c) 2016 Netlify",
    "qrcode-generator": "Copyright (c) 2009 Kazuhiko Arase",
}
MIT_PERMISSION = "Permission is hereby granted, free of charge, to any person obtaining"
LICENSE_POINTER = re.compile(rb"\A/\*! For license information please see (\S+) \*/")


def locked(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """A lock file's packages: name → (version, hashes)."""
    packages = {}
    for entry in re.split(r"\n(?=[A-Za-z])", (REQUIREMENTS / name).read_text(encoding="utf-8")):
        if entry.startswith("#"):
            continue
        requirement = re.match(r"([A-Za-z0-9._-]+)==(\S+)", entry)
        assert requirement, f"{name}: not pinned to one version: {entry.splitlines()[0]}"
        hashes = frozenset(re.findall(r"--hash=sha256:([0-9a-f]{64})", entry))
        assert hashes, f"{name}: {requirement[1]} has no hash"
        packages[requirement[1].lower()] = (requirement[2], hashes)
    return packages


def named_in(name: str) -> set[str]:
    """The packages a requirements/*.in file asks for itself."""
    lines = (REQUIREMENTS / name).read_text(encoding="utf-8").splitlines()
    return {re.split(r"[\[=<>]", line)[0].lower() for line in lines if line and not line.startswith(("#", "-"))}


def test_every_python_package_is_pinned_with_its_hashes_and_tests_keep_the_build_pins() -> None:
    build, test = locked("build.txt"), locked("test.txt")
    assert {**locked("sdist.txt"), **locked("lock.txt")}  # pinned and hashed as well
    assert {name: test.get(name) for name in build} == build, "test.txt must hold build.txt's pins and hashes"
    test_only = named_in("test.in") - named_in("build.in")
    assert {"pytest", "playwright", "pagefind", "ruff", "mypy"} <= test_only
    assert not test_only & build.keys(), "the deploy would install test tools"


def dry_run(target: str, tmp_path: Path) -> list[str]:
    """The commands `make TARGET` runs on a machine with nothing installed yet."""
    result = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path}/venv", f"NODE_STAMP={tmp_path}/node_modules/.installed"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize(("target", "lock_file"), [("build", "build.txt"), ("test", "test.txt")])
def test_make_installs_its_lock_file_hash_checked_and_npm_packages_without_scripts(target: str, lock_file: str,
                                                                                    tmp_path: Path) -> None:
    commands = dry_run(target, tmp_path)
    *pip, project = [command for command in commands if " pip install" in command]
    assert [re.search(r"-r (\S+)", command)[1] for command in pip] == ["requirements/sdist.txt", f"requirements/{lock_file}"]
    assert all("--require-hashes" in command for command in pip), pip
    # Last, the project itself (MkDocs finds its plugin by entry point): from this folder, nothing fetched or resolved.
    assert project.endswith(" -e .") and "--no-index" in project and "--no-deps" in project, project
    npm = [command for command in commands if command.startswith("npm ")]
    assert npm and all(command.startswith("npm ci ") and "--ignore-scripts" in command for command in npm), npm


def test_no_npm_package_needs_the_install_script_npm_ci_skips() -> None:
    packages = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert [name for name, package in packages.items() if package.get("hasInstallScript")] == []


@pytest.mark.build
def test_every_vendored_bundle_is_published_with_its_licence(built_site: Path) -> None:
    """Each file of the site copied from a shipped npm package has, in its folder, a licence file with
    the package's copyright and licence; a bundle that points to its licence file finds it there, whole."""
    shipped = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    origin = {}
    for package in shipped:
        for path in (ROOT / "node_modules" / package).rglob("*"):
            if path.is_file():
                origin[hashlib.sha256(path.read_bytes()).digest()] = (package, path)
    copies: dict[str, int] = dict.fromkeys(shipped, 0)
    for path in built_site.rglob("*"):
        if not path.is_file() or path.suffix == ".txt":
            continue
        content = path.read_bytes()
        found = origin.get(hashlib.sha256(content).digest())
        if not found:
            continue
        package, original = found
        copies[package] += 1
        licences = " ".join(licence.read_text(encoding="utf-8") for licence in path.parent.glob("*LICENSE.txt"))
        where = path.relative_to(built_site)
        assert COPYRIGHT[package] in licences and MIT_PERMISSION in licences, f"{where}: no licence of {package} beside it"
        pointer = LICENSE_POINTER.match(content)
        if pointer:
            notices = (original.parent / pointer[1].decode()).read_text(encoding="utf-8")
            beside = path.parent / pointer[1].decode()
            assert beside.is_file() and notices in beside.read_text(encoding="utf-8"), f"{where}: {beside.name} lacks the notices"
    assert all(copies.values()), f"a shipped package not found in the site: {copies}"
