"""Benchmark (b), statsmodels: OLS fit with fitted values, leverage and studentized residuals.

statsmodels' own OLSInfluence.resid_studentized_external does not finish in 15 minutes at this
size (it goes through leave-one-out quantities), so the externally studentized residuals are
computed from statsmodels' residuals and hat values by the closed form, as Varex does."""
import json
import resource
import time

import numpy as np
import statsmodels.api as sm

from design import design

x, y = design()
t = time.perf_counter()
res = sm.OLS(y, x).fit()
fitted = res.fittedvalues
infl = res.get_influence()
h = infl.hat_matrix_diag
e = res.resid
n, k = x.shape
s_i = np.sqrt((res.ssr - e**2 / (1 - h)) / (n - k - 1))
stud = e / (s_i * np.sqrt(1 - h))
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "coef_checksum": float(sum((k + 1) * v for k, v in enumerate(res.params)))}))
