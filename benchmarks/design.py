"""The synthetic benchmark design, identical to the one varex-bench builds in Swift.

x[i][0] = 1; x[i][j] = ((i*(2j+1)*7919 + 13j) mod 10007)/10007 - 0.5;
y[i] = sum_j 0.01*(j+1)*x[i][j] + ((i*104729) mod 9973)/9973 - 0.5.
"""
import numpy as np


def design(n=1_000_000, p=50):
    i = np.arange(n, dtype=np.int64)
    x = np.empty((n, p), order="F")
    x[:, 0] = 1.0
    for j in range(1, p):
        x[:, j] = ((i * (2 * j + 1) * 7919 + 13 * j) % 10007) / 10007 - 0.5
    y = ((i * 104729) % 9973) / 9973 - 0.5 + x @ (0.01 * np.arange(1, p + 1))
    return x, y
