# Benchmark (a), R: the council model's residual table, as `varex fit --residuals` writes it.
# Usage: Rscript fit_council.R DATA.csv OUT.csv
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = TRUE)
fit <- lm(asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + council_type,
          data = d, na.action = na.exclude)
pr <- suppressWarnings(predict(fit, interval = "prediction"))
im <- influence.measures(fit)
dfb <- dfbetas(fit)
colnames(dfb) <- paste0("dfbetas_", colnames(dfb))
out <- data.frame(code = d$code, observed = d$asc_net_spend_per_adult_gbp, fitted = fitted(fit),
                  residual = residuals(fit), std_residual = rstandard(fit), studentized_residual = rstudent(fit),
                  leverage = hatvalues(fit), cooks_distance = cooks.distance(fit), dffits = dffits(fit),
                  covratio = covratio(fit), pi_low = pr[, "lwr"], pi_high = pr[, "upr"], dfb,
                  influential = apply(im$is.inf, 1, any), check.names = FALSE)
write.csv(out, args[2], row.names = FALSE)
