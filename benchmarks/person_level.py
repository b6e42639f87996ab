"""Benchmark (e), Python's side: pandas reads the CSV; numpy fits by QR. `factor`: the 20 numeric
terms and the council's dummies, coefficients with standard errors (written); `residuals`: the
numeric model with leverage, standardized and studentized residuals, Cook's distance, DFFITS,
covratio and DFBETAS, written by pandas.
Usage: python3 person_level.py DATA.csv factor|residuals OUT.csv"""
import sys
import numpy as np
import pandas as pd

path, mode, out = sys.argv[1:4]
d = pd.read_csv(path)
num = [f"x{j}" for j in range(1, 21)]
y = d["y"].to_numpy()
parts = [np.ones((len(d), 1)), d[num].to_numpy()]
names = ["(Intercept)"] + num
if mode == "factor":
    dummies = pd.get_dummies(d["council"], prefix="council", prefix_sep="", drop_first=True, dtype=float)
    parts.append(dummies.to_numpy())
    names += list(dummies.columns)
X = np.hstack(parts)
del parts
n, p = X.shape
Q, R = np.linalg.qr(X)
b = np.linalg.solve(R, Q.T @ y)
fitted = X @ b
e = y - fitted
s2 = e @ e / (n - p)
Rinv = np.linalg.inv(R)
if mode == "factor":
    se = np.sqrt(np.sum(Rinv ** 2, axis=1) * s2)
    print(pd.DataFrame({"estimate": b, "se": se}, index=names).head(25))
    pd.DataFrame({"term": names, "estimate": b}).to_csv(out, index=False)
else:
    h = np.sum(Q ** 2, axis=1)
    r = e / np.sqrt(s2 * (1 - h))
    s2i = ((n - p) * s2 - e ** 2 / (1 - h)) / (n - p - 1)
    t = e / np.sqrt(s2i * (1 - h))
    cook = r ** 2 * h / (p * (1 - h))
    dffits = t * np.sqrt(h / (1 - h))
    covratio = 1 / ((1 - h) * ((n - p - 1 + t ** 2) / (n - p)) ** p)
    xtxi = np.diag(Rinv @ Rinv.T)
    dfbeta = (Q @ Rinv.T) * (e / (1 - h))[:, None]  # rows of (X'X)^-1 x_i e_i / (1 - h_i)
    dfbetas = dfbeta / np.sqrt(s2i[:, None] * xtxi[None, :])
    table = pd.DataFrame({"id": d["id"], "observed": y, "fitted": fitted, "residual": e, "std_residual": r,
                          "studentized_residual": t, "leverage": h, "cooks_distance": cook, "dffits": dffits,
                          "covratio": covratio})
    for k, name in enumerate(names):
        table["dfbetas_" + name] = dfbetas[:, k]
    table.to_csv(out, index=False)
