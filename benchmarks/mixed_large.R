# Benchmark (d2), R: the simulated person-level mixed model of varex-bench mixed (same data), with
# lmerTest's lmer (REML; lme4's default optimiser), its summary (Satterthwaite df) and the
# conditional modes with their SDs timed; generating the data is not.
# Usage: Rscript mixed_large.R [n]
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) > 0) as.numeric(args[1]) else 1e6
i <- 0:(n - 1)
d <- data.frame(council = factor(paste0("C", i %% 152)))
y <- 1
for (j in 1:10) {
  x <- round(((i * (2 * j + 1) * 7919 + 13 * j) %% 10007) / 10007 - 0.5, 6)
  d[[paste0("x", j)]] <- x
  y <- y + 0.1 * j * x
}
cidx <- i %% 152
y <- y + 2 * (((cidx * 7919) %% 1009) / 1009 - 0.5) + ((i * 104729) %% 9973) / 9973 - 0.5
d$y <- round(y, 6)
f <- as.formula(paste("y ~", paste0("x", 1:10, collapse = " + "), "+ (1 | council)"))
t0 <- proc.time()[["elapsed"]]
fit <- lmerTest::lmer(f, data = d)
s <- summary(fit)
re <- ranef(fit, condVar = TRUE)
seconds <- proc.time()[["elapsed"]] - t0
b <- fixef(fit)
cat(sprintf('{"seconds": %.6f, "criterion": %.10f, "beta_checksum": %.12g, "df_x1": %.8g, "sigma": %.12g}\n',
            seconds, REMLcrit(fit), sum(seq_along(b) * b), s$coefficients["x1", "df"], sigma(fit)))
