# Benchmark (d1), R: the council panel's mixed model, as `varex fit ... + (1 | code) --json --ranef`
# writes it: lmerTest's lmer (REML), its summary (Satterthwaite df) and the conditional modes with
# their SDs, written to CSV.
# Usage: Rscript mixed_panel.R DATA.csv OUT.csv
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = TRUE)
fit <- lmer(asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year + (1 | code), data = d)
s <- summary(fit)
re <- as.data.frame(ranef(fit, condVar = TRUE))
write.csv(data.frame(level = re$grp, mode = re$condval, cond_sd = re$condsd), args[2], row.names = FALSE)
write.csv(s$coefficients, sub("\\.csv$", "_fixef.csv", args[2]))
