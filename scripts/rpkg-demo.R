#!/usr/bin/env Rscript
# nmfkit demo: the Brunet et al. (2004) workflow on the Golub et al. (1999)
# leukemia data (5000 genes x 38 samples): a rank survey over k = 2..5 with
# 50 runs per rank (and the same on a row-permuted copy of the data as the
# null baseline), the consensus clusters against the known ALL/AML and
# ALL-B/ALL-T/AML labels at k = 2 and k = 3, and the figures as PNG files.
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

cat("Golub et al. (1999) leukemia data: ", nrow(golub), " genes x ",
    ncol(golub), " samples (", paste(names(table(golub_samples$type)),
    table(golub_samples$type), sep = " ", collapse = ", "), ")\n\n", sep = "")

# ---- Rank survey: 50 random starts at each k, plus the randomized baseline.
t0 <- proc.time()[["elapsed"]]
survey <- consensus(golub, 2:5, nrun = 50, seed = 123456, randomize = TRUE,
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
         plot(survey, main = "Golub: rank survey (50 runs per k; dashed: randomized data)"))
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
cat(sprintf("  survey of k = 2..5, 50 runs each (+ randomized data): %.1f s on %s thread(s)\n",
            elapsed, if (threads == 0) "all" else threads))
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
