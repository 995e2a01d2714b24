"""Refuses a lock file that disagrees with pyproject.toml's pins (someone changed a pin and did not
run scripts/lock.sh): installing it would silently give other versions than the ones asked for.
    python scripts/lock_check.py requirements/test.lock [--test]"""
from __future__ import annotations

import re
import sys
import tomllib


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(with_tests: bool) -> dict[str, str]:
    project = tomllib.load(open("pyproject.toml", "rb"))["project"]
    wanted = list(project["dependencies"])
    if with_tests:
        wanted += project["optional-dependencies"]["test"]
    found = {}
    for spec in wanted:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^;\s]+)\s*", spec)
        if not match:
            sys.exit(f"pyproject.toml: {spec!r} is not pinned exactly (name==version)")
        found[_normal(match[1])] = match[2]
    return found


def locked(path: str) -> dict[str, str]:
    return {_normal(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", open(path).read(), re.M)}


def main() -> None:
    path, with_tests = sys.argv[1], "--test" in sys.argv[2:]
    have = locked(path)
    wrong = [f"{name}=={version} (lock: {have.get(name, 'missing')})"
             for name, version in pins(with_tests).items() if have.get(name) != version]
    if wrong:
        sys.exit(f"{path} is out of date with pyproject.toml: " + ", ".join(wrong)
                 + "\nRun scripts/lock.sh and commit the lock files.")


if __name__ == "__main__":
    main()
