"""Benchmark (k), Python: pandas reads the CSV, pyfixest's feols absorbs the factors
(argv[3], e.g. "f1+f2") with iid standard errors; writes term, estimate, std_error to argv[2]."""
import sys
import time
import pandas as pd
import pyfixest as pf

path, out, factors = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
data = pd.read_csv(path)
t1 = time.perf_counter()
fit = pf.feols(f"y ~ x1 + x2 | {factors}", data=data, vcov="iid")
t2 = time.perf_counter()
tidy = fit.tidy()
with open(out, "w") as f:
    f.write("term,estimate,std_error\n")
    for term, row in tidy.iterrows():
        f.write(f"{term},{float(row['Estimate'])!r},{float(row['Std. Error'])!r}\n")
print(f'{{"read": {t1 - t0}, "fit": {t2 - t1}}}')
