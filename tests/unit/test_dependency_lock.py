"""The hashed lock files agree with pyproject.toml, and the audit wrapper tells an audit from no audit."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import audit_deps  # noqa: E402
import lock_check  # noqa: E402


@pytest.mark.parametrize("lock, with_tests", [("portal.lock", False), ("test.lock", True)])
def test_lock_pins_what_pyproject_pins_and_hashes_every_file(lock, with_tests, monkeypatch):
    monkeypatch.chdir(ROOT)
    text = (ROOT / "requirements" / lock).read_text()
    have = lock_check.locked(str(ROOT / "requirements" / lock))
    for name, version in lock_check.pins(with_tests).items():
        assert have.get(name) == version, f"{lock}: {name} is {have.get(name)}, pyproject pins {version}"
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    pinned = [e for e in entries if re.match(r"^[A-Za-z0-9_.-]+==", e)]
    assert len(pinned) == len(have) > 10
    for entry in pinned:
        assert "--hash=sha256:" in entry, f"{lock}: no hash for {entry.splitlines()[0]}"


def test_lock_check_refuses_a_lock_that_disagrees(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0"\ndependencies = ["authlib==1.9.10", "psycopg[binary]==3.3.9"]\n'
        '[project.optional-dependencies]\ntest = ["pytest==9.2.0"]\n')
    (tmp_path / "ok.lock").write_text("authlib==1.9.10 \\\n    --hash=sha256:ab\npsycopg==3.3.9 \\\n    --hash=sha256:cd\n")
    (tmp_path / "old.lock").write_text("authlib==1.9.6 \\\n    --hash=sha256:ab\npsycopg==3.3.9 \\\n    --hash=sha256:cd\n")
    script = str(ROOT / "scripts" / "lock_check.py")
    assert subprocess.run([sys.executable, script, "ok.lock"], cwd=tmp_path).returncode == 0
    refused = subprocess.run([sys.executable, script, "old.lock"], cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "authlib==1.9.10 (lock: 1.9.6)" in refused.stderr and "scripts/lock.sh" in refused.stderr
    missing = subprocess.run([sys.executable, script, "ok.lock", "--test"], cwd=tmp_path, capture_output=True, text=True)
    assert missing.returncode != 0 and "pytest==9.2.0 (lock: missing)" in missing.stderr


def test_audit_summary_counts_audited_skipped_and_vulnerable():
    report = {"dependencies": [
        {"name": "authlib", "version": "1.9.6", "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["1.9.7"]}]},
        {"name": "pyyaml", "version": "6.0.3", "vulns": []},
        {"name": "pip", "skip_reason": "Dependency not found on PyPI and could not be audited: pip (26.3)"},
    ]}
    found, audited, skipped = audit_deps.summarize(report)
    assert (audited, skipped) == (2, 1)
    assert found == ["authlib 1.9.6: GHSA-xxxx (fixed in 1.9.7)"]


def test_audit_says_not_done_when_no_service_answers(monkeypatch, capsys):
    skipped_everything = {"dependencies": [{"name": "a", "skip_reason": "not found"}]}
    monkeypatch.setattr(audit_deps, "run_pip_audit", lambda lock, service, ignore:
                        (skipped_everything, "") if service == "pypi" else (None, "ConnectionError: no route"))
    monkeypatch.delenv("RAR_REQUIRE_AUDIT", raising=False)
    assert audit_deps.main("requirements/test.lock") == 0
    out = capsys.readouterr().out
    assert "Dependency audit NOT DONE" in out and "pypi: answered for none of the 1 packages" in out
    assert "osv: ConnectionError: no route" in out
    monkeypatch.setenv("RAR_REQUIRE_AUDIT", "1")
    assert audit_deps.main("requirements/test.lock") == 2


def test_audit_fails_on_a_vulnerability(monkeypatch, capsys):
    vulnerable = {"dependencies": [{"name": "authlib", "version": "1.9.6",
                                    "vulns": [{"id": "GHSA-yyyy", "fix_versions": []}]}]}
    monkeypatch.setattr(audit_deps, "run_pip_audit", lambda lock, service, ignore: (vulnerable, ""))
    assert audit_deps.main("requirements/test.lock") == 1
    assert "VULNERABLE authlib 1.9.6: GHSA-yyyy (fixed in no fixed release)" in capsys.readouterr().out
