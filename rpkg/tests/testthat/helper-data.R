# Test data and helpers.  The fits run on one thread (tests must stay fast
# on a busy 2-core machine); test-reproducibility.R checks that the thread
# count does not change the result.
options(nmfkit.threads = 1L)

# An exactly rank-3 non-negative 60 x 40 matrix with zeros in both factors
# (so it is sparse: about 30 % zeros), with gene and sample names.  Its
# non-negative factorization is unique up to scaling and order.
lowrank_data <- function(seed = 5) {
  withr_seed(seed, {
    w <- matrix(stats::rexp(60 * 3), 60)
    w[sample(length(w), 80)] <- 0
    h <- matrix(stats::rexp(3 * 40), 3)
    h[sample(length(h), 50)] <- 0
  })
  x <- w %*% h
  dimnames(x) <- list(paste0("gene", 1:60), paste0("sample", 1:40))
  list(x = x, w = w, h = h)
}

# A generic non-negative 50 x 30 matrix (no exact low-rank structure).
noisy_data <- function(seed = 11) {
  x <- withr_seed(seed, matrix(stats::runif(50 * 30), 50))
  dimnames(x) <- list(paste0("g", 1:50), paste0("s", 1:30))
  x
}

# Evaluates expr with R's RNG seeded, restoring the caller's RNG state.
withr_seed <- function(seed, expr) {
  old <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
  on.exit(if (is.null(old)) rm(".Random.seed", envir = globalenv())
          else assign(".Random.seed", old, envir = globalenv()))
  set.seed(seed)
  expr
}

rel_diff <- function(a, b) max(abs(a - b)) / max(abs(a))
