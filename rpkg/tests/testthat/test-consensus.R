# Consensus clustering, rank survey, bi-cross-validation and markers from R.

# Three groups of samples, each expressing its own block of genes.
blocks_data <- function(groups = 3, per = 8, genes = 10, noise = 0.2, seed = 3) {
  withr_seed(seed, {
    n <- groups * per
    g <- rep(seq_len(groups), length.out = n)
    x <- matrix(stats::runif(genes * groups * n) * noise, genes * groups, n)
    for (j in seq_len(n)) {
      rows <- (g[j] - 1) * genes + seq_len(genes)
      x[rows, j] <- x[rows, j] + stats::runif(genes, 0.5, 1.5)
    }
  })
  dimnames(x) <- list(paste0("g", seq_len(nrow(x))), paste0("s", seq_len(ncol(x))))
  list(x = x, group = g)
}

same_partition <- function(a, b) {
  t <- table(a, b)
  all(rowSums(t > 0) == 1) && all(colSums(t > 0) == 1)
}

test_that("consensus() returns the consensus of independent runs and recovers groups", {
  d <- blocks_data()
  cons <- consensus(d$x, 3, nrun = 10, seed = 7)
  expect_s4_class(cons, "nmfkitConsensus")
  C <- cons@consensus
  expect_equal(dim(C), c(24L, 24L))
  expect_equal(dimnames(C), list(colnames(d$x), colnames(d$x)))
  expect_true(isSymmetric(unname(C)))
  expect_true(all(diag(C) == 1))
  expect_true(same_partition(predict(cons), d$group))
  expect_equal(names(predict(cons)), colnames(d$x))
  # The consensus measures from their definitions on the returned matrix.
  expect_equal(cons@measures[["dispersion"]], mean(4 * (C - 0.5)^2), tolerance = 1e-12)
  hc <- stats::hclust(stats::as.dist(1 - C), method = "average")
  expect_equal(cons@measures[["cophenetic"]],
               stats::cor(stats::cophenetic(hc), stats::as.dist(1 - C)),
               tolerance = 1e-10)
  expect_equal(sort(cons@tree$height), sort(hc$height), tolerance = 1e-12)
  expect_true(same_partition(stats::cutree(cons@tree, 3), predict(cons)))
  expect_true(same_partition(stats::cutree(hc, 3), predict(cons)))
  # Best run: the lowest loss, and the accessors are its.
  expect_equal(cons@fit@loss, min(cons@run_loss))
  expect_equal(fitted(cons), basis(cons) %*% coef(cons))
})

test_that("silhouette widths match the definition on 1 - consensus", {
  d <- blocks_data(noise = 0.6, seed = 9)
  cons <- consensus(d$x, 3, nrun = 12, seed = 1)
  D <- 1 - cons@consensus
  cl <- cons@membership
  ref <- vapply(seq_along(cl), function(i) {
    own <- cl == cl[i]
    if (sum(own) < 2) return(0)
    a <- sum(D[i, own]) / (sum(own) - 1)
    b <- min(vapply(setdiff(unique(cl), cl[i]),
                    function(g) mean(D[i, cl == g]), numeric(1)))
    if (max(a, b) > 0) (b - a) / max(a, b) else 0
  }, numeric(1))
  expect_equal(unname(cons@silhouette), ref, tolerance = 1e-12)
})

test_that("a rank survey is perfect up to the planted rank and degrades after", {
  d <- blocks_data(noise = 0.3, seed = 23)
  s <- nmf(d$x, 2:5, nrun = 15, seed = 5)
  expect_s4_class(s, "nmfkitSurvey")
  ms <- summary(s)
  expect_equal(ms$k, 2:5)
  expect_gt(ms$dispersion[ms$k == 3], 0.999)
  expect_true(all(ms$dispersion[ms$k > 3] < ms$dispersion[ms$k == 3]))
  expect_true(same_partition(predict(s, k = 3), d$group))
  expect_identical(s[[3]]@consensus, s@fits$k3@consensus)
  expect_error(s[[7]], "no rank 7")
  expect_error(predict(s), "needs the rank")
})

