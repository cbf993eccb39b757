#include "usage.hpp"

#include <string>

#include "args.hpp"
#include "library_options.hpp"
#include "nmf.h"

namespace nmfcli {


std::string main_usage() {
  return "Usage: nmf <command> [options]\n"
         "\n"
         "Non-negative matrix factorization of gene-expression matrices:\n"
         "A (genes x samples) ~ W diag(d) H.\n"
         "\n"
         "Commands:\n"
         "  fit            factor a matrix: nmf fit INPUT -k K [options]\n"
         "  rank           rank survey by consensus clustering (Brunet et al. 2004):\n"
         "                 nmf rank INPUT -k 2:6 --nrun 50 [--randomize] [--cv]\n"
         "  consensus      consensus clustering at one rank:\n"
         "                 nmf consensus INPUT -k K --nrun N\n"
         "  symfit         symmetric NMF of a network (A ~ H H^T), communities:\n"
         "                 nmf symfit EDGES -k K\n"
         "\n"
         "Options:\n"
         "  -h, --help     show this help\n"
         "  --version      print the version of libnmf\n"
         "\n"
         "Run 'nmf fit --help', 'nmf rank --help', 'nmf consensus --help' or\n"
         "'nmf symfit --help' for the options of each command.\n";
}

std::string fit_usage() {
  std::string s;
  s += "Usage: nmf fit INPUT -k K [options]\n"
       "\n"
       "Factor a non-negative matrix A (genes x samples) as A ~ W diag(d) H.\n"
       "\n"
       "INPUT is one of\n"
       "  a table (.tsv, .csv, .txt, optionally .gz; '-' = standard input) with a\n"
       "    header line of sample names and a first column of gene names;\n"
       "  a Matrix Market file (.mtx, .mtx.gz), coordinate real/integer general;\n"
       "    features.tsv(.gz)/genes.tsv(.gz) and barcodes.tsv(.gz) next to it\n"
       "    name the rows and columns;\n"
       "  a 10x Genomics directory (matrix.mtx.gz, features.tsv.gz, barcodes.tsv.gz).\n"
       "\n"
       "Model:\n"
       "  -k, --rank K        number of factors (taken from the file with\n"
       "                      --w-init/--h-init/--fix-w/--fix-h if not given)\n"
       "\n"
       "Fit options (the library's, with its defaults and limits):\n" +
       library_options_usage() +
       "\n"
       "Starting values and projection (tables as nmf writes them, matched by name):\n"
       "  --w-init FILE       start from this W (genes x K)\n"
       "  --h-init FILE       start from this H (K x samples)\n"
       "  --fix-w FILE        hold W fixed and solve for H: project the samples\n"
       "                      onto known metagenes\n"
       "  --fix-h FILE        hold H fixed and solve for W\n"
       "\n"
       "Data and run:\n"
       "  --transpose         factor the transpose (samples x genes, e.g. cells x genes)\n"
       "  --float             compute in single precision (half the memory)\n"
       "  -t N                the same as --threads N\n"
       "  -o, --out PREFIX    output prefix (default: INPUT's name without\n"
       "                      directory and extensions, in the current directory)\n"
       "  -q, --quiet         no progress bar and no notes on stderr (warnings\n"
       "                      are still printed)\n"
       "  --unscaled          write H with rows summing to 1 (d only in the summary)\n"
       "  --strict-names      duplicate row or column names are an error (exit 1,\n"
       "                      nothing written) instead of a warning naming the\n"
       "                      first duplicate and both positions\n"
       "  --distributed       run as one process of an MPI job (mpirun -np P nmf fit\n"
       "                      big.mtx -k K --distributed): each process reads and\n"
       "                      factors its block of columns of a Matrix Market file\n"
       "                      or 10x folder; process 0 writes the outputs.\n"
       "                      Solvers: anls, hals, mu (auto = mu for --loss kl;\n"
       "                      cd is serial only); no weights, missing values\n"
       "                      or nndsvd starts\n"
       "  --progress          show progress even when stderr is not a terminal\n"
       "  --no-progress       never show progress\n"
       "  -h, --help          show this help\n"
       "\n"
       "Outputs:\n"
       "  PREFIX_W.tsv         W, genes x K (columns NMF1..NMFK, each summing to 1)\n"
       "  PREFIX_H.tsv         diag(d) H, K x samples: W times this H is the fit\n"
       "                       (with --unscaled, H with rows summing to 1, and the\n"
       "                       fit is W diag(d) H)\n"
       "  PREFIX_summary.json  d (the scales), settings, iterations, stop reason,\n"
       "                       loss, relative error, loss history, time\n"
       "Components are ordered by d, largest first.  With --fix-w or --fix-h the\n"
       "fixed factor is written unchanged and d is all ones.\n"
       "\n"
       "Environment:\n"
       "  NMF_MAX_LINE_LENGTH   longest line of an input file (default 16M)\n"
       "  NMF_MAX_FIELD_LENGTH  longest name or cell of a table or name file\n"
       "                        (default 64K); both take bytes or K, M, G suffixes\n"
       "                        and bound what a small compressed file can make\n"
       "                        nmf read\n"
       "\n"
       "Ctrl-C stops the fit, writes the last iterate and exits with status 130.\n"
       "Exit status: 0 success, 1 input or file error, 2 usage error,\n"
       "3 error reported by libnmf, 130 interrupted.\n";
  return s;
}

namespace {

const char *kRunsText =
    "Consensus clustering (Brunet et al. 2004): NRUN fits from random starts (run r\n"
    "seeded from --seed and r alone: the result is the same for any --threads);\n"
    "in each run a sample belongs to the factor with its largest coefficient; the\n"
    "consensus matrix holds, for each pair of samples, the fraction of runs that\n"
    "put them together.  Average linkage of 1 - consensus gives the consensus\n"
    "clusters (the tree cut into k) and the cophenetic correlation; the dispersion\n"
    "(Kim & Park 2007) is 1 for a consensus of 0s and 1s.\n";

const char *kFitOptionsText =
    "Every option of 'nmf fit' that shapes a fit applies to each run (--loss,\n"
    "--solver, --init random|nndsvdar, --maxit, --tol, --seed, penalties, --float,\n"
    "--transpose, --threads, --out, --quiet, --progress, --strict-names), and\n"
    "--stable-checks N ends a run once its samples' assignment has not changed at\n"
    "N checks in a row (Brunet et al.'s stopping rule); see 'nmf fit --help',\n"
    "which also lists the environment variables bounding input lines and names.\n"
    "\n"
    "  --distributed       spread the runs over the processes of an MPI job\n"
    "                      (mpirun -np P nmf rank INPUT -k 2:6 --distributed):\n"
    "                      every process reads all of INPUT and runs every P-th\n"
    "                      run; the results equal those of one process; process\n"
    "                      0 writes the outputs (and runs --cv alone)\n";

}  // namespace

std::string rank_usage() {
  return std::string(
             "Usage: nmf rank INPUT -k RANKS [--nrun N] [--randomize] [--cv] [options]\n"
             "\n"
             "Rank survey: consensus clustering at every rank, with the measures used\n"
             "to choose it.\n"
             "\n") +
         kRunsText +
         "\n"
         "Options:\n"
         "  -k, --rank RANKS    ranks to survey: FROM:TO (2:6), a list (2,3,5) or one\n"
         "  --nrun N            runs per rank (default 30)\n"
         "  --randomize         also survey a copy of INPUT with the entries of every\n"
         "                      row randomly permuted (the null baseline)\n"
         "  --cv                also estimate each rank's prediction error by\n"
         "                      bi-cross-validation (Owen & Perry 2009): rows and\n"
         "                      columns split at random into groups, each block held\n"
         "                      out, predicted from the rest; the suggested rank has\n"
         "                      the smallest held-out error (sparse INPUT is\n"
         "                      cross-validated as CSC, never made dense)\n"
         "  --cv-groups RxC     row and column groups of --cv (default 2x2)\n"
         "  --cv-reps N         random splits averaged by --cv (default 1)\n"
         "  -h, --help          show this help\n"
         "\n" +
         kFitOptionsText +
         "\n"
         "Outputs:\n"
         "  PREFIX_rank.tsv          one row per rank (and per rank of the randomized\n"
         "                           data): k, nrun, cophenetic, dispersion,\n"
         "                           silhouette, rss, evar (explained variance),\n"
         "                           rel_error, loss, best_run, seconds\n"
         "  PREFIX_consensus_kK.tsv  the consensus matrix at rank K (samples x samples)\n"
         "  PREFIX_membership.tsv    each sample's consensus cluster at every rank\n"
         "  PREFIX_rank_cv.tsv       with --cv: k and held-out error\n"
         "\n"
         "Exit status: 0 success, 1 input or file error, 2 usage error,\n"
         "3 error reported by libnmf, 130 interrupted (nothing written).\n";
}

std::string consensus_usage() {
  return std::string(
             "Usage: nmf consensus INPUT -k K [--nrun N] [options]\n"
             "\n") +
         kRunsText +
         "\n"
         "Options:\n"
         "  -k, --rank K        the rank\n"
         "  --nrun N            number of runs (default 30)\n"
         "  -h, --help          show this help\n"
         "\n" +
         kFitOptionsText +
         "\n"
         "Outputs:\n"
         "  PREFIX_consensus.tsv   the consensus matrix (samples x samples)\n"
         "  PREFIX_membership.tsv  sample, consensus cluster, best run's cluster,\n"
         "                         silhouette width\n"
         "  PREFIX_measures.tsv    k, nrun, cophenetic, dispersion, silhouette, rss,\n"
         "                         evar, rel_error, loss, best_run, seconds\n"
         "  PREFIX_W.tsv, PREFIX_H.tsv  the best run's factors (H scaled by d)\n"
         "\n"
         "Exit status: 0 success, 1 input or file error, 2 usage error,\n"
         "3 error reported by libnmf, 130 interrupted (nothing written).\n";
}

}  // namespace nmfcli
