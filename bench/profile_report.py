"""Prints the heaviest functions of the worker profiles written by rar_app/sampler.py.

    .venv/bin/python bench/profile_report.py /tmp/prof [N]"""

from __future__ import annotations

import glob
import json
import sys
from collections import Counter


def main() -> None:
    prefix, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40
    inclusive, exclusive, samples = Counter(), Counter(), 0
    for path in glob.glob(prefix + ".*.json"):
        data = json.load(open(path))
        samples += data["samples"]
        inclusive.update(dict(data["inclusive"]))
        exclusive.update(dict(data["exclusive"]))
    print(f"{samples} samples")
    for title, counter in (("inclusive", inclusive), ("exclusive", exclusive)):
        print(f"\n== {title} (% of samples)")
        for key, count in counter.most_common(n):
            print(f"{100 * count / max(1, samples):6.1f}%  {key}")


if __name__ == "__main__":
    main()
