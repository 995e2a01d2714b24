"""Peak memory of uploading ten 4 MB files through the document service to the local store.

    .venv/bin/python bench/upload_memory.py [--files 10] [--size 4194304]

Runs in a throw-away data folder (SQLite + local document folder). The files are
valid PDFs of exactly --size bytes (the default upload limit), written to disk
first; each upload reads its file through the service as the portal would
(staged in 64 KB chunks, hashed, sniffed, checked with pypdf, put into the store,
row committed). Two passes:

1. peak RSS (VmHWM, reset before the pass through /proc/self/clear_refs) above
   the resident size just before it — what the process really needed;
2. tracemalloc's peak of Python allocations during the uploads (slower; run
   separately because tracing itself costs memory).

Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux)
        return True
    except OSError:
        return False


def _make_pdf(size: int, seed: int) -> bytes:
    from tests.fixtures.documents.samples import pdf  # the test suite's sample builder

    return pdf(pad_to=size, marker=f"bench {seed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--size", type=int, default=4 * 1024 * 1024)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--generate-into", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_into:  # child process: writing the samples must not inflate the measured process
        for i in range(2 * args.files):
            Path(args.generate_into, f"file{i}.pdf").write_bytes(_make_pdf(args.size, i))
        return

    work = Path(tempfile.mkdtemp(prefix="rar-bench-upload-"))
    for key in [k for k in os.environ if k.startswith("RAR_")]:
        del os.environ[key]
    os.environ.update(RAR_DATA_DIR=str(work / "data"), RAR_STORAGE="local",
                      RAR_MAX_UPLOAD_BYTES=str(args.size), RAR_MAX_FILES_PER_SLOT=str(2 * args.files + 2))

    from rar_app import migrate
    from rar_app.db import session_scope
    from rar_app.models import Account, Application
    from rar_app.services.casework import documents
    from rar_app.settings import get_settings

    migrate.upgrade(get_settings().database_url)
    with session_scope() as db:
        rep = Account(username="bench.rep", role="representative", status="active")
        db.add(rep)
        db.flush()
        app = Application(representative_id=rep.id)
        db.add(app)
        db.flush()
        actor = documents.Actor(account_id=rep.id, role=rep.role, session_id=1)
        app_id = app.id

    # A fresh set of files for each pass (the same file twice in one slot is refused).
    subprocess.run([sys.executable, __file__, "--files", str(args.files), "--size", str(args.size),
                    "--generate-into", str(work)], check=True)
    paths = [work / f"file{i}.pdf" for i in range(2 * args.files)]

    def upload_all(batch: list[Path]) -> float:
        started = time.perf_counter()
        for path in batch:
            with open(path, "rb") as fh:
                documents.upload(actor, app_id, None, "bench", path.name, fh)
        return time.perf_counter() - started

    # Warm-up (imports pypdf, fills caches) with a small file, not counted.
    documents.upload(actor, app_id, None, "warmup", "w.pdf", io.BytesIO(_make_pdf(64 * 1024, 999)))
    gc.collect()

    mb = 1024 * 1024
    print(f"Uploading {args.files} files of {args.size / mb:.2f} MB ({args.size} bytes) to the local store")

    rss_before = _status_kb("VmRSS")
    can_reset = _reset_peak_rss()
    elapsed = upload_all(paths[: args.files])
    hwm = _status_kb("VmHWM")
    if rss_before is not None and hwm is not None and can_reset:
        print(f"  RSS before: {rss_before / 1024:.1f} MB; peak RSS during the uploads: {hwm / 1024:.1f} MB "
              f"(+{(hwm - rss_before) / 1024:.1f} MB = {(hwm - rss_before) * 1024 / args.size:.2f}x one file)")
    else:
        print("  peak RSS: not available on this system (needs Linux /proc)")
    print(f"  time: {elapsed:.2f} s ({args.files * args.size / mb / elapsed:.1f} MB/s)")
    if can_reset:  # calibration: the same measure when one file is simply read into memory
        rss_before = _status_kb("VmRSS")
        _reset_peak_rss()
        blob = paths[0].read_bytes()
        hwm = _status_kb("VmHWM")
        del blob
        print(f"  (calibration: reading one file into memory raises peak RSS by {(hwm - rss_before) / 1024:.1f} MB)")

    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    upload_all(paths[args.files:])
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  tracemalloc peak of Python allocations during the uploads: {peak / mb:.2f} MB "
          f"({peak / args.size:.2f}x one file); still allocated after: {current / mb:.2f} MB")

    stored = sum(1 for _ in __import__("rar_app.storage", fromlist=["get_store"]).get_store().list_keys())
    print(f"  stored objects: {stored} (incl. 1 warm-up)")
    if args.keep:
        print(f"  work folder kept: {work}")
    else:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
