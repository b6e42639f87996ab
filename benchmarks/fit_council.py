"""Benchmark (a), Python: the council model's residual table with statsmodels, as
`varex fit --residuals` writes it. Usage: python fit_council.py DATA.csv OUT.csv"""
import sys

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

d = pd.read_csv(sys.argv[1])
fit = smf.ols("asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + C(council_type)",
              data=d).fit()
infl = fit.get_influence()
n, k = fit.nobs, fit.df_model + 1
h = infl.hat_matrix_diag
pred = fit.get_prediction().summary_frame(alpha=0.05)
dfb = pd.DataFrame(infl.dfbetas, columns=["dfbetas_" + c for c in fit.params.index])
cook = infl.cooks_distance[0]
dffits = infl.dffits[0]
cov = infl.cov_ratio
flag = ((np.abs(dfb) > 1).any(axis=1) | (np.abs(dffits) > 3 * np.sqrt(k / (n - k))) | (np.abs(1 - cov) > 3 * k / (n - k))
        | (stats.f.cdf(cook, k, n - k) > 0.5) | (h > 3 * k / n))
out = pd.DataFrame({"code": d["code"], "observed": d["asc_net_spend_per_adult_gbp"], "fitted": fit.fittedvalues,
                    "residual": fit.resid, "std_residual": infl.resid_studentized_internal,
                    "studentized_residual": infl.resid_studentized_external, "leverage": h, "cooks_distance": cook,
                    "dffits": dffits, "covratio": cov, "pi_low": pred["obs_ci_lower"], "pi_high": pred["obs_ci_upper"]})
out = pd.concat([out, dfb], axis=1)
out["influential"] = flag
out.to_csv(sys.argv[2], index=False, float_format="%.17g")
