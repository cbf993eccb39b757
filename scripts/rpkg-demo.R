#!/usr/bin/env Rscript
# nmfkit demo: the Brunet et al. (2004) workflow on the Golub et al. (1999)
# leukemia data (5000 genes x 38 samples): a rank survey over k = 2..5 with
# 50 runs per rank (and the same on a row-permuted copy of the data as the
# null baseline), the consensus clusters against the known ALL/AML and
# ALL-B/ALL-T/AML labels at k = 2 and k = 3, and the figures as PNG files;
# then Brunet et al.'s own loss, KL, surveyed the same way beside the NMF
# package's "brunet" method (when the NMF package is installed), with the
# cophenetic/dispersion table and the clusters against the labels.
#
# Uses the package installed in the private library build/rlib by
# scripts/setup.sh (or scripts/rpkg-install.sh).
#   Rscript scripts/rpkg-demo.R [OUTDIR]      (default: out/)
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[startsWith(args, "--file=")])
root <- normalizePath(file.path(dirname(script), ".."))
lib <- Sys.getenv("NMF_RLIB", file.path(root, "build", "rlib"))
if (!requireNamespace("nmfkit", lib.loc = lib, quietly = TRUE))
  stop("nmfkit is not installed in ", lib, "; run scripts/setup.sh first",
       call. = FALSE)
suppressPackageStartupMessages(library(nmfkit, lib.loc = lib))
out <- commandArgs(trailingOnly = TRUE)[1]
if (is.na(out)) out <- file.path(root, "out")
dir.create(out, showWarnings = FALSE, recursive = TRUE)
threads <- as.integer(Sys.getenv("NMF_DEMO_THREADS", "0"))
nrun <- as.integer(Sys.getenv("NMF_DEMO_NRUN", "50"))
# The NMF package is slow (about 2 s per run on 2 cores): fewer runs, the
# time scaled to nrun; 0 skips it.
# At least 2 runs (a single run has no consensus).
nrun_nmf <- as.integer(Sys.getenv("NMF_DEMO_NMF_NRUN", "5"))
if (nrun_nmf == 1L) nrun_nmf <- 2L

cat("Golub et al. (1999) leukemia data: ", nrow(golub), " genes x ",
    ncol(golub), " samples (", paste(names(table(golub_samples$type)),
    table(golub_samples$type), sep = " ", collapse = ", "), ")\n\n", sep = "")

# ---- Rank survey: 50 random starts at each k, plus the randomized baseline.
t0 <- proc.time()[["elapsed"]]
survey <- consensus(golub, 2:5, nrun = nrun, seed = 123456, randomize = TRUE,
                    threads = threads, verbose = FALSE)
elapsed <- proc.time()[["elapsed"]] - t0
print(survey)
utils::write.table(summary(survey), file.path(out, "golub_rank_survey.tsv"),
                   sep = "\t", quote = FALSE, row.names = FALSE)

# ---- Consensus clusters against the known labels.
tab2 <- table(cluster = predict(survey, k = 2), type = golub_samples$type)
tab3 <- table(cluster = predict(survey, k = 3), type = golub_samples$type)
cat("\nk = 2: consensus clusters versus leukemia type\n")
print(tab2)
cat("\nk = 3: consensus clusters versus leukemia type\n")
print(tab3)
memb <- data.frame(sample = colnames(golub), type = golub_samples$type,
                   sapply(survey@ranks, function(k) as.integer(predict(survey, k = k))))
names(memb)[-(1:2)] <- paste0("k", survey@ranks)
utils::write.table(memb, file.path(out, "golub_membership.tsv"), sep = "\t",
                   quote = FALSE, row.names = FALSE)

# ---- Figures.
ann <- golub_samples[c("ALL.AML", "Cell")]
files <- character()
png_file <- function(name, width, height, expr) {
  f <- file.path(out, name)
  grDevices::png(f, width = width, height = height, res = 110)
  on.exit(grDevices::dev.off())
  force(expr)
  files <<- c(files, f)
}
png_file("golub_rank_survey.png", 1100, 800,
         plot(survey, main = sprintf("Golub: rank survey (%d runs per k; dashed: randomized data)", nrun)))
for (k in survey@ranks)
  png_file(sprintf("golub_consensus_k%d.png", k), 1000, 900,
           consensusmap(survey[[k]], annotation = ann))
png_file("golub_basis_k3.png", 700, 1000, basismap(survey[[3]], top = 25))
png_file("golub_coef_k3.png", 1100, 500,
         coefmap(survey[[3]], annotation = golub_samples["type"]))
mk <- markers(survey[[3]])
utils::write.table(mk, file.path(out, "golub_markers_k3.tsv"), sep = "\t",
                   quote = FALSE, row.names = FALSE)

