"""The Dockerfile, linted by the rules we care about (no Docker engine runs here and hadolint
is not packaged for Debian, so the instructions are parsed and checked directly)."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest


def instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, with continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    assert not pending, "a continuation line runs off the end of the file"
    result = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        result.append((keyword.upper(), args.strip()))
    return result


@pytest.fixture
def dockerfile(repo_root: Path) -> list[tuple[str, str]]:
    return instructions((repo_root / "Dockerfile").read_text(encoding="utf-8"))


def args_of(dockerfile: list[tuple[str, str]], keyword: str) -> list[str]:
    return [args for kw, args in dockerfile if kw == keyword]


def test_the_base_image_is_a_pinned_slim_python(dockerfile: list[tuple[str, str]]) -> None:
    (base,) = args_of(dockerfile, "FROM")
    image = base.split()[0]
    name, _, tag = image.partition(":")
    assert name == "python"
    assert re.fullmatch(r"\d+\.\d+\.\d+-slim-\w+", tag), f"unpinned or not slim: {image}"
    assert "latest" not in image


def test_the_process_runs_as_a_named_non_root_user(dockerfile: list[tuple[str, str]]) -> None:
    keywords = [kw for kw, _ in dockerfile]
    users = args_of(dockerfile, "USER")
    assert users, "no USER: the relay would run as root"
    final_user = users[-1].split(":")[0]
    assert final_user not in {"root", "0"}
    last_user = max(i for i, kw in enumerate(keywords) if kw == "USER")
    assert "RUN" not in keywords[last_user:], "nothing should run as root after the switch"
    assert any(
        "useradd --system --uid" in a and final_user in a for a in args_of(dockerfile, "RUN")
    )


def test_the_healthcheck_asks_healthz_with_python_not_curl(
    dockerfile: list[tuple[str, str]],
) -> None:
    (health,) = args_of(dockerfile, "HEALTHCHECK")
    options, _, command = health.partition("CMD ")
    assert "--interval=" in options and "--timeout=" in options
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"]
    assert "urllib.request" in argv[2] and "/healthz" in argv[2]
    assert "curl" not in health and "wget" not in health
    compile(argv[2], "<healthcheck>", "exec")


def test_nothing_is_fetched_by_add_and_the_tree_is_copied(
    dockerfile: list[tuple[str, str]], repo_root: Path
) -> None:
    for add in args_of(dockerfile, "ADD"):
        assert not re.search(r"https?://", add), f"ADD of a URL: {add}"
    copied = [shlex.split(a) for a in args_of(dockerfile, "COPY")]
    sources = {
        src.rstrip("/") for parts in copied for src in parts[:-1] if not src.startswith("--")
    }
    assert {"pyproject.toml", "mailguard"} <= sources
    for src in sources:
        assert (repo_root / src).exists(), f"COPY {src}: not in the tree"
    assert any(re.search(r"pip install\b.* \.(\s|$)", r) for r in args_of(dockerfile, "RUN"))


def test_the_build_context_keeps_what_copy_needs_and_drops_local_state(
    dockerfile: list[tuple[str, str]], repo_root: Path
) -> None:
    ignore = (repo_root / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [p.strip() for p in ignore if p.strip() and not p.startswith("#")]

    def included(path: str) -> bool:
        keep = True
        for pattern in patterns:
            negated = pattern.startswith("!")
            pat = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pat) or fnmatch.fnmatch(path, pat + "/*"):
                keep = negated
        return keep

    for parts in (shlex.split(a) for a in args_of(dockerfile, "COPY")):
        for src in parts[:-1]:
            assert included(src.rstrip("/")), f"COPY {src} but .dockerignore drops it"
    for local in ("var/mailguard.sqlite3", ".venv/bin/python", ".git/HEAD", "tests/conftest.py"):
        assert not included(local), f"{local} would be sent to the build"


def test_the_smtp_and_web_ports_are_exposed(dockerfile: list[tuple[str, str]]) -> None:
    exposed = {p for a in args_of(dockerfile, "EXPOSE") for p in a.split()}
    assert {"2525", "8025"} <= exposed


def test_the_entrypoint_is_the_installed_console_script(
    dockerfile: list[tuple[str, str]],
) -> None:
    (entrypoint,) = args_of(dockerfile, "ENTRYPOINT")
    (cmd,) = args_of(dockerfile, "CMD")
    assert json.loads(entrypoint) == ["mailguard"]
    assert json.loads(cmd)[0] == "serve"


def test_every_data_file_of_the_package_reaches_the_installed_image(repo_root: Path) -> None:
    """``pip install .`` in the image ships only what ``package-data`` names: a template or SQL
    file of a new kind would be missing from the container while every test here passes."""
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["mailguard"]
    package = repo_root / "mailguard"
    data_files = [
        path
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert data_files, "templates and SQL files are expected"
    for path in data_files:
        assert any(fnmatch.fnmatch(path.name, p.rsplit("/", 1)[-1]) for p in patterns), (
            f"{path.relative_to(repo_root)} is not in [tool.setuptools.package-data]"
        )
