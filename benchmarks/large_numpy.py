"""Benchmark (b), numpy: numpy.linalg.lstsq on the synthetic design (timed alone), or with
`--full` also fitted values, leverage (from a reduced QR) and studentized residuals."""
import json
import resource
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info

from design import design

full = "--full" in sys.argv
x, y = design()
n, p = x.shape
t = time.perf_counter()
b = np.linalg.lstsq(x, y, rcond=None)[0]
if full:
    fitted = x @ b
    e = y - fitted
    q, _ = np.linalg.qr(x, mode="reduced")
    h = np.einsum("ij,ij->i", q, q)
    rss = e @ e
    s_i = np.sqrt((rss - e**2 / (1 - h)) / (n - p - 1))
    t_i = e / (s_i * np.sqrt(1 - h))
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "coef_checksum": float(sum((k + 1) * v for k, v in enumerate(b))),
                  "blas": [f"{d['internal_api']} {d.get('architecture')}" for d in threadpool_info()]}))
