#!/usr/bin/env python3
"""Benchmark (j), the scipy side: the Simar–Wilson bootstrap of an input-oriented,
variable-returns DEA with a need constraint, every programme solved one by one by
scipy.optimize.linprog (HiGHS), as a Python analyst would loop it. The constraint matrix is
built once with numpy and only the unit's column and bounds change between programmes.

Usage: dea_bootstrap.py DATA REPLICATES OUT.csv   (writes unit, efficiency, corrected, low, high)
Prints the seconds spent and the number of programmes solved.
"""
import csv
import sys
import time
import numpy as np
from scipy.optimize import linprog

OUTPUTS = ["ascof_1a", "ascof_1b", "ascof_3a"]


def main():
    path, replicates, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    t0 = time.perf_counter()
    rows = [r for r in csv.DictReader(open(path, encoding="utf-8"))
            if all(r[c].strip() for c in ["asc_net_spend_per_adult_gbp", "imd_score"] + OUTPUTS)]
    units = [r["code"] for r in rows]
    x = np.array([float(r["asc_net_spend_per_adult_gbp"]) for r in rows])
    q = np.array([float(r["imd_score"]) for r in rows])
    Y = np.array([[float(r[c]) for c in OUTPUTS] for r in rows])
    n = len(units)
    # Variables λ₁…λₙ, θ. Rows: Σλx − θx₀ ≤ 0; −Σλq ≤ −q₀; −Σλy ≤ −y₀; Σλ = 1.
    A = np.zeros((2 + Y.shape[1], n + 1))
    A[1, :n] = -q
    A[2:, :n] = -Y.T
    A_eq = np.concatenate([np.ones(n), [0.0]])[None, :]
    c = np.zeros(n + 1)
    c[n] = 1
    bounds = [(0, None)] * n + [(None, None)]
    solved = 0

    def score(o, xref):
        nonlocal solved
        A[0, :n] = xref
        A[0, n] = -x[o]
        b = np.concatenate([[0.0, -q[o]], -Y[o]])
        res = linprog(c, A_ub=A, b_ub=b, A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs")
        solved += 1
        return res.x[n]

    theta = np.array([score(o, x) for o in range(n)])
    delta = 1 / theta
    off = delta[delta > 1 + 1e-6]
    refl = np.concatenate([off, 2 - off])
    sd = np.std(refl, ddof=1)
    iqr = (np.quantile(refl, 0.75) - np.quantile(refl, 0.25)) / 1.349
    spread = iqr if 1e-6 < iqr < sd else sd
    h = 0.9 * spread * len(refl) ** -0.2 * np.std(delta, ddof=1) / sd * (len(refl) / n) ** 0.2
    full = np.concatenate([delta, 2 - delta])
    sigma2 = np.var(full, ddof=1)
    rng = np.random.default_rng(1)
    boot = np.zeros((replicates, n))
    for b in range(replicates):
        beta = full[rng.integers(0, 2 * n, size=n)]
        tilde = beta.mean() + (beta + h * rng.standard_normal(n) - beta.mean()) / np.sqrt(1 + h * h / sigma2)
        star = np.where(tilde < 1, 2 - tilde, tilde)
        xref = x * star / delta
        boot[b] = [1 / score(o, xref) for o in range(n)]
    bias = boot.mean(axis=0) - delta
    lo, hi = np.quantile(boot - delta, 0.025, axis=0), np.quantile(boot - delta, 0.975, axis=0)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "efficiency", "efficiency_corrected", "efficiency_low", "efficiency_high"])
        for o in range(n):
            w.writerow([units[o], theta[o], 1 / (delta[o] - bias[o]), 1 / (delta[o] - lo[o]), 1 / (delta[o] - hi[o])])
    print(f"{time.perf_counter() - t0} {solved}")


if __name__ == "__main__":
    main()
