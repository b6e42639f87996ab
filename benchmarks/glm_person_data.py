"""Writes the person-level CSV of benchmark (g): 1,000,000 rows (or argv[1]), an id, a council code
(152 levels), 20 standard normal predictors and `event`, a 0/1 outcome drawn from a logistic model
(intercept -1, slopes 0.02 to 0.4, the council's effect), from a fixed seed. About 420 MB."""
import sys
import numpy as np

n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(20261207)
p = 20
X = rng.standard_normal((n, p))
codes = [f"E{6000000 + i:08d}" for i in range(152)]
g = rng.integers(0, 152, n)
effect = 0.5 * rng.standard_normal(152)
eta = -1 + X @ np.linspace(0.02, 0.4, p) + effect[g]
event = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
with open(out, "w") as f:
    f.write("id,council," + ",".join(f"x{j + 1}" for j in range(p)) + ",event\n")
    for i in range(n):
        f.write(f"{i + 1},{codes[g[i]]}," + ",".join(repr(float(v)) for v in X[i]) + f",{event[i]}\n")
