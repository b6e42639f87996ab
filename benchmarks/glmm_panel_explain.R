# Benchmark (i), R: a panel explained through a GLMM, as `varex explain --panel code --time
# financial_year --family binomial --out --persistent-out --json` writes it: lme4's glmer (its
# defaults), the refits of every subset of the groups for their shares of the deviance
# explained, each group's Wald chi-square from vcov(fit), the between share on the latent scale
# with lme4's profile interval (confint, method = "profile"), and the council-years' split and
# the councils' persistent effects written to CSV.
# Usage: Rscript glmm_panel_explain.R DATA.csv ROWS.csv UNITS.csv
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
p <- read.csv(args[1], stringsAsFactors = TRUE)
response <- quote(cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num))
groups <- list(need = c("imd_score", "I(100 * pop_65p/pop_18p)"), year = "financial_year")
fit <- glmer(reformulate(c(unlist(groups), "(1 | code)"), response = response), data = p, family = binomial)
used <- p[as.integer(rownames(model.frame(fit))), ]
X <- getME(fit, "X"); assign <- attr(X, "assign"); labels <- attr(terms(fit), "term.labels")
b <- fixef(fit); V <- as.matrix(vcov(fit)); wt <- weights(fit); means <- colSums(X * wt) / sum(wt)
baseline <- sum(b * means)
effects <- lapply(groups, function(g) {
  cols <- which(assign %in% match(g, labels))
  as.vector(sweep(X[, cols, drop = FALSE], 2, means[cols]) %*% b[cols])
})
wald <- sapply(groups, function(g) {
  cols <- which(assign %in% match(g, labels))
  drop(t(b[cols]) %*% solve(V[cols, cols, drop = FALSE], b[cols]))
})
y <- fit@resp$y; fam <- family(fit)
saturated <- fam$aic(y, fit@resp$n, y, wt, 0)
dev <- sapply(0:3, function(S) {
  chosen <- names(groups)[bitwAnd(S, c(1, 2)) != 0]
  m <- if (S == 3) fit else glmer(reformulate(c(unlist(groups[chosen]), "(1 | code)"), response = response), data = p, family = binomial)
  -2 * as.numeric(logLik(m)) - saturated
})
v <- 1 - dev / dev[1]
shares <- c(need = (v[2] - v[1] + v[4] - v[3]) / 2, year = (v[3] - v[1] + v[4] - v[2]) / 2)
ci <- confint(fit, parm = "theta_", method = "profile", quiet = TRUE)
share <- function(t) t^2 / (t^2 + pi^2 / 3)
between <- c(share(getME(fit, "theta")), share(ci[1, 1]), share(ci[1, 2]))
re <- ranef(fit, condVar = TRUE)$code
modes <- setNames(re[, 1], rownames(re)); sds <- setNames(sqrt(attr(re, "postVar")[1, 1, ]), rownames(re))
bi <- modes[as.character(used$code)]
eta <- predict(fit, type = "link"); mu <- fitted(fit); linkinv <- fam$linkinv
justified <- linkinv(baseline + effects$need)
write.csv(data.frame(code = used$code, financial_year = used$financial_year, observed = y, fitted = mu, eta = eta,
                     effect_need = effects$need, effect_year = effects$year, justified = justified,
                     persistent = mu - linkinv(eta - bi), transient = y - mu, unjustified = y - justified), args[2], row.names = FALSE)
write.csv(data.frame(code = names(modes), persistent = modes, sd = sds), args[3], row.names = FALSE)
cat(sprintf("%.17g", c(shares, wald, between)), "\n")
