# NMF::nmf, method "lee" (Lee & Seung multiplicative updates for the
# Frobenius loss, the package's Frobenius algorithm), on the benchmark data.
# Fresh runs at each maxit of the schedule (.stop = number of iterations;
# a numeric seed makes every run start from the same random factors), so
# that each snapshot's time includes the package's per-call overhead once,
# as a user's single call would.  Dense input only (the package has no
# sparse path).
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "common.R"))
suppressPackageStartupMessages(library(NMF))
args <- bench_args()
A <- load_input(args$data)
if (!is.matrix(A)) stop("NMF::nmf needs a dense matrix")
fit_to <- function(maxit, state) {
  r <- NMF::nmf(A, args$k, "lee", seed = args$seed, .stop = as.integer(maxit))
  list(w = basis(r), h = coef(r), iterations = niter(r), state = NULL)
}
run_schedule(args, fit_to, chained = FALSE,
             info = list(version = as.character(packageVersion("NMF")),
                         method = "lee"))
