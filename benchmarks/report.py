"""The figures as Markdown tables (``results/latest.md``, included in the docs)."""

from __future__ import annotations

# The targets of issue #8, checked in the tables
OP_RECORDING, OP_NO_GRAD = 1.5, 1.1      # autodiff / jax.numpy, per op
BACKWARD_FLAT = 1.2                      # per-node cost, 100,000 vs 1,000 nodes
COMPILED = 1.1                           # autodiff.compile / hand-written jax.jit step


def _us(seconds):
    return f"{seconds * 1e6:.1f}"


def _ms(seconds):
    return f"{seconds * 1e3:.2f}"


def _ratio(x, target=None):
    text = f"{x:.2f}x"
    return text if target is None else f"{text} {'✓' if x <= target else '✗'}"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def markdown(results):
    m = results["machine"]
    where = (f"{m['gpu']} (JAX and torch on CUDA), host " if m.get("gpu") else "")
    out = ["# autodiff benchmarks", "",
           f"{where}{m['cpu']}, {m['cores']} cores, {results['threads']} thread(s) per "
           "framework; "
           f"Python {m['python']}, JAX {m['jax']} ({m['jax_backend']}), torch {m['torch']}, "
           f"NumPy {m['numpy']}; load average {m['load_average']:.1f} at the start. "
           f"{results['date']}"
           + (" (quick run)" if results["quick"] else "") + ".", ""]
    if "ops" in results:
        out += ["## One op on 4x4 tensors", "",
                "Microseconds per call (medians); ratios to the raw `jax.numpy` call, "
                "each the median of ratios of batches run side by side, over the rounds "
                f"of {results['ops'][0].get('processes', 1)} fresh processes "
                f"(targets: recording ≤ {OP_RECORDING}x, no_grad ≤ {OP_NO_GRAD}x).", ""]
        out += _table(
            ["op", "autodiff", "autodiff no_grad", "jax.numpy", "torch", "autodiff / jnp",
             "no_grad / jnp", "autodiff / torch"],
            [[r["op"], _us(r["autodiff"]), _us(r["autodiff no_grad"]), _us(r["jax.numpy"]),
              _us(r["torch"]), _ratio(r["autodiff / jax.numpy"], OP_RECORDING),
              _ratio(r["autodiff no_grad / jax.numpy"], OP_NO_GRAD),
              _ratio(r["autodiff / torch"])] for r in results["ops"]]) + [""]
    if "backward" in results:
        rows = results["backward"]
        base = next(r["autodiff"] for r in rows if r["nodes"] == 1_000)
        out += ["## Backward through a chain of n ops", "",
                f"Microseconds per node (medians over {rows[0].get('processes', 1)} fresh "
                "processes); the per-node cost should stay flat from 1,000 "
                f"nodes on (within {BACKWARD_FLAT}x of the 1,000-node chain). A 100-node "
                "chain still shows the pass's fixed cost, shared by few nodes (in torch's "
                "figures too).", ""]
        out += _table(["nodes", "autodiff", "torch", "autodiff / torch", "vs 1,000 nodes"],
                      [[f"{r['nodes']:,}", _us(r["autodiff"]), _us(r["torch"]),
                        _ratio(r["autodiff / torch"]),
                        _ratio(r["autodiff"] / base,
                               BACKWARD_FLAT if r["nodes"] >= 1_000 else None)]
                       for r in rows]) + [""]
    if "training" in results:
        out += ["## One MLP training step (forward, backward, SGD)", "",
                "Milliseconds per step; `autodiff.compile` against the hand-written "
                f"`jax.jit(value_and_grad)` step (target ≤ {COMPILED}x).", ""]
        out += _table(
            ["size", "autodiff eager", "autodiff compiled", "torch eager", "jax.jit",
             "compiled / jax.jit", "eager / torch"],
            [[f"{r['size']}: batch {r['batch']}, {'-'.join(map(str, r['widths']))}",
              _ms(r["autodiff eager"]), _ms(r["autodiff compiled"]), _ms(r["torch eager"]),
              _ms(r["jax.jit"]), _ratio(r["autodiff compiled / jax.jit"], COMPILED),
              _ratio(r["autodiff eager / torch eager"])] for r in results["training"]])
        out += [""]
    if "memory" in results:
        mem = results["memory"]
        out += ["## Memory", "",
                "RSS over many small autodiff training steps (it should stay flat: every "
                "step's graph freed), with and without the cycle collector; a graph still "
                "alive after its step would be one that reference counting did not free.", ""]
        out += _table(["steps", "gc", "RSS first sample (MB)", "growth (MB)", "peak (MB)",
                       "graphs alive after their step"],
                      [[f"{r['steps']:,}", "on" if r["gc"] else "off", f"{r['rss_mb'][0]:.1f}",
                        f"{r['growth_mb']:.2f}", f"{r['peak_mb']:.1f}",
                        str(r["graphs_alive_after_step"])] for r in mem["steps"]])
        out += ["", "Peak RSS above the level before `backward()`, widest MLP "
                "(large allocations unmapped when freed, so RSS follows live memory):", ""]
        out += _table(["framework", "backward peak (MB)"],
                      [[r["framework"], f"{r['peak_mb']:.1f}"] for r in mem["backward"]])
        out += [""]
    return "\n".join(out)
