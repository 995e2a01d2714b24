"""A sampling profiler for a production worker (bench use only; off unless RAR_PROFILE_OUT is set).

`RAR_PROFILE_OUT=/tmp/prof ./run` (or any launch through rar_app.serve): every worker
samples every thread's stack every 2 ms from a helper thread and writes, every 5 s,
`/tmp/prof.<pid>.json`: how many samples each function was on the stack (inclusive)
and at the top (exclusive). `bench/profile_report.py` prints the heaviest."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter

INTERVAL = 0.002


def _count(frame, inclusive: Counter, exclusive: Counter) -> None:
    seen = set()
    top = True
    while frame is not None:
        code = frame.f_code
        key = f"{code.co_filename.split('site-packages/')[-1]}:{code.co_firstlineno}:{code.co_name}"
        if top:
            exclusive[key] += 1
            top = False
        if key not in seen:
            inclusive[key] += 1
            seen.add(key)
        frame = frame.f_back


def _run(out: str) -> None:
    inclusive: Counter = Counter()
    exclusive: Counter = Counter()
    samples = 0
    last_write = time.monotonic()
    me = threading.get_ident()
    while True:
        time.sleep(INTERVAL)
        samples += 1
        for ident, frame in sys._current_frames().items():
            if ident != me:
                _count(frame, inclusive, exclusive)
        if time.monotonic() - last_write > 5:
            last_write = time.monotonic()
            data = {"samples": samples, "interval_s": INTERVAL,
                    "inclusive": inclusive.most_common(400), "exclusive": exclusive.most_common(400)}
            tmp = f"{out}.{os.getpid()}.json.tmp"
            with open(tmp, "w") as fh:
                json.dump(data, fh)
            os.replace(tmp, f"{out}.{os.getpid()}.json")


def start(out: str) -> None:
    threading.Thread(target=_run, args=(out,), daemon=True, name="rar-sampler").start()


def install_from_env() -> None:
    out = os.environ.get("RAR_PROFILE_OUT")
    if out:
        os.register_at_fork(after_in_child=lambda: start(out))
