# Benchmark (c), R: 10,000 case-bootstrap refits of the 152-council model, each ranking every
# council by its residual under the refit's coefficients (as `varex rank` does when every group
# is justified). Usage: Rscript bootstrap_ranks.R DATA.csv lm|lm.fit [B]
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = TRUE)
B <- if (length(args) >= 3) as.integer(args[3]) else 10000L
f <- asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + council_type
X <- model.matrix(f, d)
y <- d$asc_net_spend_per_adult_gbp
n <- nrow(d)
set.seed(1)
ranks <- matrix(0L, B, n)
t <- system.time({
  for (b in seq_len(B)) {
    idx <- sample.int(n, n, replace = TRUE)
    beta <- if (args[2] == "lm") coef(lm(f, data = d[idx, ])) else lm.fit(X[idx, , drop = FALSE], y[idx])$coefficients
    ranks[b, ] <- rank(-(y - X %*% beta), ties.method = "first")
  }
})[["elapsed"]]
cat(sprintf('{"seconds": %.6f, "median_rank_1": %g}\n', t, median(ranks[, 1])))
