# example.R — factor the Golub leukemia data with the R package nmfkit.
#
#   Rscript examples/example.R      (with nmfkit installed, e.g. in build/rlib)
library(nmfkit)

set.seed(1)                                  # reproducible: the seed comes from R
fit <- nmf(golub, k = 3)                     # 5000 genes x 38 samples
print(fit)
w <- basis(fit)                              # metagenes: 5000 x 3, gene names kept
h <- coef(fit)                               # diag(d) H: 3 x 38, sample names kept
tab <- table(cluster = predict(fit), type = golub_samples$type)
print(tab)

# New samples are placed on the metagenes with W held fixed.
h_new <- project(fit, golub[, 1:5])
stopifnot(all(h_new >= 0), identical(colnames(h_new), colnames(golub)[1:5]))
# Each known type falls mostly into one cluster.
stopifnot(sum(apply(tab, 2, max)) >= 0.85 * ncol(golub))