# ---- Summary.
purity <- function(tab) sum(apply(tab, 1L, max)) / sum(tab)
ms <- survey@measures
cat("\nSummary\n")
cat(sprintf("  survey of k = 2..5, %d runs each (+ randomized data): %.1f s on %s thread(s)\n",
            nrun, elapsed, if (threads == 0) "all" else threads))
cat(sprintf("  cophenetic correlation by k: %s (randomized: %s)\n",
            paste(sprintf("%d: %.3f", ms$k, ms$cophenetic), collapse = ", "),
            paste(sprintf("%.3f", survey@random_measures$cophenetic), collapse = ", ")))
cat(sprintf("  k = 2 clusters: purity %.2f against ALL/AML\n",
            purity(table(predict(survey, k = 2), golub_samples$ALL.AML))))
cat(sprintf("  k = 3 clusters: purity %.2f against ALL-B/ALL-T/AML\n", purity(tab3)))
cat(sprintf("  markers (Kim & Park) at k = 3: %s\n",
            paste(names(table(mk$component)), table(mk$component), sep = " ", collapse = ", ")))
cat("  wrote ", length(files), " figures and 3 tables to ", out, ":\n", sep = "")
cat(paste0("    ", basename(c(files, "golub_rank_survey.tsv",
                               "golub_membership.tsv", "golub_markers_k3.tsv")),
           collapse = "\n"), "\n", sep = "")

# ---- Brunet et al.'s loss: the KL survey beside the NMF package's brunet.
misplaced <- function(cl, truth) {
  tab <- table(cl, truth)
  sum(tab) - sum(apply(tab, 1L, max))
}
# fits: the fits the seconds paid for (the default survey above also ran
# its randomized baseline, twice the runs).
row_of <- function(name, runs, secs, coph, disp, k2, k3, fits = 4 * runs)
  data.frame(survey = name, runs = runs, seconds = round(secs, 1),
             per_run = signif(secs / fits, 3),
             cophenetic = paste(sprintf("%.3f", coph), collapse = " "),
             dispersion = paste(sprintf("%.3f", disp), collapse = " "),
             misplaced_k2 = misplaced(k2, golub_samples$ALL.AML),
             misplaced_k3 = misplaced(k3, golub_samples$type))
t0 <- proc.time()[["elapsed"]]
kl <- consensus(golub, 2:5, nrun = nrun, seed = 123456, loss = "kl",
                threads = threads, verbose = FALSE)
kl_secs <- proc.time()[["elapsed"]] - t0
rows <- list(
  row_of("nmfkit, frobenius (default)", nrun, elapsed, ms$cophenetic, ms$dispersion,
         predict(survey, k = 2), predict(survey, k = 3), fits = 2 * 4 * nrun),
  row_of("nmfkit, loss = \"kl\"", nrun, kl_secs, kl@measures$cophenetic,
         kl@measures$dispersion, predict(kl, k = 2), predict(kl, k = 3)))
cat("\nk = 2, loss = \"kl\": consensus clusters versus leukemia type\n")
print(table(cluster = predict(kl, k = 2), type = golub_samples$type))
cat("\nk = 3, loss = \"kl\": consensus clusters versus leukemia type\n")
print(table(cluster = predict(kl, k = 3), type = golub_samples$type))
if (nrun_nmf > 0 && requireNamespace("NMF", quietly = TRUE)) {
  suppressPackageStartupMessages(library(NMF))
  workers <- if (threads == 0) parallel::detectCores() else threads
  t0 <- proc.time()[["elapsed"]]
  r <- NMF::nmf(golub, 2:5, "brunet", nrun = nrun_nmf, seed = 123456,
                .opt = if (workers > 1) paste0("p", workers) else "-p")
  nmf_secs <- proc.time()[["elapsed"]] - t0
  rows[[3]] <- row_of("NMF package, brunet (KL)", nrun_nmf, nmf_secs,
                      r$measures$cophenetic, r$measures$dispersion,
                      predict(r$fit[["2"]], what = "consensus"),
                      predict(r$fit[["3"]], what = "consensus"))
}
side <- do.call(rbind, rows)
if (nrow(side) == 3)
  side$x_faster_than_NMF <- round(side$per_run[3] / side$per_run, 1)
cat("\nGolub survey k = 2..5 side by side: cophenetic and dispersion at k = 2 3 4 5;\n",
    "samples misplaced against ALL/AML (k = 2) and ALL-B/ALL-T/AML (k = 3)",
    if (nrow(side) == 3) sprintf(" (the NMF package ran %d runs per rank: per-run times compared)", nrun_nmf),
    "\n", sep = "")
print(side, row.names = FALSE, right = FALSE)
utils::write.table(side, file.path(out, "golub_kl_vs_nmf_package.tsv"), sep = "\t",
                   quote = FALSE, row.names = FALSE)
