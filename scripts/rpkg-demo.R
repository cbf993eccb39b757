#!/usr/bin/env Rscript
# nmfkit demo: factor the Golub et al. (1999) leukemia data (5000 genes x 38
# samples) with k = 3 and compare the sample clusters with the known
# ALL-B / ALL-T / AML labels (as in Brunet et al. 2004).
#
# Uses the package installed in the private library build/rlib by
# scripts/rpkg-test.sh (or: R CMD INSTALL -l build/rlib build/rpkg/nmfkit_*.tar.gz).
#   Rscript scripts/rpkg-demo.R
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[startsWith(args, "--file=")])
root <- normalizePath(file.path(dirname(script), ".."))
lib <- file.path(root, "build", "rlib")
if (!requireNamespace("nmfkit", lib.loc = lib, quietly = TRUE))
  stop("nmfkit is not installed in ", lib, "; run scripts/rpkg-test.sh first",
       call. = FALSE)
library(nmfkit, lib.loc = lib)

set.seed(1)
fit <- nmf(golub, k = 3)
print(fit)
cat("\n")
print(summary(fit, class = golub_samples$type))

cat("\nPredicted cluster versus leukemia type:\n")
print(table(cluster = predict(fit), type = golub_samples$type))

cat("\nTop 5 genes of each metagene (largest weight in basis()):\n")
w <- basis(fit)
print(sapply(colnames(w), function(j) head(rownames(w)[order(w[, j], decreasing = TRUE)], 5)))
