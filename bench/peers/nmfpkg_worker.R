# NMF::nmf, method "lee" (Lee & Seung multiplicative updates for the
# Frobenius loss, the package's Frobenius algorithm), on the benchmark data.
# The state of the method is (W, H), so the run is chained: each call
# continues from the previous snapshot (seed = nmfModel(W, H)) for the next
# few iterations (.stop = number of iterations), and the time of a snapshot
# is the sum of the calls so far.  Dense input only (the package has no
# sparse path).
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "common.R"))
suppressPackageStartupMessages(library(NMF))
args <- bench_args()
A <- load_input(args$data)
if (!is.matrix(A)) stop("NMF::nmf needs a dense matrix")
set.seed(args$seed)
fit_to <- function(steps, state) {
  seed <- if (is.null(state)) args$seed else nmfModel(W = state$w, H = state$h)
  r <- NMF::nmf(A, args$k, "lee", seed = seed, .stop = as.integer(steps))
  w <- basis(r)
  h <- coef(r)
  it <- if (is.null(state)) 0 else state$it
  list(w = w, h = h, iterations = it + niter(r),
       state = list(w = w, h = h, it = it + niter(r)))
}
run_schedule(args, fit_to, chained = TRUE,
             info = list(version = as.character(packageVersion("NMF")),
                         method = "lee"))
