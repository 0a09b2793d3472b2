"""``python -m benchmarks [--quick] [--json FILE] [--only SUITE ...] [--threads N]
[--device cpu|cuda]``."""

from __future__ import annotations

import argparse
import datetime
import json
import os
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SUITES = ("ops", "backward", "training", "workloads", "memory")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter runs")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    parser.add_argument("--only", nargs="+", choices=SUITES)
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where JAX and torch compute (default cpu, also on a machine "
                             "with a GPU); cuda runs every suite but memory, which reads "
                             "the host's RSS")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per framework (default 1: the same footing for "
                             "all, and steady figures on a shared machine)")
    args = parser.parse_args(argv)
    everything = SUITES if args.device == "cpu" else SUITES[:-1]
    args.only = args.only or everything
    _limit_threads(args.threads)
    os.environ["JAX_PLATFORMS"] = args.device       # JAX's name for an NVIDIA GPU is cuda too

    from . import backward, memory, ops, report, timing, training, workloads  # after the limits
    timing.DEVICE = args.device
    suites = {"ops": ops, "backward": backward, "training": training, "workloads": workloads,
              "memory": memory}
    results = {"machine": timing.machine(), "threads": args.threads, "quick": args.quick,
               "device": args.device, "date": datetime.date.today().isoformat()}
    for name in args.only:
        print(f"running {name}...", flush=True)
        results[name] = suites[name].run(args.quick)
    text = report.markdown(results)
    print(text)
    paths = [Path(args.json)] if args.json else []
    if not args.quick and set(args.only) == set(everything):  # a full run: the docs' figures
        name = "latest" if args.device == "cpu" else f"latest-{args.device}"
        paths.append(RESULTS / f"{name}.json")
        (RESULTS / f"{name}.md").write_text(text + "\n")
    for path in paths:
        path.write_text(json.dumps(results, indent=1) + "\n")


def _limit_threads(n):
    """Before JAX and torch start: give each framework ``n`` threads (inherited by the
    suites' subprocesses)."""
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen="
                               f"{'true' if n > 1 else 'false'} "
                               f"intra_op_parallelism_threads={n}").strip()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


if __name__ == "__main__":
    main()
