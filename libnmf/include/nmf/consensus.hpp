// Consensus clustering by repeated NMF (Brunet, Tamayo, Golub & Mesirov,
// PNAS 2004): nrun factorizations from different random starts; each run
// assigns sample j to the component l with the largest coefficient
// d_l H_lj; the consensus matrix is the average over runs of the
// connectivity matrices (C_ij = fraction of runs in which i and j share a
// component).  Average linkage on 1 - C gives the consensus clusters and the
// cophenetic correlation; the dispersion (Kim & Park 2007) and silhouette
// widths (Rousseeuw 1987) measure how clean the consensus is.
//
// Memory: O(n^2) over the n samples plus nrun x n labels, never O(m^2).
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/collective.hpp"
#include "nmf/linkage.hpp"
#include "nmf/options.hpp"
#include "nmf/status.hpp"
#include "nmf/views.hpp"

namespace nmf {

// Seed of run r of a multi-start with master seed s: the splitmix64
// (Steele, Lea & Flood 2014) finaliser of s + (r + 1) * golden gamma, so
// every run's start depends on (s, r) only, never on the thread that ran it.
uint64_t run_seed(uint64_t master, int64_t run);

struct Consensus {
  int64_t m = 0, n = 0, k = 0;
  int64_t nrun = 0;        // runs requested
  int64_t runs_done = 0;   // runs completed (< nrun only when cancelled)
  int64_t best_run = -1;   // 0-based index of the run with the lowest loss
  Result best;             // the best run's result
  std::vector<double> w, d, h;       // the best fit, canonical (m x k, k, k x n)
  std::vector<double> run_loss;      // loss of every run (NaN if not run)
  std::vector<int32_t> run_labels;   // nrun x n: component of sample j in run r
  std::vector<int32_t> best_labels;  // n: argmax_l d_l H_lj of the best fit
  std::vector<double> consensus;     // n x n
  Dendrogram tree;                   // average linkage of 1 - consensus
  std::vector<int32_t> membership;   // n: the tree cut into k clusters
  std::vector<double> silhouette;    // n: widths of the consensus clusters
  double cophenetic = 0, dispersion = 0, silhouette_mean = 0;
  double frob2 = 0;                  // ||A||_F^2
  double rss = 0;                    // ||A - W diag(d) H||_F^2 of the best fit
  double evar = 0;                   // 1 - rss / ||A||_F^2
  double seconds = 0;
};

// How a multi-start reports progress when it is one part of a larger job
// (a rank survey): runs are counted from offset out of total.
struct RunCount {
  int64_t offset = 0;
  int64_t total = 0;  // 0: this call's nrun
};

// nrun fits of A at rank k with opt (any solver, loss or init the fit
// accepts; opt.seed is the master seed of the runs), spread over
// opt.n_threads threads: min(nrun, threads) runs at a time, each with
// threads / that many threads, so the total never exceeds n_threads.  The
// fits are bitwise identical for any thread count, so the result is too.
// The best fit is the lowest loss, ties to the lower run index.
//
// opt.progress, if set, is called on the calling thread only, between and
// during that thread's runs, as progress(runs_done, runs_total, best loss so
// far, its relative error, data); a non-zero return stops every run and the
// call returns kCancelled with the measures of the runs completed (if any).
//
// With a Collective the multi-start is spread over processes: every process
// holds the whole of A and calls this with the same arguments; process p
// runs the runs r with r % processes() == p, and at the end the runs'
// labels and losses are summed over the processes and the best fit is sent
// from the process that ran it.  Every process returns the same Consensus,
// equal to the serial one (each run is bitwise the same wherever it runs);
// an error or a cancellation on one process is returned on all.  Progress
// counts this process's runs only.
template <class T>
Status consensus_fit(const DenseView<T>& a, int64_t k, int64_t nrun,
                     const Options& opt, Consensus& out, RunCount count = {},
                     const Collective* comm = nullptr);
template <class T, class I>
Status consensus_fit(const CscView<T, I>& a, int64_t k, int64_t nrun,
                     const Options& opt, Consensus& out, RunCount count = {},
                     const Collective* comm = nullptr);

// The measures of the consensus from out.run_labels (first runs_done rows):
// consensus matrix, tree, membership, silhouette, cophenetic correlation,
// dispersion.
void consensus_measures(Consensus& out, int threads);

}  // namespace nmf
