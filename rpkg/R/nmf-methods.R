# The NMF package's method names (nmf(x, rank, method)) on nmfkit's
# engine: each is a loss, a default solver and, for the sparse, smooth and
# weighted variants, the settings of their extra terms.  The table is
# documented in ?nmf ("The NMF package's methods").

.nmf_methods <- list(
  brunet    = list(loss = "kl", solver = "mu"),
  lee       = list(loss = "frobenius", solver = "mu"),
  KL        = list(loss = "kl", solver = "auto"),
  Frobenius = list(loss = "frobenius", solver = "auto"),
  `snmf/r`  = list(loss = "frobenius", solver = "anls", sparse_side = 2L),
  `snmf/l`  = list(loss = "frobenius", solver = "anls", sparse_side = 1L),
  nsNMF     = list(loss = "frobenius", solver = "auto", theta = 0.5),
  `ls-nmf`  = list(loss = "frobenius", solver = "mu", weighted = TRUE)
)

# Methods of the NMF package that nmfkit does not implement.
.nmf_methods_absent <- c(lnmf = "local NMF (Li et al. 2001)",
                         `pe-nmf` = "pattern-expression NMF (Zhang et al. 2008)",
                         offset = "NMF with an offset (Badea 2008)",
                         siNMF = "NMF with side information")

# NMF's arguments that nmfkit has under another name or not at all, with
# what to use instead.
.nmf_arguments_absent <- c(
  .options = "use threads = and verbose =",
  .opt = "use threads = and verbose =",
  .pbackend = "nmfkit runs its runs on threads: use threads =",
  .callback = "keep the runs with consensus() and its run_loss",
  model = "nmfkit fits the standard model x ~ W H",
  .stop = "use maxit = and tol =",
  callback = "keep the runs with consensus() and its run_loss")

# Resolves `method` and the arguments it implies.  `given` names the
# arguments the caller set; `args` holds their values (loss, solver, beta,
# sparse, L2, theta, weights) and the data's largest entry (max_x, a
# function so that it is only computed for snmf).  Returns the updated args.
apply_nmf_method <- function(method, given, args, dots) {
  if (is.null(method)) {
    if (length(dots$eta)) stop("'eta' applies to method = \"snmf/r\" or ",
                               "\"snmf/l\" only", call. = FALSE)
    return(args)
  }
  if (!is.character(method) || length(method) != 1L || is.na(method))
    stop("'method' must be one method name: ", known_methods(), call. = FALSE)
  if (method %in% names(.nmf_methods_absent))
    stop("method = \"", method, "\" (", .nmf_methods_absent[[method]],
         ") is an NMF package method that nmfkit does not implement; ",
         "use NMF::nmf(x, rank, \"", method, "\")", call. = FALSE)
  spec <- .nmf_methods[[method]]
  if (is.null(spec))
    stop("unknown method \"", method, "\"; known methods: ", known_methods(),
         call. = FALSE)
  if ("loss" %in% given && args$loss != spec$loss)
    stop("method = \"", method, "\" is the ", spec$loss, " loss, but loss = \"",
         args$loss, "\" was given", call. = FALSE)
  args$loss <- spec$loss
  if (!"solver" %in% given) args$solver <- spec$solver
  if (!is.null(spec$sparse_side)) {
    # Kim and Park's SNMF: beta weighs the squared L1 norms (of the columns
    # of H for /r, of the rows of W for /l), eta^2 the squared Frobenius
    # norm of the other factor; eta defaults to max(x) as in their code
    # and the NMF package.
    beta <- if ("beta" %in% given) args$beta else 0.01
    eta <- if (length(dots$eta)) check_nonneg(dots$eta, "eta") else args$max_x()
    sparse <- c(0, 0)
    sparse[spec$sparse_side] <- check_nonneg(beta, "beta")
    l2 <- c(0, 0)
    l2[3L - spec$sparse_side] <- eta^2
    if (!"sparse" %in% given) args$sparse <- sparse
    if (!"L2" %in% given) args$L2 <- l2
    args$beta <- 1
  } else if (length(dots$eta)) {
    stop("'eta' applies to method = \"snmf/r\" or \"snmf/l\" only",
         call. = FALSE)
  }
  if (!is.null(spec$theta) && !"theta" %in% given) args$theta <- spec$theta
  if (isTRUE(spec$weighted) && is.null(args$weights))
    stop("method = \"ls-nmf\" needs the entry weights: weights = (a matrix of ",
         "the dimensions of x)", call. = FALSE)
  args
}

known_methods <- function() {
  paste0("\"", names(.nmf_methods), "\"", collapse = ", ")
}

# The arguments in nmf(...) that are the NMF package's: weight (ls-nmf's
# weights), eta (snmf), rank (k); the others are refused with advice.
check_nmf_dots <- function(dots) {
  if (!length(dots)) return(list())
  nms <- names(dots)
  if (is.null(nms) || any(!nzchar(nms)))
    stop("nmf() takes its arguments after 'k' by name", call. = FALSE)
  for (nm in nms) {
    if (nm %in% c("weight", "eta", "rank")) next
    advice <- .nmf_arguments_absent[nm]
    if (!is.na(advice))
      stop("'", nm, "' is an argument of the NMF package's nmf() that nmfkit ",
           "does not have: ", advice, call. = FALSE)
    stop("unused argument '", nm, "' in nmf()", call. = FALSE)
  }
  dots
}
