"""Benchmark (g), Python's side: pandas reads the CSV; statsmodels fits the logistic GLM by IRLS
and prints its summary; the coefficients written.
Usage: python3 glm_person.py DATA.csv OUT.csv"""
import sys
import pandas as pd
import statsmodels.api as sm

path, out = sys.argv[1:3]
d = pd.read_csv(path)
num = [f"x{j}" for j in range(1, 21)]
X = sm.add_constant(d[num].to_numpy())
fit = sm.GLM(d["event"].to_numpy(), X, family=sm.families.Binomial()).fit()
print(fit.summary())
pd.DataFrame({"term": ["(Intercept)"] + num, "estimate": fit.params, "std_error": fit.bse}).to_csv(out, index=False)
