# SingleCellExperiment input (assay = as for SummarizedExperiment) and the
# result stored as reducedDim(sce, "NMF").

test_that("a SingleCellExperiment is factored from its chosen assay and stores the fit", {
  skip_if_not_installed("SingleCellExperiment")
  skip_if_not_installed("Matrix")
  d <- lowrank_data()
  counts <- Matrix::Matrix(d$x, sparse = TRUE)
  logc <- log1p(d$x)
  sce <- SingleCellExperiment::SingleCellExperiment(
    list(counts = counts, logcounts = logc))
  fit <- nmf(sce, 3, assay = "counts", seed = 1)
  expect_identical(coef(fit), coef(nmf(counts, 3, seed = 1)))
  expect_identical(coef(nmf(sce, 3, assay = "logcounts", seed = 1)),
                   coef(nmf(logc, 3, seed = 1)))
  expect_error(nmf(sce, 3, assay = "tpm"),
               "assay 'tpm' not found in x; its assays are: counts, logcounts",
               fixed = TRUE)
  sce2 <- add_nmf(sce, fit)
  emb <- SingleCellExperiment::reducedDim(sce2, "NMF")
  expect_identical(dim(emb), c(ncol(sce), 3L))
  expect_identical(as.vector(emb), as.vector(t(coef(fit))))
  expect_identical(rownames(emb), colnames(sce))
  expect_identical(attr(emb, "basis"), basis(fit))
  expect_identical(attr(emb, "scales"), scales(fit))
  # the user's object is not changed; mismatches are errors
  expect_false("NMF" %in% SingleCellExperiment::reducedDimNames(sce))
  expect_error(add_nmf(sce[, 1:10], fit), "the fit has 40 samples but 'sce' has 10 cells")
  expect_error(add_nmf(sce[, rev(seq_len(ncol(sce)))], fit), "not the cells of 'sce'")
  expect_error(add_nmf(d$x, fit), "'sce' must be a SingleCellExperiment")
})
