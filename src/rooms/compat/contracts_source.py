"""Turning "a git ref or a path" into plain files: the contracts of one version, on disk."""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

CONTRACTS_DIR = "contracts"
OPENAPI_FILE = "openapi.yaml"
AVRO_DIR = "avro"
ASYNCAPI_FILE = "asyncapi.yaml"
# A document that says `asyncapi: ...` at the top level is an AsyncAPI one, whatever its name.
_ASYNCAPI_KEY = re.compile(r"^\s*\{?\s*[\"']?asyncapi[\"']?\s*:", re.MULTILINE)


class SourceError(ValueError):
    """The version named cannot be read: neither an existing path nor a git ref."""


@dataclass(frozen=True)
class ContractTree:
    """The contracts of one version; a part that version does not have is None."""

    label: str
    openapi: Path | None
    avro: Path | None
    asyncapi: Path | None = None

    @classmethod
    def from_directory(cls, label: str, directory: Path) -> ContractTree:
        openapi, avro = directory / OPENAPI_FILE, directory / AVRO_DIR
        asyncapi = directory / ASYNCAPI_FILE
        return cls(
            label,
            openapi if openapi.is_file() else None,
            avro if avro.is_dir() else None,
            asyncapi if asyncapi.is_file() else None,
        )

    @classmethod
    def from_file(cls, label: str, path: Path) -> ContractTree:
        """One document given on its own: an AsyncAPI one, or else the OpenAPI contract."""
        try:
            is_asyncapi = bool(_ASYNCAPI_KEY.search(path.read_text(encoding="utf-8")[:4096]))
        except (OSError, UnicodeDecodeError):
            is_asyncapi = False  # the OpenAPI reader then says what is wrong with the file
        return cls(label, None, None, path) if is_asyncapi else cls(label, path, None)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # Arguments are passed as a list, never through a shell; `git` is found on PATH on purpose.
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)  # noqa: S603, S607


def repository_root(start: Path) -> Path | None:
    result = _git(start, "rev-parse", "--show-toplevel")
    return Path(result.stdout.decode().strip()) if result.returncode == 0 else None


def resolve_commit(repo: Path, ref: str) -> str | None:
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return result.stdout.decode().strip() if result.returncode == 0 else None


def materialise_ref(repo: Path, ref: str, commit: str, into: Path) -> ContractTree:
    """Write the `contracts/` tree of `commit` under `into`, as plain files both engines read."""
    listing = _git(repo, "ls-tree", "-d", "--name-only", commit, CONTRACTS_DIR)
    if listing.returncode != 0 or not listing.stdout.strip():
        return ContractTree(ref, None, None)  # that version predates the contracts
    archive = _git(repo, "archive", "--format=tar", commit, CONTRACTS_DIR)
    if archive.returncode != 0:
        raise SourceError(f"git archive {ref}: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        # The "data" filter refuses links and paths that would land outside `into`.
        tar.extractall(into, filter="data")
    return ContractTree.from_directory(ref, into / CONTRACTS_DIR)


def contract_tree(spec: str, repo: Path | None, into: Path) -> ContractTree:
    """`spec` is a path (an OpenAPI file, a contracts folder, or a checkout) or a git ref."""
    path = Path(spec)
    if path.is_file():
        return ContractTree.from_file(spec, path)
    if path.is_dir():
        if (path / CONTRACTS_DIR).is_dir() and not (path / OPENAPI_FILE).exists():
            return ContractTree.from_directory(spec, path / CONTRACTS_DIR)
        return ContractTree.from_directory(spec, path)
    if repo is None:
        raise SourceError(f"{spec!r} is not a path, and there is no git repository to find it in")
    commit = resolve_commit(repo, spec)
    if commit is None:
        raise SourceError(f"{spec!r} is neither an existing path nor a git ref in {repo}")
    into.mkdir(parents=True, exist_ok=True)
    return materialise_ref(repo, spec, commit, into)
