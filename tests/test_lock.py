"""requirements.lock, which make install uses, holds every dependency pyproject.toml pins, at that version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\[=<>!~; ]", requirement, maxsplit=1)[0]).lower()


def test_lock_pins_what_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"]) + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            locked[_name(name)] = version.strip()
    missing = []
    for requirement in declared:
        assert "==" in requirement, f"not pinned in pyproject.toml: {requirement}"
        version = requirement.split("==", 1)[1].split(";")[0].strip()
        if locked.get(_name(requirement)) != version:
            missing.append(f"{requirement} (lock: {locked.get(_name(requirement))})")
    assert not missing, "run make lock: " + ", ".join(missing)
