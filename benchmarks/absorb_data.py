"""Writes the CSV of benchmark (k), the simulated design of fixest's and FixedEffectModels.jl's
benchmarks: n rows (argv[1]) with an id, factors f1 with n/20 levels and f2 with 100 levels (at
10,000,000 rows and with argv[3] == "3": f1 with n/20, f2 with sqrt(n) and f3 with 200 levels, the
three-factor design of fixest's published benchmark), x1, x2 and
y = 3 x1 + 5 x2 + cos(f1) + cos(f2)^2 [+ sin(f3)] + noise, x1 and x2 correlated with the factors.
Numbers as Python's shortest round-trip spelling; fixed seed. Written in blocks, so the 10,000,000-row
file needs little memory."""
import sys
import numpy as np

n, out = int(sys.argv[1]), sys.argv[2]
three = len(sys.argv) > 3 and sys.argv[3] == "3"
rng = np.random.default_rng(20261208)
levels = [n // 20, int(round(n ** 0.5)), 200] if three else [n // 20, 100]
block = 500_000
with open(out, "w") as f:
    f.write("id," + ",".join(f"f{k + 1}" for k in range(len(levels))) + ",x1,x2,y\n")
    for start in range(0, n, block):
        m = min(block, n - start)
        g = [rng.integers(1, L + 1, m) for L in levels]
        x1 = 5 * np.cos(g[0]) + 5 * np.sin(g[1]) + rng.standard_normal(m)
        x2 = np.cos(g[0]) + np.sin(g[1]) + rng.standard_normal(m)
        y = 3 * x1 + 5 * x2 + np.cos(g[0]) + np.cos(g[1]) ** 2 + rng.standard_normal(m)
        if three:
            y += np.sin(g[2])
        ids = np.arange(start + 1, start + m + 1)
        cols = [ids.astype(str)] + [v.astype(str) for v in g] + [np.array([repr(float(v)) for v in c]) for c in (x1, x2, y)]
        f.write("\n".join(",".join(r) for r in zip(*cols)) + "\n")
