# Benchmark (h), R: a GLMM on the council panel, as `varex fit ... --family binomial --json --ranef`
# writes it: lme4's glmer (Laplace, its default optimisers), its summary (vcov from its Hessian)
# and the conditional modes with their SDs, written to CSV.
# Usage: Rscript glmm_panel.R DATA.csv OUT.csv
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = TRUE)
fit <- glmer(cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + financial_year + (1 | code),
             data = d, family = binomial)
s <- summary(fit)
re <- as.data.frame(ranef(fit, condVar = TRUE))
write.csv(data.frame(level = re$grp, mode = re$condval, cond_sd = re$condsd), args[2], row.names = FALSE)
write.csv(s$coefficients, sub("\\.csv$", "_fixef.csv", args[2]))
