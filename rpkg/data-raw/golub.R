# Builds rpkg/data/golub.rda (objects `golub` and `golub_samples`) from the
# project's copy of the Golub et al. (1999) leukemia data as used by Brunet
# et al. (2004): data/golub_expression.tsv.gz (5000 genes x 38 samples) and
# data/golub_samples.tsv (the ALL/AML and B/T-cell labels).
# Run from the repository root:  Rscript rpkg/data-raw/golub.R
expr_file <- file.path("data", "golub_expression.tsv.gz")
samples_file <- file.path("data", "golub_samples.tsv")
stopifnot(file.exists(expr_file), file.exists(samples_file))

tab <- utils::read.delim(expr_file, check.names = FALSE, row.names = 1L)
golub <- as.matrix(tab)
storage.mode(golub) <- "double"
stopifnot(identical(dim(golub), c(5000L, 38L)), !anyNA(golub), min(golub) >= 0)

s <- utils::read.delim(samples_file, check.names = FALSE,
                       colClasses = "character", na.strings = "")
stopifnot(identical(s$sample, colnames(golub)))
golub_samples <- data.frame(
  ALL.AML = factor(s$ALL.AML, levels = c("ALL", "AML")),
  Cell = factor(s$Cell, levels = c("B-cell", "T-cell")),
  type = factor(ifelse(s$ALL.AML == "AML", "AML",
                       ifelse(s$Cell == "B-cell", "ALL-B", "ALL-T")),
                levels = c("ALL-B", "ALL-T", "AML")),
  row.names = s$sample)
stopifnot(identical(as.vector(table(golub_samples$type)), c(19L, 8L, 11L)))

save(golub, golub_samples, file = file.path("rpkg", "data", "golub.rda"),
     compress = "xz", version = 2)
