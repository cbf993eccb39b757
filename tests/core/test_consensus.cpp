// Consensus clustering, rank survey, bi-cross-validation and markers
// (nmf.h, last section), against references computed here: the consensus
// from independent single fits, average linkage and cophenetic distances by
// brute force, the dispersion and marker formulas of the papers.
#include <nmf.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "nmf/linkage.hpp"  // the core's linkage, for generic dissimilarities
#include "nmf_test_util.hpp"

namespace {

using nt::Dense;

uint64_t run_seed(uint64_t master, int64_t r) {
  uint64_t z = master + uint64_t(r + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct ConsensusPtr {
  nmf_consensus* p = nullptr;
  ~ConsensusPtr() { nmf_consensus_free(p); }
};
struct SurveyPtr {
  nmf_survey* p = nullptr;
  ~SurveyPtr() { nmf_survey_free(p); }
};

nmf_consensus_info info_of(const nmf_consensus* c) {
  nmf_consensus_info info;
  info.struct_size = sizeof info;
  EXPECT_EQ(nmf_consensus_get_info(c, &info), NMF_OK);
  return info;
}

std::vector<double> matrix_of(const nmf_consensus* c, int64_t n) {
  std::vector<double> C(static_cast<size_t>(n * n));
  EXPECT_EQ(nmf_consensus_matrix(c, C.data(), n), NMF_OK);
  return C;
}

// Samples in `groups` blocks: sample j belongs to group j % groups and
// expresses that group's block of genes (plus a little noise), so the
// planted clustering is unambiguous.
Dense blocks(int64_t genes_per_group, int64_t n, int64_t groups, double noise,
             uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Dense A(genes_per_group * groups, n);
  for (int64_t j = 0; j < n; ++j) {
    const int64_t g = j % groups;
    const double level = 1.0 + u(rng);
    for (int64_t i = 0; i < A.m; ++i) {
      const bool on = i / genes_per_group == g;
      A(i, j) = (on ? level * (0.5 + u(rng)) : 0.0) + noise * u(rng);
    }
  }
  return A;
}

// The planted labels of blocks(): sample j is in group j % groups.
std::vector<int32_t> planted_labels(int64_t n, int64_t groups) {
  std::vector<int32_t> planted(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) planted[size_t(j)] = int32_t(j % groups);
  return planted;
}

// The consensus at rank k of nrun random starts on A (the test options).
int32_t random_start_consensus(const Dense& A, int64_t k, int64_t nrun, nmf_consensus** out) {
  nmf_options o = nt::test_options();
  o.init = NMF_INIT_RANDOM;
  return nmf_consensus_dense_d(A.a.data(), A.m, A.n, A.m, k, nrun, &o, out);
}

// True when two labelings are the same partition.
bool same_partition(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  std::map<int32_t, int32_t> ab, ba;
  for (size_t t = 0; t < a.size(); ++t) {
    auto x = ab.emplace(a[t], b[t]);
    auto y = ba.emplace(b[t], a[t]);
    if (x.first->second != b[t] || y.first->second != a[t]) return false;
  }
  return true;
}

// ---- Brute-force average linkage: each step joins the two clusters with
// the smallest mean pairwise dissimilarity (computed from D directly), ties
// (within 1e-12 max D) to the pair with the smallest least members.
struct RefTree {
  std::vector<double> height;
  std::vector<double> coph;  // n x n
};
RefTree ref_average_linkage(const std::vector<double>& D, int64_t n) {
  std::vector<std::vector<int64_t>> cl;
  for (int64_t i = 0; i < n; ++i) cl.push_back({i});
  double dmax = 0;
  for (double v : D) dmax = std::max(dmax, std::fabs(v));
  const double eps = 1e-12 * dmax;
  RefTree t;
  t.coph.assign(size_t(n * n), 0.0);
  while (cl.size() > 1) {
    // clusters sorted by least member
    std::sort(cl.begin(), cl.end(), [](const auto& x, const auto& y) {
      return *std::min_element(x.begin(), x.end()) < *std::min_element(y.begin(), y.end());
    });
    double best = 0;
    size_t bi = 0, bj = 0;
    bool found = false;
    for (size_t a = 0; a < cl.size(); ++a)
      for (size_t b = a + 1; b < cl.size(); ++b) {
        double s = 0;
        for (int64_t p : cl[a])
          for (int64_t q : cl[b]) s += D[size_t(p + q * n)];
        s /= double(cl[a].size() * cl[b].size());
        if (!found || s < best - eps) {
          best = s;
          bi = a;
          bj = b;
          found = true;
        }
      }
    for (int64_t p : cl[bi])
      for (int64_t q : cl[bj]) t.coph[size_t(p + q * n)] = t.coph[size_t(q + p * n)] = best;
    t.height.push_back(best);
    cl[bi].insert(cl[bi].end(), cl[bj].begin(), cl[bj].end());
    cl.erase(cl.begin() + long(bj));
  }
  return t;
}

double pearson_upper(const std::vector<double>& x, const std::vector<double>& y, int64_t n) {
  std::vector<double> a, b;
  for (int64_t j = 1; j < n; ++j)
    for (int64_t i = 0; i < j; ++i) {
      a.push_back(x[size_t(i + j * n)]);
      b.push_back(y[size_t(i + j * n)]);
    }
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / double(a.size());
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / double(b.size());
  double sab = 0, saa = 0, sbb = 0;
  for (size_t t = 0; t < a.size(); ++t) {
    sab += (a[t] - ma) * (b[t] - mb);
    saa += (a[t] - ma) * (a[t] - ma);
    sbb += (b[t] - mb) * (b[t] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// ------------------------------------------------------------------ tests

// The consensus matrix is the average connectivity of nrun independent
// fits, each repeated here alone with its documented seed; the best fit is
// the run with the lowest loss.
TEST(Consensus, MatrixIsAverageConnectivityOfIndependentRuns) {
  const nt::Planted p = nt::planted(40, 14, 3, 7, 0.4, 0.3, false);
  const int64_t m = 40, n = 14, k = 3, nrun = 9;
  nmf_options o = nt::test_options();
  o.init = NMF_INIT_RANDOM;
  o.seed = 2024;
  o.maxit = 60;
  ConsensusPtr c;
  ASSERT_EQ(nmf_consensus_dense_d(p.A.a.data(), m, n, m, k, nrun, &o, &c.p), NMF_OK)
      << nmf_last_error_message();
  std::vector<int64_t> same(static_cast<size_t>(n * n), 0);
  double best_loss = INFINITY;
  int64_t best_run = -1;
  std::vector<double> best_w;
  for (int64_t r = 0; r < nrun; ++r) {
    nmf_options oi = o;
    oi.seed = run_seed(o.seed, r);
    oi.n_threads = 1;
    std::vector<double> W(static_cast<size_t>(m * k)), d(static_cast<size_t>(k)), H(static_cast<size_t>(k * n));
    nmf_result res;
    nmf_result_init(&res, sizeof res);
    ASSERT_EQ(nmf_fit_dense_d(p.A.a.data(), m, n, m, k, W.data(), d.data(), H.data(), &oi, &res), NMF_OK);
    std::vector<int64_t> lab(static_cast<size_t>(n));
    for (int64_t j = 0; j < n; ++j) {
      int64_t b = 0;
      for (int64_t l = 1; l < k; ++l)
        if (d[size_t(l)] * H[size_t(l + j * k)] > d[size_t(b)] * H[size_t(b + j * k)]) b = l;
      lab[size_t(j)] = b;
    }
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < n; ++i) same[size_t(i + j * n)] += lab[size_t(i)] == lab[size_t(j)];
    if (res.loss < best_loss) {
      best_loss = res.loss;
      best_run = r;
      best_w = W;
    }
  }
  const std::vector<double> C = matrix_of(c.p, n);
  for (int64_t t = 0; t < n * n; ++t)
    EXPECT_DOUBLE_EQ(C[size_t(t)], double(same[size_t(t)]) / double(nrun)) << t;
  const nmf_consensus_info info = info_of(c.p);
  EXPECT_EQ(info.best_run, best_run);
  EXPECT_EQ(info.runs_done, nrun);
  EXPECT_DOUBLE_EQ(info.best_loss, best_loss);
  std::vector<double> W(static_cast<size_t>(m * k)), d(static_cast<size_t>(k)), H(static_cast<size_t>(k * n));
  ASSERT_EQ(nmf_consensus_best_fit(c.p, W.data(), d.data(), H.data()), NMF_OK);
  EXPECT_EQ(W, best_w);
  // Explained variance and rss from the best fit's relative error.
  EXPECT_NEAR(info.evar, 1 - info.rel_error * info.rel_error, 1e-12);
  EXPECT_NEAR(info.rss, info.rel_error * info.rel_error * std::pow(nt::frob(p.A.a), 2),
              1e-9 * info.rss);
}

// Cophenetic correlation and tree heights of the consensus against brute
// force average linkage of 1 - C; dispersion against its formula.
TEST(Consensus, CopheneticAndDispersionMatchReference) {
  const nt::Planted p = nt::planted(30, 16, 4, 3, 0.3, 0.5, false);
  const int64_t m = 30, n = 16;
  nmf_options o = nt::test_options();
  o.init = NMF_INIT_RANDOM;
  o.maxit = 30;
  ConsensusPtr c;
  ASSERT_EQ(nmf_consensus_dense_d(p.A.a.data(), m, n, m, 4, 20, &o, &c.p), NMF_OK);
  const std::vector<double> C = matrix_of(c.p, n);
  std::vector<double> D(C.size());
  for (size_t t = 0; t < C.size(); ++t) D[t] = 1.0 - C[t];
  const RefTree ref = ref_average_linkage(D, n);
  std::vector<double> height(static_cast<size_t>(n - 1));
  ASSERT_EQ(nmf_consensus_tree(c.p, nullptr, height.data(), nullptr), NMF_OK);
  for (int64_t s = 0; s < n - 1; ++s) EXPECT_NEAR(height[size_t(s)], ref.height[size_t(s)], 1e-12);
  const nmf_consensus_info info = info_of(c.p);
  EXPECT_NEAR(info.cophenetic, pearson_upper(D, ref.coph, n), 1e-10);
  EXPECT_LT(info.cophenetic, 1.0);  // a noisy consensus: not a perfect tree
  double disp = 0;
  for (double v : C) disp += 4 * (v - 0.5) * (v - 0.5);
  EXPECT_NEAR(info.dispersion, disp / double(n * n), 1e-12);
  EXPECT_LT(info.dispersion, 1.0);
}

// The core's average linkage on generic dissimilarities (no ties): every
// cophenetic distance equals the brute-force one, the merges are in
// hclust's form and the order is a permutation.
TEST(Consensus, AverageLinkageMatchesBruteForce) {
  const int64_t n = 23;
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> D(static_cast<size_t>(n * n), 0.0);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < j; ++i) D[size_t(i + j * n)] = D[size_t(j + i * n)] = u(rng);
  const nmf::Dendrogram t = nmf::average_linkage(D.data(), n);
  const RefTree ref = ref_average_linkage(D, n);
  for (int64_t x = 0; x < n * n; ++x) EXPECT_NEAR(t.cophenetic[size_t(x)], ref.coph[size_t(x)], 1e-12);
  for (int64_t s = 0; s < n - 1; ++s) {
    EXPECT_NEAR(t.height[size_t(s)], ref.height[size_t(s)], 1e-12);
    const int64_t a = t.merge[size_t(2 * s)], b = t.merge[size_t(2 * s + 1)];
    EXPECT_TRUE(a != 0 && b != 0 && a <= s && b <= s);
    if (a < 0 && b < 0) {
      EXPECT_GT(a, b);  // -1 before -2
    } else if (a > 0 && b > 0) {
      EXPECT_LT(a, b);  // older step first
    } else {
      EXPECT_LT(a, 0);  // sample before cluster
    }
  }
  std::vector<int64_t> ord = t.order;
  std::sort(ord.begin(), ord.end());
  for (int64_t i = 0; i < n; ++i) EXPECT_EQ(ord[size_t(i)], i);
  EXPECT_NEAR(nmf::cophenetic_correlation(D.data(), t), pearson_upper(D, ref.coph, n), 1e-12);
}

// Clean planted groups: every run finds them, so the consensus is all 0/1,
// the dispersion and cophenetic correlation are 1, the silhouettes are 1,
// and the consensus clusters are the planted groups.
TEST(Consensus, PerfectConsensusRecoversPlantedGroups) {
  const int64_t groups = 3, n = 18;
  const Dense A = blocks(10, n, groups, 0.0, 5);
  ConsensusPtr c;
  ASSERT_EQ(random_start_consensus(A, groups, 12, &c.p), NMF_OK);
  const std::vector<double> C = matrix_of(c.p, n);
  for (double v : C) EXPECT_TRUE(v == 0.0 || v == 1.0) << v;
  const nmf_consensus_info info = info_of(c.p);
  EXPECT_DOUBLE_EQ(info.dispersion, 1.0);
  EXPECT_NEAR(info.cophenetic, 1.0, 1e-12);
  EXPECT_NEAR(info.silhouette, 1.0, 1e-12);
  std::vector<int32_t> cl(static_cast<size_t>(n)), best(static_cast<size_t>(n));
  const std::vector<int32_t> planted = planted_labels(n, groups);
  ASSERT_EQ(nmf_consensus_labels(c.p, cl.data(), best.data()), NMF_OK);
  EXPECT_TRUE(same_partition(cl, planted));
  EXPECT_TRUE(same_partition(best, planted));
  // Consensus clusters are numbered in the order of their first sample.
  EXPECT_EQ(cl[0], 0);
  EXPECT_EQ(cl[1], 1);
  EXPECT_EQ(cl[2], 2);
}

// With noisy groups, the memberships still recover them; the silhouette
// widths match the definition on 1 - C.
TEST(Consensus, NoisyGroupsRecoveredAndSilhouetteMatchesDefinition) {
  const int64_t groups = 4, n = 24;
  const Dense A = blocks(8, n, groups, 0.4, 17);
  ConsensusPtr c;
  ASSERT_EQ(random_start_consensus(A, groups, 15, &c.p), NMF_OK);
  std::vector<int32_t> cl(static_cast<size_t>(n));
  const std::vector<int32_t> planted = planted_labels(n, groups);
  ASSERT_EQ(nmf_consensus_labels(c.p, cl.data(), nullptr), NMF_OK);
  EXPECT_TRUE(same_partition(cl, planted));
  const std::vector<double> C = matrix_of(c.p, n);
  std::vector<double> sil(static_cast<size_t>(n));
  ASSERT_EQ(nmf_consensus_silhouette(c.p, sil.data()), NMF_OK);
  for (int64_t i = 0; i < n; ++i) {
    std::vector<double> sum(static_cast<size_t>(groups), 0.0);
    std::vector<int> cnt(static_cast<size_t>(groups), 0);
    for (int64_t j = 0; j < n; ++j) {
      if (j == i) continue;
      sum[size_t(cl[size_t(j)])] += 1.0 - C[size_t(i + j * n)];
      ++cnt[size_t(cl[size_t(j)])];
    }
    const int32_t own = cl[size_t(i)];
    const double a = sum[size_t(own)] / cnt[size_t(own)];
    double b = INFINITY;
    for (int32_t g = 0; g < groups; ++g)
      if (g != own) b = std::min(b, sum[size_t(g)] / cnt[size_t(g)]);
    const double s = std::max(a, b) > 0 ? (b - a) / std::max(a, b) : 0.0;
    EXPECT_NEAR(sil[size_t(i)], s, 1e-12);
  }
}

// A survey over k = 2..5 of data with three clear groups, read as Brunet et
// al. (2004) read it: the rank is the largest k before the consensus
// degrades.  Here it is perfect (dispersion and cophenetic correlation 1)
// up to k = 3 and clearly worse at k = 4 and 5, where a group is split
// arbitrarily.
TEST(Survey, PicksPlantedRank) {
  const int64_t groups = 3, n = 24;
  const Dense A = blocks(12, n, groups, 0.3, 23);
  nmf_options o = nt::test_options();
  o.init = NMF_INIT_RANDOM;
  nmf_survey_options so;
  nmf_survey_options_init(&so, sizeof so);
  so.nrun = 20;
  so.randomized = 1;
  const int64_t ranks[] = {2, 3, 4, 5};
  SurveyPtr s;
  ASSERT_EQ(nmf_survey_dense_d(A.a.data(), A.m, n, A.m, ranks, 4, &so, &o, &s.p), NMF_OK)
      << nmf_last_error_message();
  ASSERT_EQ(nmf_survey_size(s.p), 4);
  std::vector<double> coph, disp;
  for (int64_t t = 0; t < 4; ++t) {
    const nmf_consensus_info info = info_of(nmf_survey_get(s.p, t, 0));
    EXPECT_EQ(info.k, ranks[t]);
    coph.push_back(info.cophenetic);
    disp.push_back(info.dispersion);
    // The randomized copy (rows permuted) explains less at every rank.
    const nmf_consensus_info rinfo = info_of(nmf_survey_get(s.p, t, 1));
    EXPECT_LT(rinfo.evar, info.evar) << ranks[t];
  }
  int64_t picked = 0;
  for (int64_t t = 0; t < 4 && disp[size_t(t)] > 0.999 && coph[size_t(t)] > 0.999; ++t)
    picked = ranks[t];
  EXPECT_EQ(picked, 3);
  EXPECT_LT(disp[2], 0.97);
  EXPECT_LT(disp[3], 0.97);
  EXPECT_EQ(nmf_survey_get(s.p, 4, 0), nullptr);
  EXPECT_EQ(nmf_survey_get(s.p, 0, 1) != nullptr, true);
}

// Same master seed, 1 or 2 threads: identical consensus, tree and best fit.
TEST(Survey, IdenticalForOneAndTwoThreads) {
  const nt::Planted p = nt::planted(50, 20, 3, 31, 0.4, 0.2, false);
  const int64_t ranks[] = {2, 3};
  nmf_survey_options so;
  nmf_survey_options_init(&so, sizeof so);
  so.nrun = 7;
  so.randomized = 1;
  std::vector<std::vector<double>> got[2];
  for (int threads = 1; threads <= 2; ++threads) {
    nmf_options o = nt::test_options();
    o.init = NMF_INIT_RANDOM;
    o.n_threads = threads;
    SurveyPtr s;
    ASSERT_EQ(nmf_survey_dense_d(p.A.a.data(), 50, 20, 50, ranks, 2, &so, &o, &s.p), NMF_OK);
    for (int r = 0; r < 2; ++r)
      for (int64_t t = 0; t < 2; ++t) {
        const nmf_consensus* c = nmf_survey_get(s.p, t, r);
        got[threads - 1].push_back(matrix_of(c, 20));
        const int64_t k = ranks[t];
        std::vector<double> W(static_cast<size_t>(50 * k)), H(static_cast<size_t>(k * 20)), h(19);
        ASSERT_EQ(nmf_consensus_best_fit(c, W.data(), nullptr, H.data()), NMF_OK);
        ASSERT_EQ(nmf_consensus_tree(c, nullptr, h.data(), nullptr), NMF_OK);
        got[threads - 1].push_back(W);
        got[threads - 1].push_back(H);
        got[threads - 1].push_back(h);
      }
  }
  ASSERT_EQ(got[0].size(), got[1].size());
  for (size_t t = 0; t < got[0].size(); ++t) EXPECT_EQ(got[0][t], got[1][t]) << t;
}

// Bi-cross-validation of a planted rank-3 matrix with zero-mean noise (so
// the noise adds no low-rank part): the held-out error is smallest at k = 3
// (underfitting below, fitting the noise above).
TEST(Bicv, ErrorMinimalAtPlantedRank) {
  nt::Planted p = nt::planted(60, 40, 3, 41, 0.0, 0.0, false);
  {
    std::mt19937_64 rng(4);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (double& v : p.A.a) v += 0.3 * u(rng);  // entries of W H are >= 0.75
  }
  nmf_options o = nt::test_options();
  o.init = NMF_INIT_NNDSVDA;
  o.maxit = 300;
  o.tol = 1e-8;
  nmf_bicv_options bo;
  nmf_bicv_options_init(&bo, sizeof bo);
  bo.reps = 2;
  const int64_t ranks[] = {1, 2, 3, 4, 5, 6};
  double err[6], folds[6 * 8];
  int64_t suggested = 0;
  ASSERT_EQ(nmf_bicv_dense_d(p.A.a.data(), 60, 40, 60, ranks, 6, &bo, &o, err, folds, &suggested),
            NMF_OK)
      << nmf_last_error_message();
  EXPECT_EQ(suggested, 3);
  for (int t = 0; t < 6; ++t)
    if (t != 2) {
      EXPECT_GT(err[t], err[2]) << ranks[t];
    }
  // Each rank's error is the mean over the splits of the sum of its blocks.
  for (int t = 0; t < 6; ++t) {
    double s = 0;
    for (int f = 0; f < 8; ++f) s += folds[f + t * 8];
    EXPECT_NEAR(err[t], s / 2, 1e-12 * s);
  }
  // Thread count does not matter.
  o.n_threads = 1;
  double err1[6];
  ASSERT_EQ(nmf_bicv_dense_d(p.A.a.data(), 60, 40, 60, ranks, 6, &bo, &o, err1, nullptr, nullptr),
            NMF_OK);
  for (int t = 0; t < 6; ++t) EXPECT_EQ(err1[t], err[t]);
}

// A sparse planted matrix: sparse W (m x 3) and H (3 x n) so that about a
// quarter of W H is non-zero, plus zero-mean noise on the non-zero entries
// only (kept positive), so the zeros stay exact zeros.
Dense sparse_planted(int64_t m, int64_t n, uint64_t seed) {
  nt::Planted p = nt::planted(m, n, 3, seed, 0.7, 0.0, false);
  std::mt19937_64 rng(seed + 100);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (double& v : p.A.a)
    if (v != 0) v = std::max(0.05, v + 0.15 * u(rng));
  return p.A;
}

double nonzero_fraction(const Dense& A) {
  int64_t nz = 0;
  for (double v : A.a) nz += v != 0;
  return double(nz) / double(A.a.size());
}

// A CSC copy of a matrix gives the errors of the dense path: the same
// splits and seeds, the sparse fits reaching the dense fits' factors, and
// the held-out error from the stored entries and Gram matrices equal to the
// dense entry-by-entry sum.  Explicitly stored zeros change nothing.
TEST(Bicv, CscMatchesDense) {
  const Dense A = sparse_planted(48, 36, 7);
  ASSERT_LT(nonzero_fraction(A), 0.5);
  nmf_options o = nt::test_options();
  o.n_threads = 2;
  o.init = NMF_INIT_NNDSVDA;
  o.maxit = 100;
  nmf_bicv_options bo;
  nmf_bicv_options_init(&bo, sizeof bo);
  bo.row_groups = 3;
  bo.reps = 2;
  const int64_t ranks[] = {1, 2, 3, 5};
  const int folds = 2 * 3 * 2;
  double ed[4], fd[4 * folds];
  int64_t sd = 0;
  ASSERT_EQ(nmf_bicv_dense_d(A.a.data(), A.m, A.n, A.m, ranks, 4, &bo, &o, ed, fd, &sd), NMF_OK)
      << nmf_last_error_message();
  auto expect_same = [&](const double* e, const double* f, int64_t s, double tol,
                         const char* what) {
    for (int t = 0; t < 4; ++t) EXPECT_LE(std::fabs(e[t] - ed[t]), tol * ed[t]) << what << t;
    for (int t = 0; t < 4 * folds; ++t)
      EXPECT_LE(std::fabs(f[t] - fd[t]), tol * fd[t] + 1e-300) << what << t;
    EXPECT_EQ(s, sd) << what;
  };
  // A double CSC entry point (bicv_csc) on the copy c.
  auto expect_csc_same = [&](auto bicv_csc, const auto& c, const char* what) {
    double e[4];
    std::vector<double> f(4 * folds);
    int64_t sg = 0;
    ASSERT_EQ(bicv_csc(A.m, A.n, c.col_ptr.data(), c.row_ind.data(), c.val.data(), ranks, 4,
                       &bo, &o, e, f.data(), &sg),
              NMF_OK)
        << nmf_last_error_message();
    expect_same(e, f.data(), sg, 1e-10, what);
  };
  expect_csc_same(nmf_bicv_csc_d_i32, nt::to_csc<int32_t>(A), "d_i32 ");
  {
    const auto c = nt::to_csc<int64_t>(A, 5);  // with explicit zeros
    ASSERT_GT(c.val.size(), size_t(std::count_if(A.a.begin(), A.a.end(),
                                                 [](double v) { return v != 0; })));
    expect_csc_same(nmf_bicv_csc_d_i64, c, "d_i64 ");
  }
  // float: against the float dense path, to float rounding.
  {
    const std::vector<float> Af = nt::cast<float>(A.a);
    double efd[4];
    ASSERT_EQ(nmf_bicv_dense_f(Af.data(), A.m, A.n, A.m, ranks, 4, &bo, &o, efd, nullptr,
                               nullptr),
              NMF_OK);
    const auto c32 = nt::to_csc<int32_t>(A);
    const auto c64 = nt::to_csc<int64_t>(A);
    const std::vector<float> v = nt::cast<float>(c32.val);
    double e32[4], e64[4];
    ASSERT_EQ(nmf_bicv_csc_f_i32(A.m, A.n, c32.col_ptr.data(), c32.row_ind.data(), v.data(),
                                 ranks, 4, &bo, &o, e32, nullptr, nullptr),
              NMF_OK)
        << nmf_last_error_message();
    ASSERT_EQ(nmf_bicv_csc_f_i64(A.m, A.n, c64.col_ptr.data(), c64.row_ind.data(), v.data(),
                                 ranks, 4, &bo, &o, e64, nullptr, nullptr),
              NMF_OK)
        << nmf_last_error_message();
    for (int t = 0; t < 4; ++t) {
      EXPECT_LE(std::fabs(e32[t] - efd[t]), 1e-4 * efd[t]) << t;
      EXPECT_EQ(e64[t], e32[t]) << t;
    }
  }
}

// On a sparse planted rank-3 matrix given as CSC, the held-out error is
// smallest at k = 3, whatever the thread count.
TEST(Bicv, SparseErrorMinimalAtPlantedRank) {
  const Dense A = sparse_planted(80, 60, 11);
  ASSERT_LT(nonzero_fraction(A), 0.4);
  const auto c = nt::to_csc<int32_t>(A);
  nmf_options o = nt::test_options();
  o.init = NMF_INIT_NNDSVDA;
  o.maxit = 300;
  o.tol = 1e-8;
  o.n_threads = 2;
  nmf_bicv_options bo;
  nmf_bicv_options_init(&bo, sizeof bo);
  bo.reps = 2;
  const int64_t ranks[] = {1, 2, 3, 4, 5, 6};
  double err[6];
  int64_t suggested = 0;
  ASSERT_EQ(nmf_bicv_csc_d_i32(A.m, A.n, c.col_ptr.data(), c.row_ind.data(), c.val.data(),
                               ranks, 6, &bo, &o, err, nullptr, &suggested),
            NMF_OK)
      << nmf_last_error_message();
  EXPECT_EQ(suggested, 3);
  for (int t = 0; t < 6; ++t)
    if (t != 2) {
      EXPECT_GT(err[t], err[2]) << ranks[t];
    }
  o.n_threads = 1;
  double err1[6];
  ASSERT_EQ(nmf_bicv_csc_d_i32(A.m, A.n, c.col_ptr.data(), c.row_ind.data(), c.val.data(),
                               ranks, 6, &bo, &o, err1, nullptr, nullptr),
            NMF_OK);
  for (int t = 0; t < 6; ++t) EXPECT_EQ(err1[t], err[t]);
}

// Malformed CSC input and refused options: each its documented code, with
// the place named.
TEST(Bicv, CscBadInput) {
  const Dense A = sparse_planted(20, 12, 3);
  auto c = nt::to_csc<int32_t>(A);
  nmf_options o = nt::test_options();
  nmf_bicv_options bo;
  nmf_bicv_options_init(&bo, sizeof bo);
  const int64_t ranks[] = {2};
  double err[1];
  auto call = [&](const nt::Csc<int32_t>& x, int64_t m, int64_t n, const nmf_options* op) {
    return nmf_bicv_csc_d_i32(m, n, x.col_ptr.data(), x.row_ind.data(), x.val.data(), ranks,
                              1, &bo, op, err, nullptr, nullptr);
  };
  ASSERT_EQ(call(c, 20, 12, &o), NMF_OK) << nmf_last_error_message();
  EXPECT_EQ(nmf_bicv_csc_d_i32(20, 12, nullptr, c.row_ind.data(), c.val.data(), ranks, 1, &bo,
                               &o, err, nullptr, nullptr),
            NMF_ERR_NULL_POINTER);
  EXPECT_NE(std::string(nmf_last_error_message()).find("col_ptr"), std::string::npos);
  EXPECT_EQ(call(c, 0, 12, &o), NMF_ERR_DIMENSION);
  EXPECT_EQ(nmf_bicv_csc_d_i32(20, 12, c.col_ptr.data(), c.row_ind.data(), c.val.data(), ranks,
                               1, &bo, &o, nullptr, nullptr, nullptr),
            NMF_ERR_NULL_POINTER);
  {
    auto bad = c;
    bad.col_ptr[0] = 1;
    EXPECT_EQ(call(bad, 20, 12, &o), NMF_ERR_SPARSE_STRUCTURE);
    EXPECT_NE(std::string(nmf_last_error_message()).find("col_ptr[0]"), std::string::npos);
  }
  {
    auto bad = c;
    ASSERT_GE(bad.col_ptr[1], 2);
    std::swap(bad.row_ind[0], bad.row_ind[1]);
    EXPECT_EQ(call(bad, 20, 12, &o), NMF_ERR_SPARSE_STRUCTURE);
    EXPECT_NE(std::string(nmf_last_error_message()).find("not sorted"), std::string::npos);
  }
  {
    auto bad = c;
    bad.row_ind.back() = 20;
    EXPECT_EQ(call(bad, 20, 12, &o), NMF_ERR_SPARSE_STRUCTURE);
    EXPECT_NE(std::string(nmf_last_error_message()).find("out of range"), std::string::npos);
  }
  {
    auto bad = c;
    bad.val[3] = -1;
    EXPECT_EQ(call(bad, 20, 12, &o), NMF_ERR_NEGATIVE);
  }
  {
    auto bad = c;
    bad.val[3] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(call(bad, 20, 12, &o), NMF_ERR_NOT_FINITE);
  }
  const int64_t big[] = {7};  // floor(12 / 2) = 6
  EXPECT_EQ(nmf_bicv_csc_d_i32(20, 12, c.col_ptr.data(), c.row_ind.data(), c.val.data(), big, 1,
                               &bo, &o, err, nullptr, nullptr),
            NMF_ERR_RANK);
  EXPECT_NE(std::string(nmf_last_error_message()).find("rank 7"), std::string::npos);
  // Weights and missing values are for the whole matrix, not the folds.
  nmf_options ow = o;
  ow.missing = NMF_MISSING_UNSTORED;
  EXPECT_EQ(call(c, 20, 12, &ow), NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(nmf_last_error_message()).find("missing"), std::string::npos);
  std::vector<double> w(c.val.size(), 1.0);
  ow = o;
  ow.weights = w.data();
  EXPECT_EQ(call(c, 20, 12, &ow), NMF_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(nmf_bicv_dense_d(A.a.data(), 20, 12, 20, ranks, 1, &bo, &ow, err, nullptr, nullptr),
            NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(nmf_last_error_message()).find("weights"), std::string::npos);
}

// Kim & Park scores and selection, and max-contribution selection, against
// the formulas computed here.
TEST(Markers, KimAndMaxMatchDefinitions) {
  const int64_t m = 200, k = 4;
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> W(static_cast<size_t>(m * k));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t q = 0; q < k; ++q)
      // A few features specific to one component, the rest mixed.
      W[size_t(i + q * m)] = (i % 25 == 0) ? (q == (i / 25) % k ? 5 + u(rng) : 0.01 * u(rng)) : u(rng);
  std::vector<double> score(static_cast<size_t>(m));
  ASSERT_EQ(nmf_feature_scores(W.data(), m, k, m, NMF_FEATURES_KIM, score.data()), NMF_OK);
  std::vector<double> ref(static_cast<size_t>(m));
  for (int64_t i = 0; i < m; ++i) {
    double tot = 0, e = 0;
    for (int64_t q = 0; q < k; ++q) tot += W[size_t(i + q * m)];
    for (int64_t q = 0; q < k; ++q) {
      const double pq = W[size_t(i + q * m)] / tot;
      if (pq > 0) e += pq * std::log2(pq);
    }
    ref[size_t(i)] = 1 + e / std::log2(double(k));
    EXPECT_NEAR(score[size_t(i)], ref[size_t(i)], 1e-12);
  }
  auto median = [](std::vector<double> x) {
    std::sort(x.begin(), x.end());
    const size_t h = x.size() / 2;
    return x.size() % 2 ? x[h] : (x[h - 1] + x[h]) / 2;
  };
  const double med = median(ref);
  std::vector<double> dev;
  for (double v : ref) dev.push_back(std::fabs(v - med));
  const double thr = med + 3 * 1.4826 * median(dev);
  const double wmed = median(W);
  std::vector<int32_t> comp(static_cast<size_t>(m));
  int64_t count = -1;
  ASSERT_EQ(nmf_select_features(W.data(), m, k, m, NMF_FEATURES_KIM, comp.data(), &count), NMF_OK);
  int64_t expect_count = 0;
  for (int64_t i = 0; i < m; ++i) {
    int64_t qb = 0;
    for (int64_t q = 1; q < k; ++q)
      if (W[size_t(i + q * m)] > W[size_t(i + qb * m)]) qb = q;
    const bool sel = ref[size_t(i)] > thr && W[size_t(i + qb * m)] > wmed;
    EXPECT_EQ(comp[size_t(i)], sel ? int32_t(qb) : -1) << i;
    expect_count += sel;
  }
  EXPECT_EQ(count, expect_count);
  for (int64_t i = 0; i < m; i += 25)  // the planted specific features
    EXPECT_EQ(comp[size_t(i)], int32_t((i / 25) % k)) << i;
  // max: per component, the leading run of its top features that peak in it.
  ASSERT_EQ(nmf_select_features(W.data(), m, k, m, NMF_FEATURES_MAX, comp.data(), &count), NMF_OK);
  std::vector<int32_t> want(static_cast<size_t>(m), -1);
  for (int64_t q = 0; q < k; ++q) {
    std::vector<int64_t> idx(static_cast<size_t>(m));
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
      return W[size_t(a + q * m)] > W[size_t(b + q * m)];
    });
    for (int64_t i : idx) {
      int64_t qb = 0;
      for (int64_t r = 1; r < k; ++r)
        if (W[size_t(i + r * m)] > W[size_t(i + qb * m)]) qb = r;
      if (qb != q) break;
      want[size_t(i)] = int32_t(q);
    }
  }
  EXPECT_EQ(comp, want);
  ASSERT_EQ(nmf_feature_scores(W.data(), m, k, m, NMF_FEATURES_MAX, score.data()), NMF_OK);
  for (int64_t i = 0; i < m; ++i) {
    double mx = 0;
    for (int64_t q = 0; q < k; ++q) mx = std::max(mx, W[size_t(i + q * m)]);
    EXPECT_EQ(score[size_t(i)], mx);
  }
}

// Every bad argument gives its documented status and a message naming it.
// A multi-start spread over processes, seen from one process of three whose
// partners contribute nothing (the callbacks leave values as they are):
// process 1 runs runs 1 and 4 of 6 and only those, each as the serial
// multi-start runs it.
void keep(void*, double*, int64_t) {}
void keep_f(void*, float*, int64_t) {}
void keep_max(void*, double*) {}
void keep_status(void*, int32_t*, char*, int64_t) {}

nmf_collective lone_process(int32_t process, int32_t processes) {
  nmf_collective c;
  std::memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  c.n_global = -1;
  c.sum_d = keep;
  c.sum_f = keep_f;
  c.max_d = keep_max;
  c.agree = keep_status;
  c.process = process;
  c.processes = processes;
  return c;
}

TEST(ConsensusSpread, EachProcessRunsItsShareOnly) {
  const nt::Planted p = nt::planted(30, 12, 3, 5, 0.3, 0.2, false);
  const int64_t m = 30, n = 12, k = 3, nrun = 6;
  nmf_options o = nt::test_options();
  o.init = NMF_INIT_RANDOM;
  o.maxit = 40;
  ConsensusPtr all, part;
  ASSERT_EQ(nmf_consensus_dense_d(p.A.a.data(), m, n, m, k, nrun, &o, &all.p), NMF_OK);
  nmf_collective c = lone_process(1, 3);
  o.collective = &c;
  ASSERT_EQ(nmf_consensus_dense_d(p.A.a.data(), m, n, m, k, nrun, &o, &part.p), NMF_OK)
      << nmf_last_error_message();
  const nmf_consensus_info info = info_of(part.p);
  ASSERT_EQ(info.runs_done, 2);
  std::vector<int32_t> lab_all(static_cast<size_t>(n * nrun)), lab(static_cast<size_t>(n * 2));
  std::vector<double> loss_all(static_cast<size_t>(nrun)), loss(2);
  nmf_consensus_runs(all.p, lab_all.data(), loss_all.data());
  nmf_consensus_runs(part.p, lab.data(), loss.data());
  EXPECT_EQ(loss[0], loss_all[1]);
  EXPECT_EQ(loss[1], loss_all[4]);
  EXPECT_TRUE(std::equal(lab.begin(), lab.begin() + n, lab_all.begin() + n));
  EXPECT_TRUE(std::equal(lab.begin() + n, lab.end(), lab_all.begin() + 4 * n));
  EXPECT_EQ(info.best_run, loss_all[4] < loss_all[1] ? 4 : 1);
  EXPECT_EQ(info.best_loss, std::min(loss_all[1], loss_all[4]));

  // The collective's checks.
  ConsensusPtr none;
  nmf_collective bad = lone_process(3, 3);
  o.collective = &bad;
  EXPECT_EQ(nmf_consensus_dense_d(p.A.a.data(), m, n, m, k, nrun, &o, &none.p),
            NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(nmf_last_error_message()).find("process = 3"), std::string::npos);
  bad = lone_process(0, 2);
  bad.n_global = n;
  EXPECT_EQ(nmf_consensus_dense_d(p.A.a.data(), m, n, m, k, nrun, &o, &none.p),
            NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(nmf_last_error_message()).find("n_global = -1"), std::string::npos);
  bad = lone_process(0, 2);
  bad.struct_size = offsetof(nmf_collective, process);
  EXPECT_EQ(nmf_consensus_dense_d(p.A.a.data(), m, n, m, k, nrun, &o, &none.p),
            NMF_ERR_STRUCT_SIZE);
  EXPECT_EQ(none.p, nullptr);
  bad = lone_process(0, 1);
  std::vector<double> W(static_cast<size_t>(m * k)), H(static_cast<size_t>(k * n));
  EXPECT_EQ(nmf_fit_dense_d(p.A.a.data(), m, n, m, k, W.data(), nullptr, H.data(), &o, nullptr),
            NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(nmf_last_error_message()).find("spreads the runs"), std::string::npos);
}

TEST(ConsensusErrors, BadArguments) {
  const nt::Planted p = nt::planted(20, 10, 2, 1, 0.3, 0.1, false);
  const double* A = p.A.a.data();
  nmf_options o = nt::test_options();
  ConsensusPtr c;
  EXPECT_EQ(nmf_consensus_dense_d(A, 20, 10, 20, 2, 0, &o, &c.p), NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(nmf_last_error_message()).find("nrun"), std::string::npos);
  EXPECT_EQ(c.p, nullptr);
  EXPECT_EQ(nmf_consensus_dense_d(A, 20, 10, 20, 11, 3, &o, &c.p), NMF_ERR_RANK);
  EXPECT_NE(std::string(nmf_last_error_message()).find("min(m, n) = 10"), std::string::npos);
  EXPECT_EQ(nmf_consensus_dense_d(A, 20, 10, 20, 2, 3, &o, nullptr), NMF_ERR_NULL_POINTER);
  nmf_options ou = o;
  ou.user_w = 1;
  EXPECT_EQ(nmf_consensus_dense_d(A, 20, 10, 20, 2, 3, &ou, &c.p), NMF_ERR_INVALID_ARGUMENT);
  std::vector<double> neg(p.A.a);
  neg[5] = -1;
  EXPECT_EQ(nmf_consensus_dense_d(neg.data(), 20, 10, 20, 2, 3, &o, &c.p), NMF_ERR_NEGATIVE);

  nmf_survey_options so;
  nmf_survey_options_init(&so, sizeof so);
  SurveyPtr s;
  const int64_t ranks[] = {2, 11};
  EXPECT_EQ(nmf_survey_dense_d(A, 20, 10, 20, ranks, 0, &so, &o, &s.p), NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(nmf_last_error_message()).find("empty"), std::string::npos);
  EXPECT_EQ(nmf_survey_dense_d(A, 20, 10, 20, ranks, 2, &so, &o, &s.p), NMF_ERR_RANK);
  EXPECT_NE(std::string(nmf_last_error_message()).find("k = 11 exceeds min(m, n) = 10"), std::string::npos);
  so.nrun = 0;
  EXPECT_EQ(nmf_survey_dense_d(A, 20, 10, 20, ranks, 1, &so, &o, &s.p), NMF_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(s.p, nullptr);

  nmf_bicv_options bo;
  nmf_bicv_options_init(&bo, sizeof bo);
  double err[2];
  const int64_t big[] = {2, 6};  // floor(10 / 2) = 5
  EXPECT_EQ(nmf_bicv_dense_d(A, 20, 10, 20, big, 2, &bo, &o, err, nullptr, nullptr), NMF_ERR_RANK);
  EXPECT_NE(std::string(nmf_last_error_message()).find("rank 6"), std::string::npos);
  EXPECT_EQ(nmf_bicv_dense_d(A, 20, 10, 20, big, 0, &bo, &o, err, nullptr, nullptr),
            NMF_ERR_INVALID_ARGUMENT);
  bo.row_groups = 1;
  EXPECT_EQ(nmf_bicv_dense_d(A, 20, 10, 20, big, 1, &bo, &o, err, nullptr, nullptr),
            NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(nmf_last_error_message()).find("row_groups"), std::string::npos);

  std::vector<double> W(20 * 3, 1.0);
  std::vector<double> sc(20);
  EXPECT_EQ(nmf_feature_scores(W.data(), 20, 1, 20, NMF_FEATURES_KIM, sc.data()), NMF_ERR_RANK);
  EXPECT_EQ(nmf_feature_scores(W.data(), 20, 3, 20, 7, sc.data()), NMF_ERR_INVALID_ARGUMENT);
  W[4] = -2;
  EXPECT_EQ(nmf_feature_scores(W.data(), 20, 3, 20, NMF_FEATURES_MAX, sc.data()), NMF_ERR_NEGATIVE);
  int64_t r = -1, cl = -1;
  EXPECT_EQ(nmf_last_error_location(&r, &cl), 1);
  EXPECT_EQ(r, 4);
  EXPECT_EQ(cl, 0);
}

// The consensus of a CSC copy equals that of the dense matrix.
TEST(Consensus, SparseAndDenseAgree) {
  const Dense A = blocks(10, 15, 3, 0.0, 77);
  const nt::Csc<int32_t> S = nt::to_csc<int32_t>(A);
  nmf_options o = nt::test_options();
  o.init = NMF_INIT_RANDOM;
  ConsensusPtr cd, cs;
  ASSERT_EQ(nmf_consensus_dense_d(A.a.data(), A.m, 15, A.m, 3, 6, &o, &cd.p), NMF_OK);
  ASSERT_EQ(nmf_consensus_csc_d_i32(A.m, 15, S.col_ptr.data(), S.row_ind.data(), S.val.data(), 3,
                                    6, &o, &cs.p),
            NMF_OK);
  EXPECT_EQ(matrix_of(cd.p, 15), matrix_of(cs.p, 15));
}

}  // namespace
