"""The benchmark suite's plumbing (``make bench``): how samples from several processes are
pooled, and how the report marks the targets. No timing is asserted here: figures belong
to the benchmarks, not to the tests."""

from __future__ import annotations

import statistics

from benchmarks import ops, report, timing


def test_pooled_takes_the_median_of_every_process_rounds_and_keeps_each_process_ratio():
    runs = [{"add": {"a": [2.0, 4.0, 6.0], "b": [1.0, 2.0, 2.0]}},
            {"add": {"a": [10.0, 12.0], "b": [10.0, 10.0]}}]
    row = timing.pooled(runs, "add", [("a", "b")])
    assert row["processes"] == 2
    assert row["a"] == statistics.median([2.0, 4.0, 6.0, 10.0, 12.0]) == 6.0
    assert row["b"] == 2.0
    # round by round: 2, 2, 3 in the first process, 1, 1.2 in the second
    assert row["a / b"] == 2.0
    assert row["a / b, each process"] == [2.0, 1.1]


def test_the_op_suite_runs_in_a_fresh_process():
    (run,) = timing.in_processes("benchmarks.ops", 1, 1, 0.0001)
    assert set(run) == set(ops.OPS)
    for by_framework in run.values():
        assert set(by_framework) == {"autodiff", "autodiff no_grad", "jax.numpy", "torch"}
        assert all(len(s) == 1 and s[0] > 0 for s in by_framework.values())


def test_the_report_marks_the_targets():
    machine = {"cpu": "a CPU", "cores": 2, "python": "3", "jax": "0", "jax_backend": "cpu",
               "torch": "2", "numpy": "2", "load_average": 0.0}
    row = {"autodiff": 1e-6, "autodiff no_grad": 1e-6, "jax.numpy": 1e-6, "torch": 1e-6,
           "autodiff / torch": 1.0, "processes": 5}
    results = {"machine": machine, "threads": 1, "quick": False, "date": "today", "ops": [
        {"op": "inside", **row, "autodiff / jax.numpy": 1.5, "autodiff no_grad / jax.numpy": 1.1},
        {"op": "outside", **row, "autodiff / jax.numpy": 1.51,
         "autodiff no_grad / jax.numpy": 1.1001}]}
    lines = report.markdown(results).splitlines()
    assert "| inside | 1.0 | 1.0 | 1.0 | 1.0 | 1.50x ✓ | 1.10x ✓ | 1.00x |" in lines
    assert "| outside | 1.0 | 1.0 | 1.0 | 1.0 | 1.51x ✗ | 1.10x ✗ | 1.00x |" in lines
    assert any("5 fresh processes" in line for line in lines)


def test_the_whole_script_suite_runs_at_its_quick_size_and_reports_its_targets():
    from benchmarks import workloads
    results = workloads.run(quick=True)
    assert [r["workload"] for r in results["graphs"]] == list(workloads.GRAPHS)
    for row in results["graphs"]:
        assert all(row[f] > 0 for f in workloads.LIBS)
        first = {f"{f} first" for f in workloads.LIBS}
        assert first <= set(row) if row["workload"] in ("row loop", "stack") else not first & set(row)
    scripts = [r["script"] for r in results["two-layer net"]]
    assert scripts == [*workloads.SCRIPTS, "autograd, one compiled step"]
    assert results["two-layer net"][0]["jax eager"] > 0      # the hand-written script's floor
    assert results["data parallel"]["devices"] == 4          # its own process, four devices
    # the report marks the targets; made-up ratios on both sides of each
    results["graphs"][2]["autodiff / torch"] = 3.0           # dag: 3x, on the line
    results["graphs"][3]["autodiff / torch"] = 2.1           # chain: 2.1x, over
    results["two-layer net"][0]["autodiff / torch"] = 1.5
    machine = {"cpu": "a CPU", "cores": 2, "python": "3", "jax": "0", "jax_backend": "cpu",
               "torch": "2", "numpy": "2", "load_average": 0.0}
    text = report.markdown({"machine": machine, "threads": 1, "quick": True, "date": "today",
                            "workloads": results})
    assert "| 3.00x ✓ |" in text and "| 2.10x ✗ |" in text
    assert "| hand-written |" in text and "1.50x ✓" in text
