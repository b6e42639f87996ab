"""Writes the person-level CSV of benchmark (e): 1,000,000 rows (or argv[1]), an id, a council
code (152 levels), 20 standard normal predictors and y, from a fixed seed; numbers as Python's
shortest round-trip spelling (17 significant digits at most). About 430 MB."""
import sys
import numpy as np

n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(20261124)
p = 20
X = rng.standard_normal((n, p))
codes = [f"E{6000000 + i:08d}" for i in range(152)]
g = rng.integers(0, 152, n)
effect = rng.standard_normal(152)
y = 1 + X @ np.linspace(0.1, 2, p) + effect[g] + rng.standard_normal(n)
with open(out, "w") as f:
    f.write("id,council," + ",".join(f"x{j + 1}" for j in range(p)) + ",y\n")
    for i in range(n):
        f.write(f"{i + 1},{codes[g[i]]}," + ",".join(repr(float(v)) for v in X[i]) + f",{float(y[i])!r}\n")
