#include "usage.hpp"

#include <cstdio>
#include <string>

#include "args.hpp"
#include "nmf.h"

namespace nmfcli {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string main_usage() {
  return "Usage: nmf <command> [options]\n"
         "\n"
         "Non-negative matrix factorization of gene-expression matrices:\n"
         "A (genes x samples) ~ W diag(d) H.\n"
         "\n"
         "Commands:\n"
         "  fit            factor a matrix: nmf fit INPUT -k K [options]\n"
         "\n"
         "Options:\n"
         "  -h, --help     show this help\n"
         "  --version      print the version of libnmf\n"
         "\n"
         "Run 'nmf fit --help' for the options of fit.\n";
}

std::string fit_usage() {
  nmf_options o;
  nmf_options_init(&o, sizeof o);
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
       "  --loss NAME         frobenius, the one loss so far (default " +
       std::string(loss_name(o.loss)) + ")\n"
       "  --solver NAME       auto, hals (accelerated HALS) or anls (exact\n"
       "                      alternating NNLS by block principal pivoting);\n"
       "                      auto = anls (default " + solver_name(o.solver) + ")\n"
       "  --init NAME         random, nndsvd, nndsvda or nndsvdar (default " +
       init_name(o.init) + ")\n"
       "  --maxit N           maximum iterations (default " + std::to_string(o.maxit) + ")\n"
       "  --tol X             stop when the relative loss decrease is below X\n"
       "                      (default " + number(o.tol) + ")\n"
       "  --seed N            seed of the random initialisation (default " +
       std::to_string(o.seed) + ")\n"
       "  --l1-w X, --l1-h X  L1 (sparsity) penalty on W, H (default " +
       number(o.l1_w) + ")\n"
       "  --l2-w X, --l2-h X  L2 (ridge) penalty on W, H (default " + number(o.l2_w) + ")\n"
       "  --hals-alpha X      accelerated HALS: inner sweeps per update, 0 = plain\n"
       "                      HALS (default " + number(o.hals_alpha) + ")\n"
       "  --hals-delta X      accelerated HALS: inner stopping ratio (default " +
       number(o.hals_delta) + ")\n"
       "  --extrapolation X   auto, on or off: extrapolation with restarts (Ang &\n"
       "                      Gillis 2019); auto = on in double precision without\n"
       "                      missing values (default " + extrapolation_name(o.extrapolation) + ")\n"
       "  --extrap-beta0 X    initial extrapolation step, in [0, 1] (default " +
       number(o.extrap_beta0) + ")\n"
       "  --extrap-eta X      step divisor on a restart, > 1 (default " + number(o.extrap_eta) + ")\n"
       "  --extrap-gamma X    step growth on success, >= 1 (default " +
       number(o.extrap_gamma) + ")\n"
       "  --extrap-gamma-bar X  growth of the step's cap, >= 1 (default " +
       number(o.extrap_gamma_bar) + ")\n"
       "  --sparse-h X        sparse NMF (Kim & Park 2007): X/2 sum_j (sum_i H_ij)^2;\n"
       "                      with --l2-w ETA and --solver anls this is snmf/r\n"
       "  --sparse-w X        the mirror on the rows of W (snmf/l with --l2-h)\n"
       "  --ns-theta X        nsNMF smoothing in [0, 1]: A ~ W S H with\n"
       "                      S = (1-X) I + X/K; H written is S H (default " +
       number(o.ns_theta) + ")\n"
       "  --missing MODE      none; na: NA/empty cells of a table are missing\n"
       "                      values, left out of the loss; unstored: entries not\n"
       "                      stored in a Matrix Market file are missing\n"
       "                      (recommender data) (default " + missing_name(o.missing) + ")\n"
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
       "  -t, --threads N     worker threads, 0 = all cores (default " +
       std::to_string(o.n_threads) + ")\n"
       "  -o, --out PREFIX    output prefix (default: INPUT's name without\n"
       "                      directory and extensions, in the current directory)\n"
       "  -q, --quiet         no progress bar and no notes on stderr\n"
       "  --distributed       run as one process of an MPI job (mpirun -np P nmf fit\n"
       "                      big.mtx -k K --distributed): each process reads and\n"
       "                      factors its block of columns of a Matrix Market file\n"
       "                      or 10x folder; process 0 writes the outputs\n"
       "  --progress          show progress even when stderr is not a terminal\n"
       "  --no-progress       never show progress\n"
       "  -h, --help          show this help\n"
       "\n"
       "Outputs:\n"
       "  PREFIX_W.tsv         W, genes x K (columns NMF1..NMFK, each summing to 1)\n"
       "  PREFIX_H.tsv         H, K x samples (rows summing to 1)\n"
       "  PREFIX_summary.json  d (the scales), settings, iterations, stop reason,\n"
       "                       loss, relative error, loss history, time\n"
       "Components are ordered by d, largest first.  With --fix-w or --fix-h the\n"
       "fixed factor is written unchanged and d is all ones.\n"
       "\n"
       "Ctrl-C stops the fit, writes the last iterate and exits with status 130.\n"
       "Exit status: 0 success, 1 input or file error, 2 usage error,\n"
       "3 error reported by libnmf, 130 interrupted.\n";
  return s;
}

}  // namespace nmfcli
