"""autodiff's benchmark suite: ``python -m benchmarks`` (``make bench``).

Four suites, each run side by side with the frameworks it is measured against:

* ``ops``      -- the cost of one small op: autodiff recording, autodiff under no_grad,
                  raw jax.numpy, torch eager (in several fresh processes: see ops.py).
* ``backward`` -- backward cost per node, for chains of 100 to 100,000 ops (in several
                  fresh processes too).
* ``training`` -- one training step of an MLP at three sizes: autodiff eager, autodiff
                  compiled, torch eager, and a hand-written ``jax.jit(value_and_grad)``.
* ``memory``   -- peak RSS over many small steps (is the graph freed?), and the peak
                  memory of one backward against torch.

Figures are medians of repeats after a warm-up; JAX results are waited for with
``block_until_ready`` (torch's on a GPU with ``torch.cuda.synchronize``). ``--json FILE``
writes them; ``results/latest.{json,md}`` are the figures of the last full run, with the
machine they were taken on. ``--device cuda`` runs JAX and torch on an NVIDIA GPU (every
suite but memory) and writes ``results/latest-cuda.{json,md}``.
"""
