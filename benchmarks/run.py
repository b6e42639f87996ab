#!/usr/bin/env python3
"""Varex benchmarks against R, numpy and statsmodels, in one run; writes benchmarks/RESULTS.md.

(a) `varex fit` end to end on the 152-council data (process start to residual CSV written),
    against `Rscript fit_council.R` and `python fit_council.py` (statsmodels), which write the
    same residual table.
(b) a synthetic n = 1,000,000, p = 50 fit through the library API (`varex-bench`), with fitted
    values, leverage and studentized residuals, against numpy.linalg.lstsq (alone, and with the
    same diagnostics) and statsmodels OLS with its influence measures.
(c) 10,000 case-bootstrap refits of the council model with every council ranked each time
    (`varex rank`), against loops of R's lm() and lm.fit() and of statsmodels OLS.
(d) linear mixed models against lme4/lmerTest: (d1) the council panel's random-intercept model end
    to end (`varex fit ... + (1 | code) --json --ranef`, against `Rscript mixed_panel.R`, which
    fits, summarises with Satterthwaite df and writes the conditional modes); (d2) 1,000,000
    simulated person-level rows in 152 councils with 10 fixed effects, through the library API
    (`varex-bench mixed`, against `Rscript mixed_large.R`): the design, the REML fit, the
    Satterthwaite df and the conditional modes with SDs timed inside each program.
(e) person-level data through the `varex` command: a CSV of 1,000,000 rows (an id, a 152-level
    council code, 20 numeric columns, y; 430 MB, written by person_level_data.py from a fixed seed),
    (e1) fitted with the council factor, summary only, and (e2) the 20 numeric terms with the full
    residual table written, against R (data.table's fread + lm, and influence.measures + fwrite,
    person_level.R) and Python (pandas + numpy, person_level.py). Three runs each (RUNS_E).
(f) 10,000,000 rows streamed (`varex fit - --stream`): case (e)'s file fed ten times through a pipe
    (generated on the fly, never written), against the in-memory fit of the same stream: time,
    peak memory (target: under 512 MB) and the coefficients' largest relative difference.
(g) a logistic GLM on a person-level CSV of 1,000,000 rows (glm_person_data.py, fixed seed) with
    `varex fit --stream --family binomial` and in memory, against R (fread + glm + summary,
    glm_person.R) and Python (pandas + statsmodels GLM, glm_person.py). Three runs each.
(h) a GLMM on the council panel (a binomial outcome with a random intercept per council, 757
    council-years) end to end: `varex fit --family binomial ... + (1 | code) --json --ranef`
    against `Rscript glmm_panel.R` (glmer with its defaults, summary, conditional modes).
(i) a panel explained through a GLMM (`varex explain --panel --family binomial`: the fit, the
    groups' shares from refits, Wald tests, the latent-scale between share with its profile
    interval, the tables) against `Rscript glmm_panel_explain.R` (the same with lme4: glmer,
    refits, confint(method = "profile")).
(j) DEA with the Simar–Wilson bootstrap: 151 councils (spend per adult against three ASCOF
    outcomes, a need, variable returns) × 2,000 replicates (302,151 programmes) by
    `varex efficiency --bootstrap 2000`, against the same programmes solved one by one by
    scipy's linprog (HiGHS) in a Python loop (dea_bootstrap.py). The loop runs SCIPY_REPLICATES
    replicates once and its time is scaled to 2,000 (the work is the same programme 151 times a
    replicate; 2,000 would take the loop about a quarter of an hour a run).
(l) a factor model streamed from a 10,000,000-row file under the default --memory 512MB: case (e)'s
    file written ten times over (4.3 GB on disk), `y ~ council + x1 + ... + x20` (172 coefficients)
    with `varex fit --stream`, once; its coefficients against the in-memory fit of the 1,000,000
    rows (ten copies of every row leave least-squares coefficients unchanged).
(k) absorbed fixed effects on the simulated design of fixest's and FixedEffectModels.jl's
    benchmarks (absorb_data.py, fixed seed): (k1) 1,000,000 rows, `y ~ x1 + x2` absorbing f1
    (50,000 levels) and f2 (100); (k2) 10,000,000 rows absorbing f1 (500,000), f2 (3,162) and f3
    (200). `varex fit --absorb ... --id id --json` against pandas + pyfixest's feols (iid SEs,
    absorb_pyfixest.py). R's lm with a dummy column per level would need a 1,000,000 × 50,100
    design (about 400 GB): it is not run, and said so. Three runs each. (Issue 23 called these
    (h); the letters (g)–(j) were taken.)

Every measurement runs in its own process, RUNS times (default 5); the table gives the median
wall time and the peak resident memory (from the kernel's rusage of that process), and starts after
os.sync(), so that no earlier run's output is being written back while it is timed.
Usage: python3 benchmarks/run.py [--runs N] [--only-e | --only-g | --only-h | --only-i | --only-j | --only-k | --only-l]
"""
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benchmarks")
DATA = os.path.join(ROOT, "fixtures", "councils", "asc_2018_19.csv")
PANEL = os.path.join(ROOT, "fixtures", "councils", "asc_panel_2014_2019.csv")
PANEL_FORMULA = ("asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"
                 " + (1 | code)")
FORMULA = ("asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score"
           " + council_type")
