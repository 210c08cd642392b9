#!/usr/bin/env python
"""The dependency locks and pyproject.toml agree, or this says so (standard library only).

    python scripts/deps.py check          # exit 1 with a message when a lock is stale
    python scripts/deps.py stamp          # after `uv pip compile`: record what the locks were made from

requirements/app.lock holds the exact transitive versions (with hashes) of ``[project].dependencies``
(production installs it); requirements/dev.lock adds every dependency group (scripts/setup.sh installs
it). Both are written by scripts/lock. Each lock's first line records a digest of what it was made
from (requires-python, the dependencies, the groups): when pyproject.toml changes and the locks do not,
the digests differ, and scripts/setup.sh and tests/core/test_lock.py fail instead of installing
something other than what pyproject.toml asks for.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCKS = {"app": ROOT / "requirements" / "app.lock", "dev": ROOT / "requirements" / "dev.lock"}
STAMP_PREFIX = "# pyproject-sha256: "


def lock_inputs(pyproject: Path = PYPROJECT) -> dict:
    """The parts of pyproject.toml a lock is made from."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    return {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "dependency-groups": {k: sorted(v) for k, v in sorted(data.get("dependency-groups", {}).items())},
    }


def inputs_digest(pyproject: Path = PYPROJECT) -> str:
    return hashlib.sha256(json.dumps(lock_inputs(pyproject), sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    """The digest a lock's header says it was made from (None: no header, or no lock)."""
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(STAMP_PREFIX):
            return line[len(STAMP_PREFIX):].strip()
        if line and not line.startswith("#"):
            break
    return None


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path) -> dict[str, str]:
    """{normalised name: version} of every ``name==version`` line in a lock."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if m:
            pins[_canon(m.group(1))] = m.group(2)
    return pins


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for req in requirements:
        m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)", req)
        if m:
            pins[_canon(m.group(1))] = m.group(2)
    return pins


def problems(pyproject: Path = PYPROJECT, locks: dict[str, Path] = LOCKS) -> list[str]:
    """What is wrong between pyproject.toml and the locks; [] when they agree."""
    found = []
    want = inputs_digest(pyproject)
    inputs = lock_inputs(pyproject)
    expected = {
        "app": inputs["dependencies"],
        "dev": inputs["dependencies"] + [r for group in inputs["dependency-groups"].values() for r in group],
    }
    for kind, lock in locks.items():
        rel = lock.relative_to(ROOT) if lock.is_relative_to(ROOT) else lock
        if not lock.exists():
            found.append(f"{rel} is missing: run scripts/lock")
            continue
        if recorded_digest(lock) != want:
            found.append(f"{rel} was not made from this pyproject.toml: run scripts/lock")
        locked = locked_versions(lock)
        for name, version in _pins(expected[kind]).items():
            if locked.get(name) != version:
                found.append(f"{rel}: pyproject.toml pins {name}=={version}, the lock has {locked.get(name, 'nothing')}")
    return found


def stamp(pyproject: Path = PYPROJECT, locks: dict[str, Path] = LOCKS) -> None:
    """Put (or replace) the digest line at the top of each lock."""
    line = STAMP_PREFIX + inputs_digest(pyproject)
    for lock in locks.values():
        text = lock.read_text(encoding="utf-8").splitlines()
        text = [ln for ln in text if not ln.startswith(STAMP_PREFIX)]
        lock.write_text("\n".join([line, *text]) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv == ["check"]:
        found = problems()
        for msg in found:
            print(f"[deps] {msg}", file=sys.stderr)
        return 1 if found else 0
    if argv == ["groups"]:  # for scripts/lock and scripts/setup.sh: `--group a --group b ...`
        print(" ".join(f"--group {name}" for name in lock_inputs()["dependency-groups"]))
        return 0
    if argv == ["stamp"]:
        stamp()
        return 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
