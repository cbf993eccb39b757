#!/usr/bin/env Rscript
# Times the Golub rank survey (k = 2..5, 50 runs per rank) with nmfkit
# ("Rscript run.R nmfkit": the default Frobenius loss and Brunet et al.'s KL
# loss) or with the NMF package's "brunet" method ("Rscript run.R NMF"), and
# checks the consensus clusters against the known ALL/AML (k = 2) and
# ALL-B/ALL-T/AML (k = 3) labels.  Each survey appends one line to
# $BENCH_SUMMARY (if set), which run.sh prints side by side.
# run.sh runs both, one after the other, with the same BLAS settings, in
# separate R processes so that neither run affects the other's.
#   bash bench/golub-survey/run.sh      (see README.md)
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[startsWith(args, "--file=")])
root <- normalizePath(file.path(dirname(script), "..", ".."))
lib <- Sys.getenv("NMF_RLIB", file.path(root, "build", "rlib"))
which <- commandArgs(trailingOnly = TRUE)[1]
if (!which %in% c("nmfkit", "NMF")) stop("usage: run.R nmfkit|NMF", call. = FALSE)
if (which == "nmfkit") {
  suppressPackageStartupMessages(library(nmfkit, lib.loc = lib))
} else {
  suppressPackageStartupMessages(library(NMF))
  load(file.path(root, "rpkg", "data", "golub.rda"))  # golub, golub_samples
}
threads <- as.integer(Sys.getenv("BENCH_THREADS", "2"))
nrun <- as.integer(Sys.getenv("BENCH_NRUN", "50"))
nrun_nmf <- as.integer(Sys.getenv("BENCH_NRUN_NMF", as.character(nrun)))
ranks <- 2:5
type <- golub_samples$type
cat("R ", R.version$major, ".", R.version$minor, ", ", which, " ",
    as.character(utils::packageVersion(which, lib.loc = c(lib, .libPaths()))),
    "; OPENBLAS_CORETYPE=", Sys.getenv("OPENBLAS_CORETYPE", "(unset)"),
    ", OPENBLAS_NUM_THREADS=", Sys.getenv("OPENBLAS_NUM_THREADS", "(unset)"),
    "; threads/workers: ", threads, "\n", sep = "")

purity <- function(tab) sum(apply(tab, 1L, max)) / sum(tab)
# Samples outside their cluster's majority class.
misplaced <- function(tab) sum(tab) - sum(apply(tab, 1L, max))
report <- function(name, label, k2, k3, coph, disp, secs, runs) {
  t2 <- table(cluster = k2, type = golub_samples$ALL.AML)
  t3 <- table(cluster = k3, type = type)
  cat("== ", name, ": ", format(secs, digits = 4), " s for ", length(ranks),
      " ranks x ", runs, " runs\n", sep = "")
  cat("cophenetic by k: ", paste(sprintf("%d: %.4f", ranks, coph), collapse = ", "), "\n")
  cat("dispersion by k: ", paste(sprintf("%d: %.4f", ranks, disp), collapse = ", "), "\n")
  cat("k = 2 clusters vs ALL/AML (purity ", format(purity(t2), digits = 3), "):\n", sep = "")
  print(t2)
  cat("k = 3 clusters vs ALL-B/ALL-T/AML (purity ", format(purity(t3), digits = 3), "):\n", sep = "")
  print(t3)
  exact2 <- all(rowSums(t2 > 0) == 1) && all(colSums(t2 > 0) == 1)
  exact3 <- all(rowSums(t3 > 0) == 1) && all(colSums(t3 > 0) == 1)
  cat("exact ALL/AML at k = 2: ", exact2, "; exact ALL-B/ALL-T/AML at k = 3: ", exact3,
      "\n\n", sep = "")
  out <- Sys.getenv("BENCH_SUMMARY")
  if (nzchar(out)) {
    line <- data.frame(survey = label, runs = runs, seconds = secs,
                       per_run = secs / (length(ranks) * runs),
                       cophenetic = paste(sprintf("%.3f", coph), collapse = " "),
                       dispersion = paste(sprintf("%.3f", disp), collapse = " "),
                       misplaced_k2 = misplaced(t2), misplaced_k3 = misplaced(t3))
    started <- file.exists(out) && file.size(out) > 0
    utils::write.table(line, out, sep = "\t", quote = FALSE, row.names = FALSE,
                       col.names = !started, append = started)
  }
  invisible(c(seconds = secs, purity2 = purity(t2), purity3 = purity(t3)))
}

# ---- nmfkit: the default (Frobenius loss, HALS with extrapolation), then
# the KL loss with the default solver (multiplicative updates on this dense
# matrix: Brunet et al.'s algorithm, as the NMF package runs it), and on
# request by coordinate descent.
run_nmfkit <- function() {
  info <- nmfkit:::.nmf_library_info()
  cat("BLAS core selected by OpenBLAS: ", info$blas_core, "\n\n", sep = "")
  one <- function(short, label, ...) {
    t0 <- proc.time()[["elapsed"]]
    s <- consensus(golub, ranks, nrun = nrun, seed = 123456, threads = threads,
                   verbose = FALSE, ...)
    secs <- proc.time()[["elapsed"]] - t0
    report(sprintf("nmfkit consensus(golub, 2:5, nrun = %d, seed = 123456%s)", nrun, label),
           short, predict(s, k = 2), predict(s, k = 3), s@measures$cophenetic,
           s@measures$dispersion, secs, nrun)
  }
  which_runs <- strsplit(Sys.getenv("BENCH_NMFKIT", "default,kl"), ",")[[1]]
  res <- list()
  if ("default" %in% which_runs) res$default <- one("nmfkit default (Frobenius)", "")
  if ("kl" %in% which_runs)
    res$kl <- one("nmfkit KL (auto: mu)", ", loss = \"kl\"", loss = "kl")
  if ("kl-cd" %in% which_runs)
    res$kl_cd <- one("nmfkit KL, cd", ", loss = \"kl\", solver = \"cd\"",
                     loss = "kl", solver = "cd")
  res[[1]]
}

# ---- NMF package, Brunet et al.'s KL multiplicative updates (its own
# parallel backend over BENCH_THREADS workers).
run_nmf_package <- function() {
  opt <- if (threads > 1) paste0("p", threads) else "-p"
  t0 <- proc.time()[["elapsed"]]
  r <- NMF::nmf(golub, ranks, "brunet", nrun = nrun_nmf, seed = 123456, .opt = opt)
  secs <- proc.time()[["elapsed"]] - t0
  report(sprintf("NMF::nmf(golub, 2:5, \"brunet\", nrun = %d, seed = 123456)", nrun_nmf),
         "NMF package brunet (KL)",
         predict(r$fit[["2"]], what = "consensus"),
         predict(r$fit[["3"]], what = "consensus"),
         r$measures$cophenetic, r$measures$dispersion, secs, nrun_nmf)
}

res <- if (which == "nmfkit") run_nmfkit() else run_nmf_package()
cat(sprintf("time per run: %.4f s\n",
            res[["seconds"]] / (length(ranks) * if (which == "NMF") nrun_nmf else nrun)))