JUSTIFIED = "need=I(100 * pop_65p/pop_18p),I(100 * pop_85p/pop_18p),imd_score,council_type"
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
RUNS_E = min(RUNS, 3)
PERSON_ROWS = 1_000_000
# numpy and statsmodels bring their own, newer OpenBLAS: let it pick its best kernel (the machine's
# OPENBLAS_CORETYPE pin exists for Debian's older OpenBLAS, which Varex and R use).
PY_ENV = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def ensure_dependencies():
    subprocess.run([os.path.join(ROOT, "scripts", "setup-deps.sh"), "r-base-core", "r-cran-lme4", "r-cran-lmertest"], check=True)
    missing = []
    for mod, pkg in (("statsmodels", "statsmodels"), ("pandas", "pandas"), ("threadpoolctl", "threadpoolctl"), ("scipy", "scipy"),
                     ("pyfixest", "pyfixest")):
        try:
            __import__(mod)
        except ImportError:
            missing.append(pkg)
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)
    for product in ("varex", "varex-bench"):
        # As scripts/demo.sh builds it: the Swift runtime linked statically, for a fast start.
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", product], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)


def measure(cmd, env=None, cwd=ROOT):
    """Runs cmd once; returns (wall seconds, peak RSS MB, stdout). The page cache's dirty data is
    written first (os.sync), so that the last run's output (700 MB in case (e2)) is not written
    back to disk while this one is timed."""
    os.sync()
    with tempfile.TemporaryFile() as out:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.read().decode()}")
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def repeat(name, cmd, env=None, inner=False):
    walls, peaks, last = [], [], ""
    for _ in range(RUNS):
        wall, peak, stdout = measure(cmd, env)
        if inner:  # the program times its own fit, leaving out data generation
            wall = json.loads(stdout.strip().splitlines()[-1])["seconds"]
        walls.append(wall)
        peaks.append(peak)
        last = stdout
    print(f"  {name}: median {statistics.median(walls):.4f} s, peak {max(peaks):.0f} MB", file=sys.stderr)
    return {"name": name, "median": statistics.median(walls), "min": min(walls), "peak": max(peaks), "output": last}


