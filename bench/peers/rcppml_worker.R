# RcppML::nmf (alternating NNLS by coordinate descent, diagonal scaling) on
# the benchmark data, fresh runs at each maxit of the schedule (RcppML 0.3.7
# takes no starting matrix; its runs are deterministic for a seed).
# tol = 1e-15 so that no run stops before maxit.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "common.R"))
suppressPackageStartupMessages(library(RcppML))
args <- bench_args()
A <- load_input(args$data)
RcppML::setRcppMLthreads(args$threads)
fit_to <- function(maxit, state) {
  r <- RcppML::nmf(A, args$k, tol = 1e-15, maxit = maxit, verbose = FALSE,
                   seed = args$seed)
  list(w = r$w, h = r$d * r$h, iterations = r$iter, state = NULL)
}
run_schedule(args, fit_to, chained = FALSE,
             info = list(version = as.character(packageVersion("RcppML"))))
