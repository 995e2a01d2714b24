"""Dependency audit for ./test: pip-audit over a hashed lock file, said plainly.

pip-audit asks a vulnerability service about every locked release. When the service cannot be reached
(a closed network) or knows none of them, pip-audit still prints « No known vulnerabilities found »,
which reads like a clean bill: this wrapper says instead how many packages were really audited.
    python scripts/audit_deps.py requirements/test.lock
Exit 1 when a vulnerability is found that `requirements/audit-ignore.txt` does not list (one id per line,
with the reason after a #); 0 otherwise, including « not audited », which is reported, not hidden.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SERVICES = ("pypi", "osv")  # PyPI's JSON API first; OSV when PyPI does not answer


def ignored_ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.split("#", 1)[0].strip() for line in path.read_text().splitlines() if line.split("#", 1)[0].strip()]


def run_pip_audit(lock: str, service: str, ignore: list[str]) -> tuple[dict | None, str]:
    """The JSON report, or None with the reason when pip-audit could not reach the service."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.json"
        cmd = [sys.executable, "-m", "pip_audit", "-r", lock, "--disable-pip", "--require-hashes",
               "--progress-spinner", "off", "--timeout", "15", "-s", service, "-f", "json", "-o", str(out)]
        for vuln in ignore:
            cmd += ["--ignore-vuln", vuln]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if not out.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, last[:300]
        return json.loads(out.read_text()), ""


def summarize(report: dict) -> tuple[list[str], int, int]:
    """(vulnerability lines, packages audited, packages skipped)."""
    found, audited, skipped = [], 0, 0
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped += 1
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            found.append(f"{dep['name']} {dep.get('version', '?')}: {vuln['id']} (fixed in {fixes})")
    return found, audited, skipped


def main(lock: str) -> int:
    ignore = ignored_ids(Path(lock).parent / "audit-ignore.txt")
    reasons = []
    for service in SERVICES:
        report, failure = run_pip_audit(lock, service, ignore)
        if report is None:
            reasons.append(f"{service}: {failure}")
            continue
        found, audited, skipped = summarize(report)
        if audited == 0:
            reasons.append(f"{service}: answered for none of the {skipped} packages")
            continue
        print(f"Dependency audit ({service}): {audited} packages audited, {skipped} not known to the service, "
              f"{len(ignore)} advisories ignored by requirements/audit-ignore.txt.")
        for line in found:
            print(f"  VULNERABLE {line}")
        return 1 if found else 0
    print("Dependency audit NOT DONE: no vulnerability service could be reached, so the locked dependencies "
          "were not checked for known vulnerabilities.")
    for reason in reasons:
        print(f"  - {reason}")
    print("  Run `python scripts/audit_deps.py requirements/test.lock` where pypi.org or api.osv.dev is reachable.")
    return 0 if os.environ.get("RAR_REQUIRE_AUDIT") != "1" else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements/test.lock"))