def read_table(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def agreement(ours, theirs, columns):
    """Largest relative difference over the shared numeric columns."""
    worst = 0.0
    for a, b in zip(ours, theirs):
        for c in columns:
            x, y = float(a[c]), float(b[c])
            worst = max(worst, abs(x - y) / max(abs(y), 1e-300))
    return worst


def main():
    ensure_dependencies()
    tmp = tempfile.mkdtemp()
    varex = os.path.join(ROOT, ".build", "release", "varex")
    for letter, run, lines in (("g", streamed_glm, g_lines), ("h", glmm_panel, h_lines), ("i", glmm_panel_explain, i_lines),
                               ("j", dea_bootstrap, j_lines), ("k", absorbed_factors, k_lines),
                               ("l", streamed_factor, l_lines)):
        if f"--only-{letter}" in sys.argv:
            # One case alone, its section replaced (or added) in the last full run's RESULTS.md.
            section = lines(run(varex, tmp))
            section.insert(2, f"Run alone (`--only-{letter}`) on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
                              "the sections above are from the last full run.")
            section.insert(3, "")
            replace_section(letter, section)
            return
    if "--only-e" in sys.argv:
        # Case (e) alone, its section replaced in the last full run's RESULTS.md.
        section = e_lines(person_level(varex, tmp))
        section.insert(2, f"Rerun alone (`--only-e`) on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; the sections "
                          "above are from the last full run.")
        section.insert(3, "")
        replace_e_section(section)
        return
    bench = os.path.join(ROOT, ".build", "release", "varex-bench")
    print("(a) council model, end to end", file=sys.stderr)
    a = [
        repeat("varex fit", [varex, "fit", DATA, "--formula", FORMULA, "--id", "code", "--residuals",
                             os.path.join(tmp, "varex.csv")]),
        repeat("R (lm + influence.measures)", ["Rscript", os.path.join(BENCH, "fit_council.R"), DATA,
                                                os.path.join(tmp, "r.csv")]),
        repeat("Python statsmodels", [sys.executable, os.path.join(BENCH, "fit_council.py"), DATA,
                                      os.path.join(tmp, "py.csv")], env=PY_ENV),
    ]
    ours = read_table(os.path.join(tmp, "varex.csv"))
    shared = ["fitted", "residual", "std_residual", "studentized_residual", "leverage", "cooks_distance", "dffits",
              "covratio", "pi_low", "pi_high"]
    agree_r = agreement(ours, read_table(os.path.join(tmp, "r.csv")), shared)
    agree_py = agreement(ours, read_table(os.path.join(tmp, "py.csv")), shared)

    print("(b) n = 1,000,000, p = 50 through the library API", file=sys.stderr)
    b = [
        repeat("varex-bench (fit + fitted + leverage + studentized)", [bench], inner=True),
        repeat("numpy.linalg.lstsq (coefficients only)", [sys.executable, os.path.join(BENCH, "large_numpy.py")],
               env=PY_ENV, inner=True),
        repeat("numpy lstsq + fitted + QR leverage + studentized", [sys.executable, os.path.join(BENCH, "large_numpy.py"),
                                                                    "--full"], env=PY_ENV, inner=True),
        repeat("statsmodels OLS + influence (hat, studentized)", [sys.executable, os.path.join(BENCH, "large_statsmodels.py")],
               env=PY_ENV, inner=True),
    ]
    varex_b = json.loads(b[0]["output"].strip().splitlines()[-1])
    numpy_b = json.loads(b[1]["output"].strip().splitlines()[-1])
    checksum_diff = abs(varex_b["coef_checksum"] - numpy_b["coef_checksum"]) / abs(numpy_b["coef_checksum"])
    print("(c) 10,000 bootstrap refits of the council model with ranks", file=sys.stderr)
    c = [
        repeat("varex rank --bootstrap 10000 (whole process)", [varex, "rank", DATA, "--id", "code", "--formula", FORMULA,
                                                                "--justified", JUSTIFIED, "--bootstrap", "10000",
                                                                "--out", os.path.join(tmp, "ranks.csv")]),
        repeat("R lm() loop", ["Rscript", os.path.join(BENCH, "bootstrap_ranks.R"), DATA, "lm"], inner=True),
        repeat("R lm.fit() loop on the model matrix", ["Rscript", os.path.join(BENCH, "bootstrap_ranks.R"), DATA, "lm.fit"],
               inner=True),
        repeat("Python statsmodels OLS loop", [sys.executable, os.path.join(BENCH, "bootstrap_ranks.py"), DATA],
               env=PY_ENV, inner=True),
    ]
    print("(d) mixed models against lme4", file=sys.stderr)
    d1 = [
        repeat("varex fit (1 \\| code) --json --ranef", [varex, "fit", PANEL, "--formula", PANEL_FORMULA, "--json",
                                                       os.path.join(tmp, "mixed.json"), "--ranef", os.path.join(tmp, "ranef.csv")]),
        repeat("R lmerTest::lmer + summary + ranef", ["Rscript", os.path.join(BENCH, "mixed_panel.R"), PANEL,
                                                      os.path.join(tmp, "r_ranef.csv")]),
    ]
    ours_re = read_table(os.path.join(tmp, "ranef.csv"))
    theirs_re = {r["level"]: r for r in read_table(os.path.join(tmp, "r_ranef.csv"))}
    agree_d1 = max(abs(float(r["mode"]) - float(theirs_re[r["level"]]["mode"])) / max(abs(float(theirs_re[r["level"]]["mode"])), 1)
                   for r in ours_re)
    d2 = [
        repeat("varex-bench mixed (design + REML fit + Satterthwaite + modes)", [bench, "mixed", "1000000"], inner=True),
        repeat("R lmerTest::lmer + summary + ranef(condVar)", ["Rscript", os.path.join(BENCH, "mixed_large.R"), "1000000"],
               inner=True),
    ]
    ours_d2 = json.loads(d2[0]["output"].strip().splitlines()[-1])
    theirs_d2 = json.loads(d2[1]["output"].strip().splitlines()[-1])
    e = person_level(varex, tmp)
    g = streamed_glm(varex, tmp)
    h = glmm_panel(varex, tmp)
    write_results(a, b, c, agree_r, agree_py, varex_b, numpy_b, checksum_diff, d1, d2, agree_d1, ours_d2, theirs_d2, e)
    replace_section("g", g_lines(g))
    replace_section("h", h_lines(h))
    replace_section("i", i_lines(glmm_panel_explain(varex, tmp)))
    replace_section("j", j_lines(dea_bootstrap(varex, tmp)))
    replace_section("k", k_lines(absorbed_factors(varex, tmp)))
    replace_section("l", l_lines(streamed_factor(varex, tmp)))


def streamed_factor(varex, tmp):
    """Case (l): the council factor model streamed from ten copies of case (e)'s file, under the default memory."""
    global RUNS
    saved, RUNS = RUNS, 1
    one = os.path.join(tmp, "person_level_l.csv")
    subprocess.run([sys.executable, os.path.join(BENCH, "person_level_data.py"), str(PERSON_ROWS), one], check=True)
    ten = os.path.join(tmp, "person_level_ten.csv")
    # Copied in 16 MB pieces: Linux counts the parent's resident set at the fork into a child's
    # peak (ru_maxrss keeps the high-water mark across exec), so holding the 428 MB body here put
    # 888 MB on Varex's measurement.
    with open(ten, "wb") as dst:
        for k in range(10):
            with open(one, "rb") as src:
                header = src.readline()
                if k == 0:
                    dst.write(header)
                while piece := src.read(16 << 20):
                    dst.write(piece)
    terms = "council + " + " + ".join(f"x{j}" for j in range(1, 21))
    print("(l) 10,000,000 rows with a 152-level factor, streamed", file=sys.stderr)
    run = repeat("varex fit --stream (default --memory 512MB)", [varex, "fit", ten, "--formula", f"y ~ {terms}", "--stream",
                                                                 "--json", os.path.join(tmp, "l.json")])
    memory = repeat("varex fit (in memory, the 1,000,000 rows)", [varex, "fit", one, "--formula", f"y ~ {terms}", "--json",
                                                                  os.path.join(tmp, "l_memory.json")])
    with open(os.path.join(tmp, "l.json")) as f:
        streamed = {c["term"]: c["estimate"] for c in json.load(f)["coefficients"]}
    with open(os.path.join(tmp, "l_memory.json")) as f:
        whole = {c["term"]: c["estimate"] for c in json.load(f)["coefficients"]}
    assert len(streamed) == len(whole) == 172, (len(streamed), len(whole))
    worst = max(abs(streamed[t] - whole[t]) / max(abs(whole[t]), 1e-300) for t in whole)
    RUNS = saved
    os.remove(one)
    os.remove(ten)
    return {"runs": [run, memory], "agree": worst}


def l_lines(r):
    run = r["runs"][0]
    return ["## (l) A factor model streamed from 10,000,000 rows under the default memory", "",
            "Case (e)'s file written ten times over (10,000,000 rows, 4.3 GB on disk), `y ~ council + x1 + … + x20` "
            "(172 coefficients) with `varex fit --stream` and no other setting: `--memory 512MB` sets each block from the "
            "design's width (the first megabyte finds it). One run; the in-memory fit of the 1,000,000 rows for "
            "comparison (ten copies of every row leave the least-squares coefficients unchanged).", "",
            "| run | time | peak memory |", "|---|---:|---:|"] \
        + [f"| {x['name']} | {x['median']:.1f} s | {x['peak']:.0f} MB |" for x in r["runs"]] \
        + ["", f"Peak memory of the streamed fit: {run['peak']:.0f} MB (target: under 512 MB). Its 172 coefficients agree "
               f"with the in-memory fit's to {r['agree']:.1e} (largest relative difference)."]


def absorbed_factors(varex, tmp):
    """Case (k): absorbed factors at 1,000,000 and 10,000,000 rows, Varex against pyfixest."""
    global RUNS
    saved, RUNS = RUNS, RUNS_E
    out = {}
    for key, rows, factors in (("k1", 1_000_000, ["f1", "f2"]), ("k2", 10_000_000, ["f1", "f2", "f3"])):
        data = os.path.join(tmp, f"absorb_{key}.csv")
        subprocess.run([sys.executable, os.path.join(BENCH, "absorb_data.py"), str(rows), data] + (["3"] if len(factors) == 3 else []),
                       check=True)
        print(f"({key}) {rows:,} rows absorbing {', '.join(factors)}", file=sys.stderr)
        ours_json = os.path.join(tmp, f"{key}.json")
        runs = [
            repeat(f"varex fit --absorb {' --absorb '.join(factors)} --id id",
                   [varex, "fit", data, "--formula", "y ~ x1 + x2", "--id", "id", "--json", ours_json]
                   + [a for f in factors for a in ("--absorb", f)]),
            repeat("Python pandas + pyfixest feols", [sys.executable, os.path.join(BENCH, "absorb_pyfixest.py"), data,
                                                      os.path.join(tmp, f"{key}_py.csv"), "+".join(factors)], env=PY_ENV),
        ]
        with open(ours_json) as f:
            j = json.load(f)
        ours = {c["term"]: (c["estimate"], c["std_error"]) for c in j["coefficients"]}
        theirs = {r["term"]: (float(r["estimate"]), float(r["std_error"])) for r in read_table(os.path.join(tmp, f"{key}_py.csv"))}
        assert len(ours) == len(theirs) == 2, (ours, theirs)
        out[key] = {"runs": runs, "rows": rows, "factors": factors, "parameters": j.get("absorbed_parameters"),
                    "coef": max(abs(ours[t][0] - theirs[t][0]) / abs(theirs[t][0]) for t in theirs),
                    "se": max(abs(ours[t][1] - theirs[t][1]) / abs(theirs[t][1]) for t in theirs),
                    "warnings": j.get("warnings", [])}
        os.remove(data)
    RUNS = saved
    return out


def k_lines(r):
    lines = ["## (k) Absorbed fixed effects on fixest's simulated design", "",
             "`y ~ x1 + x2` with the factors absorbed (`absorb_data.py`: y = 3 x1 + 5 x2 + cos(f1) + cos(f2)² [+ sin(f3)] + noise, "
             "x1 and x2 correlated with the factors); Varex's whole process (read, within transformation by alternating "
             "projections with Irons–Tuck acceleration, fit, classical SEs, JSON written) against pandas' `read_csv` and "
             f"pyfixest's `feols` with iid SEs, median of {RUNS_E} runs. R's `lm` with a dummy column per level would need a "
             "1,000,000 × 50,100 design (about 400 GB) and is not run.", ""]
    for key in ("k1", "k2"):
        k = r[key]
        lines += [f"({key}) {k['rows']:,} rows, {len(k['factors'])} factors, {k['parameters']:,} absorbed parameters:", "",
                  "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"] \
            + table(k["runs"], lambda t: f"{t:.2f} s") \
            + ["", f"Coefficients agree with pyfixest's to {k['coef']:.1e} and SEs to {k['se']:.1e} (largest relative difference)."
               + (" Varex's warning: " + "; ".join(k["warnings"]) if k["warnings"] else ""), ""]
    return lines[:-1]


def person_level(varex, tmp):
    """Case (e): returns the two timing lists and the agreement of each with R."""
    global RUNS
    saved, RUNS = RUNS, RUNS_E
    data = os.path.join(tmp, "person_level.csv")
    subprocess.run([sys.executable, os.path.join(BENCH, "person_level_data.py"), str(PERSON_ROWS), data], check=True)
    terms = " + ".join(f"x{j}" for j in range(1, 21))
    print("(e1) person-level CSV, council factor, summary", file=sys.stderr)
    e1 = [
        repeat("varex fit --id (summary)", [varex, "fit", data, "--id", "id", "--formula", f"y ~ {terms} + council", "--json",
                                       os.path.join(tmp, "e1.json")]),
        repeat("R fread + lm + summary", ["Rscript", os.path.join(BENCH, "person_level.R"), data, "factor",
                                          os.path.join(tmp, "e1_r.csv")]),
        repeat("Python pandas + numpy QR", [sys.executable, os.path.join(BENCH, "person_level.py"), data, "factor",
                                            os.path.join(tmp, "e1_py.csv")], env=PY_ENV),
    ]
    with open(os.path.join(tmp, "e1.json")) as f:
        ours = {c["term"]: c["estimate"] for c in json.load(f)["coefficients"]}
    theirs = {r["term"]: float(r["estimate"]) for r in read_table(os.path.join(tmp, "e1_r.csv"))}
    agree_e1 = max(abs(ours[t] - theirs[t]) / max(abs(theirs[t]), 1e-300) for t in theirs)
    print("(e2) person-level CSV, 20 numeric terms, residual table", file=sys.stderr)
    e2 = [
        repeat("varex fit --id --residuals", [varex, "fit", data, "--id", "id", "--formula", f"y ~ {terms}", "--residuals",
                                         os.path.join(tmp, "e2.csv")]),
        repeat("R fread + lm + influence.measures + fwrite", ["Rscript", os.path.join(BENCH, "person_level.R"), data,
                                                             "residuals", os.path.join(tmp, "e2_r.csv")]),
        repeat("Python pandas + numpy QR + to_csv", [sys.executable, os.path.join(BENCH, "person_level.py"), data,
                                                     "residuals", os.path.join(tmp, "e2_py.csv")], env=PY_ENV),
    ]
    import pandas as pd
    shared = ["fitted", "residual", "std_residual", "studentized_residual", "leverage", "cooks_distance", "dffits", "covratio"]
    ours2 = pd.read_csv(os.path.join(tmp, "e2.csv"), usecols=shared, nrows=100_000)
    theirs2 = pd.read_csv(os.path.join(tmp, "e2_r.csv"), usecols=shared, nrows=100_000)
    agree_e2 = float(((ours2 - theirs2).abs() / theirs2.abs().clip(lower=1e-300)).max().max())
    for path in (os.path.join(tmp, "e2.csv"), os.path.join(tmp, "e2_r.csv"), os.path.join(tmp, "e2_py.csv")):
        os.remove(path)
    print("(f) 10,000,000 rows streamed through a pipe", file=sys.stderr)
    RUNS = 1
    feed = f"(cat {data}; for i in 1 2 3 4 5 6 7 8 9; do tail -n +2 {data}; done)"
    f = [
        repeat("varex fit - --stream", ["bash", "-c", f"{feed} | {varex} fit - --formula '{'y ~ ' + terms}' --stream --json "
                                        f"{os.path.join(tmp, 'f_stream.json')}"]),
        repeat("varex fit - (in memory)", ["bash", "-c", f"{feed} | {varex} fit - --formula '{'y ~ ' + terms}' --json "
                                           f"{os.path.join(tmp, 'f_memory.json')}"]),
    ]
    with open(os.path.join(tmp, "f_stream.json")) as fs, open(os.path.join(tmp, "f_memory.json")) as fm:
        cs, cm = json.load(fs)["coefficients"], json.load(fm)["coefficients"]
    agree_f = max(abs(a["estimate"] - b["estimate"]) / abs(b["estimate"]) for a, b in zip(cs, cm))
    RUNS = saved
    os.remove(data)
    return {"e1": e1, "e2": e2, "agree_e1": agree_e1, "agree_e2": agree_e2, "f": f, "agree_f": agree_f}


def streamed_glm(varex, tmp):
    """Case (g): a logistic GLM on the person-level CSV, streamed, against R's and statsmodels' glm."""
    global RUNS
    saved, RUNS = RUNS, RUNS_E
    data = os.path.join(tmp, "glm_person.csv")
    subprocess.run([sys.executable, os.path.join(BENCH, "glm_person_data.py"), str(PERSON_ROWS), data], check=True)
    terms = " + ".join(f"x{j}" for j in range(1, 21))
    print("(g) person-level logistic GLM, streamed", file=sys.stderr)
    g = [
        repeat("varex fit --stream --family binomial", [varex, "fit", data, "--formula", f"event ~ {terms}", "--family", "binomial",
                                                         "--stream", "--json", os.path.join(tmp, "g.json")]),
        repeat("varex fit --family binomial (in memory)", [varex, "fit", data, "--formula", f"event ~ {terms}", "--family",
                                                           "binomial", "--json", os.path.join(tmp, "g_memory.json")]),
        repeat("R fread + glm + summary", ["Rscript", os.path.join(BENCH, "glm_person.R"), data, os.path.join(tmp, "g_r.csv")]),
        repeat("Python pandas + statsmodels GLM", [sys.executable, os.path.join(BENCH, "glm_person.py"), data,
                                                  os.path.join(tmp, "g_py.csv")], env=PY_ENV),
    ]
    with open(os.path.join(tmp, "g.json")) as f:
        ours = {c["term"]: (c["estimate"], c["std_error"]) for c in json.load(f)["coefficients"]}
    theirs = {r["term"]: (float(r["estimate"]), float(r["std_error"])) for r in read_table(os.path.join(tmp, "g_r.csv"))}
    agree = max(max(abs(ours[t][k] - theirs[t][k]) / abs(theirs[t][k]) for k in (0, 1)) for t in theirs)
    RUNS = saved
    os.remove(data)
    return {"g": g, "agree": agree}


def g_lines(r):
    return ["## (g) A GLM on person-level data, streamed", "",
            f"A CSV of {PERSON_ROWS:,} rows (an id, a council code, 20 numeric columns and a 0/1 `event`; about 420 MB; "
            "`glm_person_data.py`, fixed seed): `event ~ x1 + … + x20`, binomial, summary only. `--stream` parses the "
            "CSV once (R's starting values), keeping the rows as doubles in a temporary file that each IRLS iteration "
            f"reads back, in memory bounded by the block; whole process each time, median of {RUNS_E} runs.", "",
            "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"] \
        + table(r["g"], lambda t: f"{t:.2f} s") \
        + ["", f"Coefficients and SEs of the streamed fit agree with R's glm to {r['agree']:.1e} (largest relative difference)."]


def glmm_panel(varex, tmp):
    """Case (h): the panel GLMM end to end, Varex against glmer; the estimates' agreement."""
    formula = "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + financial_year + (1 | code)"
    ours = repeat("varex fit (GLMM)", [varex, "fit", PANEL, "--family", "binomial", "--formula", formula, "--json",
                                       os.path.join(tmp, "h.json"), "--ranef", os.path.join(tmp, "h_ranef.csv")])
    theirs = repeat("R glmer", ["Rscript", os.path.join(BENCH, "glmm_panel.R"), PANEL, os.path.join(tmp, "h_r.csv")])
    with open(os.path.join(tmp, "h.json")) as f:
        mine = json.load(f)["coefficients"]
    r = read_table(os.path.join(tmp, "h_r_fixef.csv"))
    worst = max(abs(c["estimate"] - float(w["Estimate"])) / float(w["Std. Error"]) for c, w in zip(mine, r))
    return {"h": [ours, theirs], "agree": worst}


def h_lines(r):
    return ["## (h) A GLMM on the council panel", "",
            "The share of older people at home 91 days after discharge (ASCOF 2B1) as a binomial count pair, "
            "`~ imd_score + financial_year + (1 | code)`, 757 council-years: the fit (Laplace), the summary with "
            "SEs from the Hessian of the deviance and the conditional modes written; whole process each time, "
            f"median of {RUNS} runs.", "",
            "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"] \
        + table(r["h"], lambda t: f"{t:.2f} s") \
        + ["", f"The estimates agree with glmer's (default tolerances) to {r['agree']:.1e} of their SE."]


def glmm_panel_explain(varex, tmp):
    """Case (i): a panel explained through a GLMM, Varex's one command against R's script; agreement."""
    formula = "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + I(100 * pop_65p/pop_18p) + financial_year"
    ours = repeat("varex explain --panel --family", [varex, "explain", PANEL, "--panel", "code", "--time", "financial_year",
                                                    "--family", "binomial", "--formula", formula,
                                                    "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)",
                                                    "--unjustified", "year=financial_year", "--draws", "1000",
                                                    "--out", os.path.join(tmp, "i_rows.csv"), "--persistent-out", os.path.join(tmp, "i_units.csv"),
                                                    "--json", os.path.join(tmp, "i.json")])
    theirs = repeat("R glmer + refits + confint profile", ["Rscript", os.path.join(BENCH, "glmm_panel_explain.R"), PANEL,
                                                          os.path.join(tmp, "i_r_rows.csv"), os.path.join(tmp, "i_r_units.csv")])
    mine = [r for r in read_table(os.path.join(tmp, "i_rows.csv")) if r["fitted"]]
    rows = agreement(mine, read_table(os.path.join(tmp, "i_r_rows.csv")), ["fitted", "justified"])
    with open(os.path.join(tmp, "i.json")) as f:
        share = json.load(f)["between_share"]
    r = [float(x) for x in theirs["output"].split()]
    between = max(abs(share[k] - r[4 + j]) / r[4 + j] for j, k in enumerate(["estimate", "low", "high"]))
    return {"i": [ours, theirs], "rows": rows, "between": between}


def i_lines(r):
    return ["## (i) A panel explained through a GLMM", "",
            "ASCOF 2B1 as counts out of the denominator on need (justified) and the year (unjustified) with a random "
            "intercept per council, 757 council-years: `varex explain --panel code --time financial_year --family binomial` "
            "(the fit, the groups' shares from refits, their Wald tests, the latent-scale between share with its profile "
            "interval, 1,000 rank draws, the council-year and council tables) against the R script that does the same "
            "with lme4 (glmer, three refits, `confint(method = \"profile\")`); whole process each time, "
            f"median of {RUNS} runs.", "",
            "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"] \
        + table(r["i"], lambda t: f"{t:.2f} s") \
        + ["", f"The conditional means and justified levels agree with glmer's (default tolerances) to {r['rows']:.1e} "
               f"(largest relative difference), the between share and its interval with lme4's profile to {r['between']:.1e}."]


SCIPY_REPLICATES = 100


def dea_bootstrap(varex, tmp):
    """Case (j): the DEA bootstrap, Varex's command against scipy's loop (scaled); agreement of
    the DEA scores, and of the bootstrap's corrected scores in distribution (different draws)."""
    ours = repeat("varex efficiency --bootstrap 2000", [varex, "efficiency", DATA, "--id", "code", "--input", "asc_net_spend_per_adult_gbp",
                                                       "--output", "ascof_1a", "--output", "ascof_1b", "--output", "ascof_3a",
                                                       "--need", "imd_score", "--bootstrap", "2000", "--seed", "1",
                                                       "--out", os.path.join(tmp, "j.csv")])
    wall, peak, out = measure([sys.executable, os.path.join(BENCH, "dea_bootstrap.py"), DATA, str(SCIPY_REPLICATES),
                               os.path.join(tmp, "j_py.csv")], env=PY_ENV)
    inner, solved = out.split()
    scale = 2000 / SCIPY_REPLICATES
    theirs = {"name": f"scipy linprog loop ({SCIPY_REPLICATES} replicates × {scale:.0f})", "median": wall * scale, "min": wall * scale,
              "peak": peak, "output": ""}
    print(f"  {theirs['name']}: {wall:.1f} s for {solved} programmes, scaled {theirs['median']:.0f} s", file=sys.stderr)
    mine = [r for r in read_table(os.path.join(tmp, "j.csv")) if r["efficiency"]]
    py = read_table(os.path.join(tmp, "j_py.csv"))
    scores = max(abs(float(a["efficiency"]) - float(b["efficiency"])) for a, b in zip(mine, py))
    corrected = max(abs(float(a["efficiency_corrected"]) - float(b["efficiency_corrected"])) for a, b in zip(mine, py))
    return {"j": [ours, theirs], "scores": scores, "corrected": corrected, "units": len(mine), "solved": int(solved)}


def j_lines(r):
    return ["## (j) DEA with the Simar–Wilson bootstrap", "",
            f"{r['units']} councils (spend per adult; ASCOF 1A, 1B, 3A; deprivation as a need; variable returns) × 2,000 "
            "smoothed-bootstrap replicates, 302,151 linear programmes: `varex efficiency --bootstrap 2000` (Clp, replicates on "
            f"both cores; median of {RUNS} runs, whole process) against the same programmes solved one by one by scipy's "
            f"`linprog` (HiGHS) in a Python loop with the matrix built once in numpy (`dea_bootstrap.py`): the loop ran "
            f"{SCIPY_REPLICATES} replicates ({r['solved']:,} programmes) once and its time is multiplied by "
            f"{2000 // SCIPY_REPLICATES}.", "",
            "| tool | time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"] \
        + table(r["j"], lambda t: f"{t:.1f} s") \
        + ["", f"The DEA scores agree with HiGHS's to {r['scores']:.1e}; the corrected scores (different draws: Varex's "
               f"2,000 against the loop's {SCIPY_REPLICATES}) differ by at most {r['corrected']:.3f}. Target: at least 20 times "
               "faster than the loop."]


def replace_section(letter, section):
    """Replaces (or adds, before the targets) case `letter`'s section of RESULTS.md."""
    path = os.path.join(BENCH, "RESULTS.md")
    with open(path) as f:
        text = f.read()
    start, end = text.find(f"## ({letter})"), text.find("Targets:")
    if start < 0:
        start = end
    else:
        following = text.find("\n## (", start + 1)
        end = min(end, following + 1) if following >= 0 else end
    text = text[:start] + "\n".join(section) + "\n\n" + text[end:]
    with open(path, "w") as f:
        f.write(text)
    print("\n".join(section))


def versions():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    import numpy
    import statsmodels
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": f"{cpu}, {os.cpu_count()} cores", "swift": out(["swift", "--version"]),
            "R": out(["Rscript", "--version"]) or out(["R", "--version"]),
            "python": platform.python_version(), "numpy": numpy.__version__, "statsmodels": statsmodels.__version__}


