# symnmf(): symmetric NMF of networks.  The references (club split, planted
# blocks, NMI, AUC, common neighbours) are computed here.

nmi <- function(a, b) {
  t <- table(a, b) / length(a)
  pa <- rowSums(t)
  pb <- colSums(t)
  nz <- t > 0
  mi <- sum(t[nz] * log(t[nz] / outer(pa, pb)[nz]))
  mi / sqrt(sum(pa * log(pa)) * sum(pb * log(pb)))
}

auc <- function(pos, neg) {
  r <- rank(c(pos, neg))
  (sum(r[seq_along(pos)]) - length(pos) * (length(pos) + 1) / 2) /
    (length(pos) * length(neg))
}

test_that("Zachary's karate club splits as the club did", {
  skip_if_not_installed("igraph")
  g <- igraph::make_graph("Zachary")
  fit <- symnmf(g, 2, seed = 1)
  club <- ifelse(seq_len(34) %in% c(1:8, 11:14, 17, 18, 20, 22), 1L, 2L)
  cl <- predict(fit)
  expect_length(cl, 34)
  wrong <- min(sum(cl != club), sum(cl != 3L - club))
  expect_lte(wrong, 1)
  expect_equal(dim(coef(fit)), c(34L, 2L))
  expect_equal(rownames(coef(fit)), as.character(1:34))
  # The same graph as a matrix, a dgCMatrix and a dsCMatrix: the same fit.
  a <- as.matrix(igraph::as_adjacency_matrix(g, sparse = TRUE))
  fm <- symnmf(a, 2, seed = 1)
  expect_equal(unname(coef(fm)), unname(coef(fit)), tolerance = 1e-10)
  fs <- symnmf(Matrix::Matrix(a, sparse = TRUE), 2, seed = 1)
  expect_true(inherits(Matrix::Matrix(a, sparse = TRUE), "dsCMatrix"))
  expect_identical(unname(coef(fs)), unname(coef(fit)))
  # rel_error is ||A - HH^T|| / ||A||.
  h <- coef(fit)
  expect_equal(fit$rel_error, sqrt(sum((a - h %*% t(h))^2) / sum(a^2)),
               tolerance = 1e-8)
})

test_that("a planted partition is recovered, identically for 1 and 2 threads", {
  skip_if_not_installed("igraph")
  set.seed(42)
  blocks <- rep(1:5, each = 200)
  pm <- matrix(0.01, 5, 5)
  diag(pm) <- 0.1
  g <- igraph::sample_sbm(1000, pm, rep(200, 5))
  f1 <- symnmf(g, 5, seed = 3, threads = 1)
  f2 <- symnmf(g, 5, seed = 3, threads = 2)
  expect_identical(coef(f1), coef(f2))
  expect_gte(nmi(predict(f1), blocks), 0.95)
  expect_true(all(coef(f1) >= 0))
})

test_that("link prediction with 10% of edges held out beats common neighbours", {
  skip_if_not_installed("igraph")
  set.seed(7)
  pm <- matrix(0.01, 5, 5)
  diag(pm) <- 0.1
  g <- igraph::sample_sbm(1000, pm, rep(200, 5))
  a <- igraph::as_adjacency_matrix(g, sparse = TRUE)
  e <- igraph::as_edgelist(g, names = FALSE)
  hold <- sample(nrow(e), round(0.1 * nrow(e)))
  train <- igraph::delete_edges(g, hold)
  pos <- e[hold, ]
  neg <- matrix(sample(1000, 4 * nrow(pos), replace = TRUE), ncol = 2)
  neg <- neg[neg[, 1] != neg[, 2] & a[neg] == 0, ][seq_len(nrow(pos)), ]
  fit <- symnmf(train, 5, seed = 1)
  h <- coef(fit)
  s <- predict(fit, pos)
  expect_equal(s, rowSums(h[pos[, 1], ] * h[pos[, 2], ]))
  expect_equal(predict(fit, matrix(rownames(h)[pos], ncol = 2)), s)
  at <- igraph::as_adjacency_matrix(train, sparse = TRUE)
  cn <- as.matrix(at %*% at)
  auc_nmf <- auc(s, predict(fit, neg))
  auc_cn <- auc(cn[pos], cn[neg])
  message(sprintf("link prediction AUC: symnmf %.4f, common neighbours %.4f",
                  auc_nmf, auc_cn))
  expect_gte(auc_nmf, auc_cn)
})

test_that("an igraph graph's weight attribute is used", {
  skip_if_not_installed("igraph")
  g <- igraph::make_graph("Zachary")
  w <- seq(0.5, 2, length.out = igraph::ecount(g))
  gw <- igraph::set_edge_attr(g, "weight", value = w)
  a <- matrix(0, 34, 34)
  e <- igraph::as_edgelist(g, names = FALSE)
  a[e] <- w
  a[e[, 2:1]] <- w
  fw <- symnmf(gw, 2, seed = 5)
  fm <- symnmf(a, 2, seed = 5)
  expect_equal(unname(coef(fw)), unname(coef(fm)), tolerance = 1e-10)
  expect_false(isTRUE(all.equal(unname(coef(fw)),
                                unname(coef(symnmf(g, 2, seed = 5))))))
})

test_that("isolated nodes get zero rows and community NA; self-loops are kept", {
  skip_if_not_installed("igraph")
  g <- igraph::make_graph("Zachary") + igraph::vertices(35)
  g <- igraph::add_edges(g, c(1, 1))
  fit <- symnmf(g, 2, seed = 1)
  expect_equal(fit$isolated, 1)
  expect_true(all(coef(fit)[35, ] == 0))
  expect_true(is.na(predict(fit)[35]))
})

test_that("bad inputs give clear errors", {
  a <- matrix(0, 5, 5)
  a[1, 2] <- a[2, 1] <- 1
  a[3, 4] <- a[4, 3] <- 1
  dimnames(a) <- list(letters[1:5], letters[1:5])
  b <- a
  b[2, 5] <- 0.5
  expect_error(symnmf(b, 2, seed = 1),
               "x is not symmetric: A\\[2, 5\\] = 0.5 but A\\[5, 2\\] = 0.*nodes b and e",
               class = "nmfkit_error_invalid_argument")
  n <- a
  n[1, 2] <- n[2, 1] <- -1
  expect_error(symnmf(n, 2, seed = 1), "negative", class = "nmfkit_error_negative")
  expect_error(symnmf(a, 6, seed = 1), "exceeds the number of nodes \\(5\\)")
  expect_error(symnmf(a[, 1:4], 2), "5 x 4: symmetric NMF needs a square")
  expect_error(symnmf(a, 0), "'k' must be a whole number >= 1")
  expect_error(symnmf("a", 1), "must be a numeric matrix")
  skip_if_not_installed("igraph")
  expect_error(symnmf(igraph::make_graph(c(1, 2, 2, 3), directed = TRUE), 1),
               "directed graph")
  fit <- symnmf(a, 2, seed = 1)
  expect_error(predict(fit, c(1, 2)), "two-column")
  expect_error(predict(fit, matrix(c(1, 9), 1)), "node indices in 1..5")
  expect_error(predict(fit, matrix(c("a", "z"), 1)), "unknown node z")
})
