"""The dependency locks: made from pyproject.toml as it is (a changed pin without scripts/lock fails
here and in scripts/setup.sh), hashed, and for every Python pyproject.toml accepts (3.11-3.13)."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

from tests.core.test_stack import ROOT, _load

deps = _load("deps")


def test_locks_agree_with_pyproject():
    assert deps.problems() == []
    check = subprocess.run([sys.executable, "scripts/deps.py", "check"], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def _copy(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    (tmp_path / "requirements").mkdir()
    pyproject = tmp_path / "pyproject.toml"
    shutil.copy(ROOT / "pyproject.toml", pyproject)
    locks = {}
    for kind, lock in deps.LOCKS.items():
        locks[kind] = tmp_path / "requirements" / lock.name
        shutil.copy(lock, locks[kind])
    return pyproject, locks


def test_a_pin_changed_without_relocking_is_caught(tmp_path):
    pyproject, locks = _copy(tmp_path)
    assert deps.problems(pyproject, locks) == []
    pyproject.write_text(pyproject.read_text().replace('"Django==5.2.19"', '"Django==5.2.20"'))
    found = deps.problems(pyproject, locks)
    assert any("was not made from this pyproject.toml" in msg for msg in found)
    assert any("django==5.2.20, the lock has 5.2.19" in msg for msg in found)


def test_a_new_dependency_without_relocking_is_caught(tmp_path):
    pyproject, locks = _copy(tmp_path)
    pyproject.write_text(pyproject.read_text().replace('    "polib==1.2.0",', '    "polib==1.2.0",\n    "freezegun==1.5.1",'))
    found = deps.problems(pyproject, locks)
    assert any("freezegun==1.5.1, the lock has nothing" in msg for msg in found)
    # restamping alone does not hide a pin the lock lacks
    deps.stamp(pyproject, locks)
    assert deps.problems(pyproject, locks) == [f"{locks['dev']}: pyproject.toml pins freezegun==1.5.1, the lock has nothing"]


def test_every_locked_requirement_is_pinned_and_hashed():
    for lock in deps.LOCKS.values():
        text = lock.read_text()
        entries = [block for block in text.split("\n") if block and not block.startswith((" ", "#"))]
        assert entries, lock
        for entry in entries:
            assert "==" in entry and entry.rstrip().endswith("\\"), f"{lock.name}: {entry} has no exact pin and hashes"


def test_python_311_to_313_are_accepted():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    spec = SpecifierSet(project["requires-python"])
    assert all(spec.contains(v) for v in ("3.11.0", "3.12.1", "3.13.0")), spec
    assert not spec.contains("3.10.12")
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "(3, 11) <= sys.version_info[:2] <= (3, 13)" in setup
    assert "--require-hashes" in setup and "requirements/dev.lock" in setup