def table(results, value, extra=None):
    """Markdown rows: each result's median (formatted by value), peak memory and ratio to the first."""
    base = results[0]["median"]
    return [f"| {r['name']} | {value(r['median'])} | {r['peak']:.0f} MB | {r['median'] / base:.1f} |"
            + (f" {extra(r)} |" if extra else "") for r in results]


def write_results(a, b, c, agree_r, agree_py, varex_b, numpy_b, checksum_diff, d1, d2, agree_d1, ours_d2, theirs_d2, e):
    v = versions()
    lines = ["# Benchmark results", "",
             f"Written by `python3 benchmarks/run.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
             f"Median of {RUNS} runs, each in its own process; peak memory is the largest resident set of that "
             "process (kernel rusage). Ratios are the other tool's median time divided by Varex's (above 1: Varex "
             "is faster). Each run starts after `os.sync()`. Times vary by ±20% between runs on this shared machine: "
             "compare within one run.", "",
             f"Machine: {v['cpu']}; {v['swift']}; {v['R']}; Python {v['python']}, numpy {v['numpy']}, "
             f"statsmodels {v['statsmodels']}. numpy and statsmodels ran with their own OpenBLAS ({', '.join(numpy_b['blas'])}); "
             "Varex and R use Debian's OpenBLAS.", "",
             "## (a) Council model end to end: process start to residual CSV written", "",
             "152 councils, 7 coefficients, the full residual table (fitted, residuals, standardized and studentized "
             "residuals, leverage, Cook's distance, DFFITS, COVRATIO, prediction interval, DFBETAS, influence flags).", "",
             "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"]
    lines += table(a, lambda t: f"{t * 1000:.1f} ms")
    lines += ["", f"Agreement of Varex's table with R's: largest relative difference {agree_r:.1e}; with statsmodels': "
              f"{agree_py:.1e} (columns fitted … pi_high).", "",
              "## (b) n = 1,000,000, p = 50, through the library API", "",
              "Time of the fit only (the design is generated in memory first and not timed). Varex computes "
              "coefficients, fitted values, leverage and studentized residuals; the design itself takes 400 MB.", "",
              "| tool | median time | peak memory | time ratio to Varex | memory ratio to the design |", "|---|---:|---:|---:|---:|"]
    lines += table(b, lambda t: f"{t:.3f} s", lambda r: f"{r['peak'] / 400:.2f}")
    lines += ["", f"Varex used {varex_b['method']} with {varex_b['refinement_steps']} refinement step(s) in extended "
              f"precision. Its coefficients agree with numpy's to {checksum_diff:.1e} (relative difference of "
              "Σ (k+1)·b_k).", "",
              "## (c) 10,000 bootstrap refits of the 152-council model, with every council ranked each time", "",
              "Case resampling; each replicate refits the model and ranks all 152 councils by their residual under the "
              "refit's coefficients. Varex's time is the whole process (reading the CSV, the fit, the bootstrap on both "
              "cores, writing the rank table); R's and Python's are the loop alone, timed inside the script.", "",
              "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"]
    lines += table(c, lambda t: f"{t:.3f} s")
    lines += ["", "## (d) Linear mixed models against lme4 and lmerTest", "",
              "(d1) The five-year council panel (759 council-years, 10 fixed effects, a random intercept per council), "
              "whole process: read the CSV, fit by REML, Satterthwaite df, conditional modes and SDs written.", "",
              "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"]
    lines += table(d1, lambda t: f"{t * 1000:.1f} ms")
    lines += ["", f"Largest difference of the 152 conditional modes from R's: {agree_d1:.1e} (relative, or absolute below 1; "
              "lme4's default optimiser stops short of the optimum by about that much).", "",
              "(d2) 1,000,000 simulated person-level rows in 152 councils, 10 fixed effects, a random intercept: the design, "
              "the REML fit, Satterthwaite's df and the conditional modes with SDs, timed inside each program (generating "
              "the data is not timed; the peak memory includes it: Varex holds the data as a table of text and numbers, "
              "R as a data frame).", "",
              "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"]
    lines += table(d2, lambda t: f"{t:.2f} s")
    crit = abs(ours_d2["criterion"] - theirs_d2["criterion"]) / abs(theirs_d2["criterion"])
    beta = abs(ours_d2["beta_checksum"] - theirs_d2["beta_checksum"]) / abs(theirs_d2["beta_checksum"])
    lines += ["", f"Agreement: REML criterion {crit:.1e}, fixed effects (Σ (k+1)·b_k) {beta:.1e}, relative.", ""]
    lines += e_lines(e)
    lines += ["", TARGETS]
    with open(os.path.join(BENCH, "RESULTS.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


TARGETS = ("Targets: (a) at least 5 times faster than R; (b) at least 2 times faster than numpy's lstsq, with "
           "peak memory within 1.5 times the design (600 MB); (c) at least 20 times faster than the R `lm` loop and "
           "faster than the `lm.fit` loop; (d) at least 5 times faster than lme4 with no more memory; (e) at least 2 "
           "times faster than R with no more memory than R; (f) under 512 MB (issue 12).")


def replace_e_section(section):
    """Replaces sections (e) and (f) of RESULTS.md with `section`, keeping every other section
    (the later ones, (g) onwards, and the targets line) as it was."""
    path = os.path.join(BENCH, "RESULTS.md")
    with open(path) as f:
        text = f.read()
    start = text.find("## (e)")
    if start < 0:
        start = text.find("Targets:")
    f_at = text.find("## (f)")
    following = text.find("\n## (", (f_at if f_at >= 0 else start) + 1)
    end = following + 1 if following >= 0 else text.find("Targets:")
    text = text[:start] + "\n".join(section) + "\n\n" + text[end:]
    with open(path, "w") as f:
        f.write(text)
    print("\n".join(section))


def e_lines(e):
    lines = ["## (e) Person-level data through the `varex` command", "",
              f"A CSV of {PERSON_ROWS:,} rows (an id, a 152-level council code, 20 numeric columns and y; about 430 MB; "
              "`person_level_data.py`, fixed seed), whole process each time, each run started after `os.sync()` so "
              "that the previous run's output (700 MB in (e2)) is not written back to disk during it. "
              f"Median of {RUNS_E} runs.", "",
              "(e1) `y ~ x1 + … + x20 + council` (172 coefficients), summary only.", "",
              "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"]
    lines += table(e["e1"], lambda t: f"{t:.2f} s")
    lines += ["", f"Coefficients agree with R's to {e['agree_e1']:.1e} (largest relative difference).", "",
              "(e2) `y ~ x1 + … + x20` with the full residual table written (influence measures and all 21 DFBETAS).", "",
              "| tool | median time | peak memory | time ratio to Varex |", "|---|---:|---:|---:|"]
    lines += table(e["e2"], lambda t: f"{t:.2f} s")
    lines += ["", f"The first 100,000 rows of the residual table agree with R's to {e['agree_e2']:.1e} (largest relative "
              "difference, fitted … covratio; R's fwrite keeps 15 significant digits).", "",
              "## (f) 10,000,000 rows streamed", "",
              "Case (e)'s file fed ten times through a pipe into `varex fit - --stream` (the 20 numeric terms; the data is "
              "never written whole), and the same stream fitted in memory. One run each; peak memory of the whole pipeline.", "",
              "| run | time | peak memory | time ratio to the stream |", "|---|---:|---:|---:|"]
    lines += table(e["f"], lambda t: f"{t:.1f} s")
    lines += ["", f"Coefficients of the streamed fit agree with the in-memory fit's to {e['agree_f']:.1e} (largest relative "
              "difference; target 1e-10). Target: under 512 MB."]
    return lines


if __name__ == "__main__":
    main()