test_that("the randomized baseline explains less and is reproducible", {
  d <- blocks_data()
  s1 <- consensus(d$x, 2:3, nrun = 5, seed = 11, randomize = TRUE)
  s2 <- consensus(d$x, 2:3, nrun = 5, seed = 11, randomize = TRUE)
  expect_identical(s1@random_measures$rss, s2@random_measures$rss)
  expect_true(all(s1@random_measures$evar < s1@measures$evar))
  expect_true(all(c("random_cophenetic", "random_evar") %in% names(summary(s1))))
})

test_that("same seed, 1 or 2 threads: the same survey", {
  d <- blocks_data(noise = 0.5)
  a <- consensus(d$x, 2:3, nrun = 6, seed = 99, threads = 1)
  b <- consensus(d$x, 2:3, nrun = 6, seed = 99, threads = 2)
  for (k in c("k2", "k3")) {
    expect_identical(a@fits[[k]]@consensus, b@fits[[k]]@consensus)
    expect_identical(basis(a@fits[[k]]), basis(b@fits[[k]]))
  }
  # set.seed() reproduces a survey drawn from R's RNG.
  set.seed(4); x1 <- consensus(d$x, 2, nrun = 4)
  set.seed(4); x2 <- consensus(d$x, 2, nrun = 4)
  expect_identical(x1@consensus, x2@consensus)
})

test_that("bad arguments give clear errors", {
  d <- blocks_data()
  expect_error(consensus(d$x, 3, nrun = 0), "'nrun' must be a whole number >= 1")
  expect_error(consensus(d$x, integer(0)), "'k' must be one or more")
  expect_error(consensus(d$x, 25), "k = 25 exceeds min\\(m, n\\) = 24 \\(x has")
  expect_error(consensus(d$x, c(2, 2)), "repeated")
  expect_error(consensus(d$x, 2, init = "nndsvd"), "deterministic")
  expect_error(nmf(d$x, 2:3, nrun = -1), "'nrun'")
  x <- d$x
  x[2, 3] <- -1
  expect_error(consensus(x, 2, nrun = 2), "negative", class = "nmfkit_error_negative")
  expect_error(bicv(d$x, 13), "rank 13 exceeds")
  expect_error(bicv(d$x, 2, row_groups = 1), "'row_groups'")
  expect_error(markers(matrix(1, 5, 1)), "k >= 2")
})

test_that("bicv() has its smallest held-out error at the planted rank", {
  # Rank 3 with zero-mean noise (clipped at 0 where the signal is tiny).
  x <- withr_seed(2, {
    w <- matrix(stats::runif(60 * 3)^2, 60)
    h <- matrix(stats::runif(3 * 40)^2, 3)
    pmax(w %*% h + matrix(stats::runif(60 * 40, -0.1, 0.1), 60), 0)
  })
  cv <- bicv(x, 1:6, reps = 2, init = "nndsvda", maxit = 300, tol = 1e-8, seed = 1)
  expect_s3_class(cv, "NMFbicv")
  expect_equal(cv$suggested, 3L)
  expect_equal(which.min(cv$error), 3L)
  expect_equal(cv$error, colSums(cv$fold_error) / 2, tolerance = 1e-12)
  expect_output(print(cv), "suggested rank")
})

test_that("bicv() of a dgCMatrix equals bicv() of the dense matrix", {
  skip_if_not_installed("Matrix")
  # Sparse rank-3 data: sparse factors, noise only on the non-zero entries.
  x <- withr_seed(3, {
    w <- matrix(stats::runif(50 * 3) * (stats::runif(50 * 3) < 0.35), 50)
    h <- matrix(stats::runif(3 * 36) * (stats::runif(3 * 36) < 0.35), 3)
    a <- w %*% h
    a[a > 0] <- a[a > 0] * stats::runif(sum(a > 0), 0.8, 1.2)
    a
  })
  dimnames(x) <- list(paste0("g", 1:50), paste0("s", 1:36))
  expect_lt(mean(x != 0), 0.5)
  sx <- methods::as(x, "CsparseMatrix")
  expect_s4_class(sx, "dgCMatrix")
  cv_d <- bicv(x, 1:4, col_groups = 3, reps = 2, init = "nndsvda", seed = 5,
               threads = 2)
  cv_s <- bicv(sx, 1:4, col_groups = 3, reps = 2, init = "nndsvda", seed = 5,
               threads = 2)
  expect_equal(cv_s$error, cv_d$error, tolerance = 1e-10)
  expect_equal(cv_s$fold_error, cv_d$fold_error, tolerance = 1e-10)
  expect_identical(cv_s$suggested, cv_d$suggested)
  # The sparse input's entries are checked like nmf()'s.
  sx[7, 4] <- -2
  expect_error(bicv(sx, 2, seed = 1),
               "x has a negative value \\(-2\\) at row 7 \\('g7'\\), column 4 \\('s4'\\)",
               class = "nmfkit_error_negative")
})

