"""The figures as Markdown tables (``results/latest.md``, included in the docs)."""

from __future__ import annotations

# The targets of issue #8, checked in the tables
OP_RECORDING, OP_NO_GRAD = 1.5, 1.1      # autodiff / jax.numpy, per op
BACKWARD_FLAT = 1.2                      # per-node cost, 100,000 vs 1,000 nodes
COMPILED = 1.1                           # autodiff.compile / hand-written jax.jit step
# The targets of issue #20, autodiff / torch: whole scripts
WORKLOAD_TARGETS = {"dag": 3.0, "chain": 2.0}
TWO_LAYER_NET = 1.5


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
    if "workloads" in results:
        out += _workloads(results["workloads"])
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


def _s(seconds):
    return f"{seconds:.3f}"


def _workloads(w):
    sizes = w["sizes"]
    out = ["## Whole scripts (issue 20)", "",
           f"Seconds per forward + backward: `y[i]` for {sizes['rows']:,} rows summed (row "
           f"loop), `stack` of {sizes['stack']:,} tensors then `.sum()` (stack), one input "
           f"through {sizes['branches']:,} branches summed (dag), a chain of "
           f"{sizes['chain']:,} ops (chain). *first* is the first pass in a fresh process "
           "(what compiles, compiles then); the others are medians after a warm-up, autodiff "
           "and torch in interleaved rounds (the ratio: the median of the rounds' ratios). "
           "Raw JAX is `jax.value_and_grad` of the same body, op by op (not jitted). Targets: "
           + ", ".join(f"{k} ≤ {v}x torch" for k, v in WORKLOAD_TARGETS.items()) + ".", ""]
    rows = []
    for r in w["graphs"]:
        first = [_s(r[f"{f} first"]) if f"{f} first" in r else "" for f in
                 ("autodiff", "jax", "torch")]
        rows.append([r["workload"], f"{r['n']:,}", *first, _s(r["autodiff"]), _s(r["jax"]),
                     _s(r["torch"]), _ratio(r["autodiff / torch"],
                                            WORKLOAD_TARGETS.get(r["workload"]))]
                    + [_ratio(r["autodiff first"] / r["torch first"])
                       if "torch first" in r else ""])
    out += _table(["workload", "n", "autodiff first", "jax first", "torch first", "autodiff",
                   "jax", "torch", "autodiff / torch", "first: autodiff / torch"], rows)
    net = w["two-layer net"]
    out += ["", "The two-layer net of the PyTorch tutorial *Learning PyTorch with Examples* "
            f"(N, D_in, H, D_out = 64, 1000, 100, 10): seconds for {net[0]['steps']} steps "
            f"of each of its scripts, eager (target ≤ {TWO_LAYER_NET}x torch), and of the "
            "autograd script as one `autodiff.compile` step against a hand-written "
            f"`jax.jit(value_and_grad)` step (target ≤ {COMPILED}x). *jax eager* is the "
            "hand-written script in `jax.numpy`, op by op: the floor of eager ops on JAX.",
            ""]
    out += _table(["script", "autodiff", "torch", "jax eager", "autodiff / torch"],
                  [[r["script"], _s(r["autodiff"]), _s(r["torch"]),
                    _s(r["jax eager"]) if "jax eager" in r else "",
                    _ratio(r["autodiff / torch"], TWO_LAYER_NET)]
                   for r in net if "torch" in r])
    out += [""]
    out += _table(["script", "autodiff compiled", "jax.jit", "compiled / jax.jit"],
                  [[r["script"], _s(r["autodiff compiled"]), _s(r["jax.jit"]),
                    _ratio(r["autodiff compiled / jax.jit"], COMPILED)]
                   for r in net if "jax.jit" in r])
    dp = w["data parallel"]
    out += ["", f"Data parallel: the compiled step ({dp['steps']} steps), on one device and "
            f"over a mesh of {dp['devices']} (`autodiff.compile(..., mesh=...)`). On a CPU "
            "these are four devices made by `--xla_force_host_platform_device_count=4` "
            "that share the machine's cores: they show the mechanism, not a speed-up.", ""]
    out += _table(["one device", f"mesh of {dp['devices']}", "mesh / one device"],
                  [[_s(dp["one device"]), _s(dp["mesh"]),
                    _ratio(dp["mesh"] / dp["one device"])]]) + [""]
    return out
