# The NMF package's vocabulary on nmfkit's engine: method names, measures,
# feature selection and accessors, each checked against a direct
# computation or against the equivalent nmfkit call.

test_that("method names map to nmfkit's losses, solvers and terms", {
  d <- lowrank_data()
  x <- d$x
  same <- function(a, b) expect_identical(coef(a), coef(b))
  same(nmf(x, 3, "brunet", seed = 1, maxit = 50),
       nmf(x, 3, loss = "kl", solver = "mu", seed = 1, maxit = 50))
  same(nmf(x, 3, "lee", seed = 1, maxit = 50),
       nmf(x, 3, solver = "mu", seed = 1, maxit = 50))
  same(nmf(x, 3, "KL", seed = 1, maxit = 50),
       nmf(x, 3, loss = "kl", seed = 1, maxit = 50))
  same(nmf(x, 3, "Frobenius", seed = 1, maxit = 50),
       nmf(x, 3, seed = 1, maxit = 50))
  # Kim and Park's defaults: beta = 0.01, eta = max(x) (penalty eta^2)
  same(nmf(x, 3, "snmf/r", seed = 1, maxit = 50),
       nmf(x, 3, solver = "anls", sparse = c(0, 0.01), L2 = c(max(x)^2, 0),
           seed = 1, maxit = 50))
  same(nmf(x, 3, "snmf/l", beta = 0.1, eta = 2, seed = 1, maxit = 50),
       nmf(x, 3, solver = "anls", sparse = c(0.1, 0), L2 = c(0, 4),
           seed = 1, maxit = 50))
  same(nmf(x, 3, "nsNMF", seed = 1, maxit = 50),
       nmf(x, 3, theta = 0.5, seed = 1, maxit = 50))
  w <- matrix(rep(c(1, 2), length.out = length(x)), nrow(x))
  same(nmf(x, 3, "ls-nmf", weight = w, seed = 1, maxit = 50),
       nmf(x, 3, solver = "mu", weights = w, seed = 1, maxit = 50))
  # what is given explicitly wins over what the method implies
  same(nmf(x, 3, "brunet", solver = "cd", seed = 1, maxit = 50),
       nmf(x, 3, loss = "kl", solver = "cd", seed = 1, maxit = 50))
  # NMF's other names: rank =, seed = "<start method>"
  same(nmf(x, rank = 3, seed = 1, maxit = 50), nmf(x, 3, seed = 1, maxit = 50))
  expect_identical(nmf(x, 3, seed = "nndsvd", maxit = 5)@init, "nndsvd")
})

test_that("wrong method names and NMF-only arguments are clear errors", {
  x <- lowrank_data()$x
  expect_error(nmf(x, 3, "fancy"),
               'unknown method "fancy"; known methods: "brunet", "lee", "KL"',
               fixed = TRUE)
  expect_error(nmf(x, 3, "lnmf"),
               "NMF package method that nmfkit does not implement; use NMF::nmf",
               fixed = TRUE)
  expect_error(nmf(x, 3, "brunet", loss = "frobenius"),
               'method = "brunet" is the kl loss, but loss = "frobenius" was given',
               fixed = TRUE)
  expect_error(nmf(x, 3, "ls-nmf"), "needs the entry weights")
  expect_error(nmf(x, 3, .options = "v"),
               "'.options' is an argument of the NMF package's nmf() that nmfkit does not have",
               fixed = TRUE)
  expect_error(nmf(x, 3, eta = 1), "'eta' applies to method")
  expect_error(nmf(x, 3, bogus = 1), "unused argument 'bogus'")
  expect_error(nmf(x, 3, rank = 3), "give the rank once")
})

test_that("cophcor() and dispersion() match their definitions", {
  d <- lowrank_data()
  cons <- consensus(d$x + 0.5, 3, nrun = 6, seed = 4)
  C <- consensus(cons)
  expect_identical(C, cons@consensus)
  dd <- stats::as.dist(1 - C)
  direct <- stats::cor(dd, stats::cophenetic(stats::hclust(dd, "average")))
  expect_equal(cophcor(cons), direct, tolerance = 1e-10)
  expect_equal(cophcor(C), direct, tolerance = 1e-12)
  expect_equal(dispersion(cons), sum(4 * (C - 0.5)^2) / nrow(C)^2,
               tolerance = 1e-12)
  # dispersion is 1 for a crisp consensus and 0 for a coin toss
  crisp <- outer(rep(1:2, each = 3), rep(1:2, each = 3), "==") * 1
  expect_identical(dispersion(crisp), 1)
  expect_identical(dispersion(matrix(0.5, 4, 4)), 0)
  # the cluster package's silhouette of 1 - consensus is the library's
  si <- silhouette(cons)
  expect_s3_class(si, "silhouette")
  expect_equal(unname(si[, "sil_width"]), unname(cons@silhouette),
               tolerance = 1e-10)
  expect_error(cophcor(matrix(1, 2, 3)), "square consensus matrix")
})

test_that("featureScore() is Kim and Park's score; extractFeatures() selects as markers()", {
  w <- rbind(c(1, 0, 0), c(1, 1, 1), c(2, 1, 0), c(0, 0, 5))
  rownames(w) <- paste0("f", 1:4)
  p <- w / rowSums(w)
  plogp <- ifelse(p > 0, p * log2(p), 0)
  expect_equal(featureScore(w), stats::setNames(1 + rowSums(plogp) / log2(3),
                                                 rownames(w)),
               tolerance = 1e-12)
  expect_equal(unname(featureScore(w, method = "max")), c(1, 1, 2, 5))
  fit <- nmf(noisy_data(), 3, seed = 2)
  ef <- extractFeatures(fit)
  expect_length(ef, 3L)
  mk <- markers(fit)
  for (q in 1:3) {
    got <- stats::na.omit(ef[[q]])
    expect_setequal(as.character(names(got)),
                    mk$feature[mk$component == paste0("NMF", q)])
  }
  top2 <- extractFeatures(fit, method = 2L)
  expect_identical(unname(top2[[1]]),
                   utils::head(order(basis(fit)[, 1], decreasing = TRUE), 2L))
  comb <- extractFeatures(fit, format = "combine")
  expect_setequal(comb, unique(stats::na.omit(unlist(unname(ef)))))
})

test_that("a survey's fits are found by rank name; consensus() is an accessor", {
  d <- lowrank_data()
  s <- consensus(d$x, 2:3, nrun = 4, seed = 9)
  expect_identical(s[["3"]], s[[3]])
  expect_identical(s[["k2"]], s[[2]])
  expect_error(s[["7"]], 'no rank "7" in this survey (ranks 2, 3)', fixed = TRUE)
  expect_identical(consensus(s, k = 3), s[[3]]@consensus)
  expect_error(consensus(s), "needs the rank")
  expect_identical(cophcor(s), stats::setNames(s@measures$cophenetic, 2:3))
  fit <- nmf(d$x, 3, seed = 1)
  cl <- as.integer(predict(fit))
  together <- outer(cl, cl, "==") * 1
  together[is.na(together)] <- 0   # a sample of all-zero coefficients
  expect_identical(unname(consensus(fit)), together)
})

test_that("residuals() uses the data the fit kept, and says when it kept none", {
  x <- noisy_data()
  fit <- nmf(x, 3, seed = 1)
  expect_identical(residuals(fit), x - fitted(fit))
  expect_identical(residuals(fit, x), x - fitted(fit))
  lean <- nmf(x, 3, seed = 1, keep_data = FALSE)
  expect_identical(coef(lean), coef(fit))
  expect_error(residuals(lean), "did not keep its data", fixed = TRUE)
})
