# Benchmark (g), R's side: fread, then glm(event ~ x1 + ... + x20, binomial) with its summary;
# the coefficients written. Usage: Rscript glm_person.R DATA.csv OUT.csv
suppressMessages(library(data.table))
args <- commandArgs(TRUE)
d <- fread(args[1])
m <- glm(as.formula(paste("event ~", paste0("x", 1:20, collapse = " + "))), family = binomial, data = d)
print(summary(m))
fwrite(data.table(term = names(coef(m)), estimate = unname(coef(m)), std_error = sqrt(diag(vcov(m)))), args[2])