test_that("markers() follow Kim & Park's rule and the max-contribution rule", {
  w <- withr_seed(8, matrix(stats::runif(200 * 4), 200,
                            dimnames = list(paste0("f", 1:200), paste0("NMF", 1:4))))
  spec <- seq(1, 200, by = 25)
  for (i in spec) { w[i, ] <- 0.01 * stats::runif(4); w[i, (i %/% 25) %% 4 + 1] <- 5 }
  p <- w / rowSums(w)
  s <- 1 + rowSums(ifelse(p > 0, p * log2(p), 0)) / log2(4)
  sel <- s > stats::median(s) + 3 * stats::mad(s) & apply(w, 1, max) > stats::median(w)
  mk <- markers(w, all = TRUE)
  mk <- mk[match(rownames(w), mk$feature), ]
  expect_equal(mk$score, unname(s), tolerance = 1e-12)
  expect_equal(mk$selected, unname(sel))
  expect_true(all(mk$selected[spec]))
  expect_equal(as.character(mk$component[spec]), paste0("NMF", (spec %/% 25) %% 4 + 1))
  mx <- markers(w, "max")
  for (q in 1:4) {
    o <- order(w[, q], decreasing = TRUE)
    top <- o[seq_len(which(max.col(w[o, ], "first") != q)[1] - 1)]
    expect_setequal(mx$feature[mx$component == paste0("NMF", q)], rownames(w)[top])
  }
})

test_that("plots draw on a file device", {
  d <- blocks_data()
  s <- consensus(d$x, 2:3, nrun = 4, seed = 1, randomize = TRUE)
  f <- tempfile(fileext = ".pdf")
  grDevices::pdf(f)
  plot(s)
  consensusmap(s, annotation = list(group = d$group))
  basismap(s[[3]])
  coefmap(s[[3]], annotation = data.frame(group = factor(d$group)))
  coefmap(s[[3]]@fit)
  grDevices::dev.off()
  expect_gt(file.size(f), 5000)
  unlink(f)
  expect_error(consensusmap(s[[3]], annotation = list(group = 1:3)), "has 3 values")
})

test_that("an interrupt stops the consensus runs and leaves R usable", {
  d <- blocks_data()
  old <- options(nmfkit.test_interrupt_at = 2)
  cond <- tryCatch(consensus(d$x, 2:3, nrun = 5, seed = 1, threads = 1),
                   interrupt = function(e) e)
  options(old)
  expect_s3_class(cond, "nmfkit_interrupted")
  expect_match(conditionMessage(cond), "consensus runs were stopped")
  expect_s4_class(consensus(d$x, 2, nrun = 2, seed = 1), "nmfkitConsensus")
})

test_that("a consensus fits its runs with the loss it is given", {
  # The best run's reported loss is the generalized KL divergence of its
  # factors (computed here), which it would not be if the runs fell back to
  # the Frobenius loss.
  x <- noisy_data() + 0.01
  cs <- nmf(x, 2, nrun = 3, loss = "kl", seed = 1, maxit = 50)
  wh <- fitted(cs@fit)
  kl <- sum(x * log(x / wh) - x + wh)
  expect_lt(abs(cs@fit@loss - kl) / kl, 1e-6)
  frob <- 0.5 * sum((x - wh)^2)
  expect_gt(abs(cs@fit@loss - frob) / frob, 1e-3)
  expect_error(nmf(x, 2:3, weights = x), "single fit")
})
