"""How long ``unrolled grade`` takes, per assignment: a table of median and spread.

    python tools/bench_grading.py [--runs 3] [--release] [ASSIGNMENT ...]

Each run grades ``solutions/<a>/<a>.ipynb`` (every test passes, so every test runs) in a
fresh kernel, one at a time, and records the wall-clock seconds of ``grade()`` (start of
the kernel, imports, the notebook, the tests). The machine's load average is printed
with the table: timings on a busy machine are not the quiet-machine budget (an exercise
without training at most 15 s, the slowest at most 30 s on a quiet 2-core CPU).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unrolled.grading.grader import grade  # noqa: E402


def assignments():
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())


def bench(a, runs, release=False):
    path = ROOT / ("exercises" if release else "solutions") / a / f"{a}.ipynb"
    seconds, score = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        r = grade(path)
        seconds.append(time.perf_counter() - t0)
        score = f"{r['score']:g}/{r['max_score']:g}"
    return seconds, score, len(r["questions"])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("assignments", nargs="*")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--release", action="store_true", help="grade the unanswered release instead")
    args = p.parse_args(argv)
    names = args.assignments or assignments()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs; "
          f"UNROLLED_THREADS={os.environ.get('UNROLLED_THREADS', '1')}")
    print(f"{'assignment':<20} {'questions':>9} {'score':>6} {'median s':>9} {'min-max s':>12} {'runs':>4}")
    for a in names:
        s, score, nq = bench(a, args.runs, args.release)
        print(f"{a:<20} {nq:>9} {score:>6} {statistics.median(s):>9.1f} "
              f"{min(s):>5.1f}-{max(s):<6.1f} {len(s):>4}", flush=True)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
