# Turning what users have into what the C ABI reads.
#
# as_nmf_input() returns list(kind = "dense", x = <double matrix>) or
# list(kind = "csc", x = <dgCMatrix>).  A double matrix and a dgCMatrix are
# passed on as they are (the core reads R's memory in place); everything else
# is converted once.

as_nmf_input <- function(x, assay = NULL, arg = "x") {
  if (methods::is(x, "ExpressionSet")) {
    if (!is.null(assay))
      stop("'assay' applies to SummarizedExperiment objects, not to an ",
           "ExpressionSet (whose expression matrix is exprs())", call. = FALSE)
    need_package("Biobase", "an ExpressionSet")
    x <- Biobase::exprs(x)
  } else if (methods::is(x, "SummarizedExperiment")) {
    x <- se_assay(x, assay, arg)
  } else if (!is.null(assay)) {
    stop("'assay' applies only to SummarizedExperiment objects; ", arg,
         " is of class '", class(x)[1L], "'", call. = FALSE)
  }
  if (is.data.frame(x)) {
    numeric_cols <- vapply(x, is.numeric, logical(1))
    if (!all(numeric_cols))
      stop(arg, " has non-numeric columns (",
           paste(names(x)[!numeric_cols], collapse = ", "),
           "); NMF needs numbers: drop them first, e.g. x[sapply(x, is.numeric)]",
           call. = FALSE)
    x <- as.matrix(x)
  }
  if (inherits(x, "dgCMatrix"))
    return(list(kind = "csc", x = x))
  if (methods::is(x, "Matrix")) {
    need_package("Matrix", "a Matrix object")
    if (methods::is(x, "sparseMatrix")) {
      x <- methods::as(methods::as(methods::as(x, "dMatrix"), "generalMatrix"),
                       "CsparseMatrix")
      return(list(kind = "csc", x = x))
    }
    x <- as.matrix(x)
  }
  if (is.matrix(x)) {
    if (is.integer(x)) storage.mode(x) <- "double"
    if (!is.double(x))
      stop(arg, " is a ", typeof(x), " matrix; NMF needs a numeric matrix",
           call. = FALSE)
    if (nrow(x) == 0L || ncol(x) == 0L)
      stop(arg, " is empty (", nrow(x), " x ", ncol(x), ")", call. = FALSE)
    return(list(kind = "dense", x = x))
  }
  stop(arg, " is of class '", class(x)[1L], "', which nmfkit cannot read; ",
       "use a numeric matrix, a data.frame, a Matrix::dgCMatrix, a Biobase ",
       "ExpressionSet or a SummarizedExperiment", call. = FALSE)
}

# The chosen assay of a SummarizedExperiment (or SingleCellExperiment).
se_assay <- function(x, assay, arg) {
  need_package("SummarizedExperiment", "a SummarizedExperiment")
  available <- SummarizedExperiment::assayNames(x)
  count <- length(SummarizedExperiment::assays(x))
  if (count == 0L)
    stop(arg, " has no assays", call. = FALSE)
  if (is.null(assay)) {
    assay <- 1L
  } else if (is.character(assay) && length(assay) == 1L && !is.na(assay)) {
    if (!assay %in% available)
      stop("assay '", assay, "' not found in ", arg, "; its assays are: ",
           if (length(available)) paste(available, collapse = ", ")
           else "(unnamed)", call. = FALSE)
  } else if (is.numeric(assay) && length(assay) == 1L && !is.na(assay) &&
             assay == round(assay)) {
    if (assay < 1 || assay > count)
      stop("assay = ", assay, " is out of range: ", arg, " has ", count,
           " assay", if (count > 1L) "s", call. = FALSE)
  } else {
    stop("'assay' must be the name or the number of one assay", call. = FALSE)
  }
  a <- SummarizedExperiment::assay(x, assay, withDimnames = TRUE)
  if (!is.matrix(a) && !methods::is(a, "Matrix"))
    stop("the assay of ", arg, " is a '", class(a)[1L], "'; convert it first ",
         "with as.matrix() or as(x, \"dgCMatrix\")", call. = FALSE)
  a
}

# Duplicate row or column names make W and H ambiguous downstream (lookups
# and joins by name): a warning naming the first duplicate (the earliest
# second occurrence) and both positions, or an error with strict_names.
check_dimnames <- function(x, strict_names, arg = "x") {
  if (!is.logical(strict_names) || length(strict_names) != 1L ||
      is.na(strict_names))
    stop("'strict_names' must be TRUE or FALSE", call. = FALSE)
  dn <- dimnames(x)
  for (d in 1:2) {
    labels <- dn[[d]]
    j <- if (is.null(labels)) 0L else anyDuplicated(labels)
    if (j == 0L) next
    i <- match(labels[j], labels)
    count <- sum(labels %in% labels[j])
    kind <- c("row", "column")[d]
    msg <- sprintf("%s name '%s' of %s appears %s (%s %d and %d)", kind,
                   labels[j], arg,
                   if (count == 2L) "twice" else paste(count, "times"),
                   paste0(if (count == 2L) "" else "first ", kind, "s"), i, j)
    if (strict_names)
      stop(msg, "; strict_names = TRUE requires unique names", call. = FALSE)
    warning(msg, " (strict_names = TRUE makes this an error)", call. = FALSE)
  }
  invisible(NULL)
}

need_package <- function(pkg, what) {
  if (!requireNamespace(pkg, quietly = TRUE))
    stop("reading ", what, " needs the ", pkg, " package", call. = FALSE)
}

# Value of entry (i, j) (1-based) of a dense or CSC input.
input_value <- function(input, i, j) {
  if (input$kind == "dense") return(input$x[i, j])
  x <- input$x
  range <- seq.int(x@p[j] + 1L, length.out = x@p[j + 1L] - x@p[j])
  hit <- range[x@i[range] == i - 1L]
  if (length(hit)) x@x[hit[1L]] else 0
}

# The input as a dense double matrix (for residuals()).
input_dense <- function(input) {
  if (input$kind == "dense") input$x else as.matrix(input$x)
}

# The largest entry of an input (the NMF package's default eta of snmf).
input_max <- function(input) {
  v <- if (input$kind == "dense") input$x else input$x@x
  if (!length(v)) 0 else max(v, 0, na.rm = TRUE)
}
