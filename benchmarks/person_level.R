# Benchmark (e), R's side: fread, then lm with the council factor (summary printed, coefficients
# written), or lm of the 20 numeric terms with influence.measures written by fwrite.
# Usage: Rscript person_level.R DATA.csv factor|residuals OUT.csv
suppressMessages(library(data.table))
args <- commandArgs(TRUE)
d <- fread(args[1])
terms <- paste0("x", 1:20, collapse = " + ")
if (args[2] == "factor") {
  m <- lm(as.formula(paste("y ~", terms, "+ council")), data = d)
  print(summary(m))
  fwrite(data.table(term = names(coef(m)), estimate = unname(coef(m))), args[3])
} else {
  m <- lm(as.formula(paste("y ~", terms)), data = d)
  im <- influence.measures(m)
  out <- data.table(id = d$id, observed = d$y, fitted = fitted(m), residual = residuals(m),
                    std_residual = rstandard(m), studentized_residual = rstudent(m),
                    leverage = im$infmat[, "hat"], cooks_distance = im$infmat[, "cook.d"],
                    dffits = im$infmat[, "dffit"], covratio = im$infmat[, "cov.r"])
  out <- cbind(out, as.data.table(im$infmat[, 1:21]))
  fwrite(out, args[3])
}
