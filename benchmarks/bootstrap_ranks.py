"""Benchmark (c), Python: 10,000 case-bootstrap refits of the 152-council model with statsmodels
OLS, ranking every council by its residual under each refit's coefficients."""
import json
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm
from patsy import dmatrices

d = pd.read_csv(sys.argv[1])
B = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
y, X = dmatrices("asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + C(council_type)",
                 d, return_type="matrix")
y = np.asarray(y).ravel()
X = np.asarray(X)
n = len(y)
rng = np.random.default_rng(1)
ranks = np.empty((B, n), dtype=np.int32)
t = time.perf_counter()
for b in range(B):
    idx = rng.integers(0, n, n)
    beta = sm.OLS(y[idx], X[idx]).fit().params
    u = y - X @ beta
    ranks[b] = np.argsort(np.argsort(-u, kind="stable"), kind="stable") + 1
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "median_rank_1": float(np.median(ranks[:, 0]))}))
