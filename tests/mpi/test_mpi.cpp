// Distributed fits (nmf_mpi.h) against the serial fit of the whole matrix.
// Run under mpiexec with 1, 2 or 3 processes (tests/mpi/CMakeLists.txt).
// Every process builds the same matrix from a seed, keeps its block of
// columns, and also fits the whole matrix serially for reference.
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "nmf.h"
#include "nmf_mpi.h"

namespace {

int g_rank = 0, g_size = 1, g_failures = 0;
int64_t kComm = 0;  // MPI_COMM_WORLD's Fortran handle, set after MPI_Init

void check(bool ok, const std::string& what) {
  if (!ok) {
    ++g_failures;
    std::printf("not ok [process %d of %d] %s\n", g_rank, g_size, what.c_str());
  }
}

// A planted rank-r non-negative matrix plus noise; `sparsity` of the
// entries set to zero by a fixed pattern.
std::vector<double> planted(int64_t m, int64_t n, int64_t r, double sparsity) {
  uint64_t s = 88172645463325252ULL;
  auto next = [&] {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    return double(s >> 11) * 0x1.0p-53;
  };
  std::vector<double> w(static_cast<size_t>(m * r)), h(static_cast<size_t>(r * n)), a(static_cast<size_t>(m * n));
  for (auto& x : w) x = next();
  for (auto& x : h) x = next();
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < m; ++i) {
      double v = 0.05 * next();
      for (int64_t l = 0; l < r; ++l) v += w[static_cast<size_t>(i + l * m)] * h[static_cast<size_t>(l + j * r)];
      a[static_cast<size_t>(i + j * m)] = next() < sparsity ? 0.0 : v;
    }
  return a;
}

// Column blocks: uneven sizes, and with `empty` the last process gets none.
std::vector<int64_t> block_starts(int64_t n, bool empty) {
  const int parts = empty && g_size > 1 ? g_size - 1 : g_size;
  std::vector<int64_t> start(static_cast<size_t>(g_size) + 1, n);
  int64_t weight_total = 0;
  for (int p = 0; p < parts; ++p) weight_total += p + 1;
  int64_t acc = 0;
  for (int p = 0; p < parts; ++p) {
    start[static_cast<size_t>(p)] = acc * n / weight_total;
    acc += p + 1;
  }
  return start;  // process p holds [start[p], start[p + 1])
}

struct Csc {
  std::vector<int64_t> ptr;
  std::vector<int32_t> ind;
  std::vector<double> val;
};
Csc to_csc(const std::vector<double>& a, int64_t m, int64_t c0, int64_t c1) {
  Csc c;
  c.ptr.push_back(0);
  for (int64_t j = c0; j < c1; ++j) {
    for (int64_t i = 0; i < m; ++i)
      if (a[static_cast<size_t>(i + j * m)] != 0) {
        c.ind.push_back(int32_t(i));
        c.val.push_back(a[static_cast<size_t>(i + j * m)]);
      }
    c.ptr.push_back(int64_t(c.ind.size()));
  }
  return c;
}

template <class T>
double max_rel_diff(const std::vector<T>& a, const std::vector<T>& b) {
  double num = 0, den = 0;
  for (size_t t = 0; t < a.size(); ++t) {
    num = std::max(num, std::fabs(double(a[t]) - double(b[t])));
    den = std::max(den, std::fabs(double(a[t])));
  }
  return den > 0 ? num / den : num;
}

// Cluster of each column: the component with the largest H entry.
template <class T>
std::vector<int> membership(const T* h, int64_t k, int64_t n) {
  std::vector<int> out(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j)
    out[static_cast<size_t>(j)] = int(std::max_element(h + j * k, h + (j + 1) * k) - (h + j * k));
  return out;
}

// W must be bitwise the same on every process.
template <class T>
bool same_everywhere(const std::vector<T>& w) {
  std::vector<T> root(w);
  MPI_Bcast(root.data(), int(root.size() * sizeof(T)), MPI_BYTE, 0, MPI_COMM_WORLD);
  int same = std::memcmp(root.data(), w.data(), w.size() * sizeof(T)) == 0, all = 0;
  MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

nmf_options base_options() {
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.maxit = 150;
  o.tol = 0;  // a stop decided by the last bit of the loss would hide differences
  o.seed = 7;
  o.n_threads = 1;
  return o;
}

// A start for H (o.user_h): entry (r, j) from the global column j only.
template <class T>
void fill_start_h(T* h, int64_t k, int64_t c0, int64_t c1) {
  for (int64_t j = c0; j < c1; ++j)
    for (int64_t r = 0; r < k; ++r)
      h[r + (j - c0) * k] = T(0.1 + double((r * 31 + j * 17) % 11) / 11.0);
}

// Distributed fit of a's columns (dense or CSC, double or float) against
// the serial fit of the whole matrix (with `serial` options when given:
// what auto picks may differ).  A history of `o.maxit` losses that never
// increases is required when `monotone` (the multiplicative updates).
template <class T>
void compare_fit(const char* name, const std::vector<double>& a64, int64_t m,
                 int64_t n, int64_t k, bool sparse, bool empty,
                 const nmf_options& o, double loss_tol,
                 const nmf_options* serial = nullptr, bool monotone = false) {
  const std::vector<int64_t> st = block_starts(n, empty);
  const int64_t c0 = st[static_cast<size_t>(g_rank)], c1 = st[static_cast<size_t>(g_rank) + 1], nl = c1 - c0;
  std::vector<T> a(a64.begin(), a64.end());
  const nmf_options& os = serial ? *serial : o;
  // Serial reference.
  std::vector<T> W0(static_cast<size_t>(m * k)), d0(static_cast<size_t>(k)), H0(static_cast<size_t>(k * n));
  if (o.user_h) fill_start_h(H0.data(), k, 0, n);
  nmf_result r0;
  nmf_result_init(&r0, sizeof r0);
  int32_t rc0;
  if constexpr (sizeof(T) == 8)
    rc0 = nmf_fit_dense_d(a.data(), m, n, m, k, W0.data(), d0.data(), H0.data(), &os, &r0);
  else
    rc0 = nmf_fit_dense_f(a.data(), m, n, m, k, W0.data(), d0.data(), H0.data(), &os, &r0);
  check(rc0 == NMF_OK, std::string(name) + ": serial fit failed: " + nmf_last_error_message());
  // Distributed.
  std::vector<T> W(static_cast<size_t>(m * k)), d(static_cast<size_t>(k)), H(static_cast<size_t>(k * std::max<int64_t>(nl, 1)));
  if (o.user_h) fill_start_h(H.data(), k, c0, c1);
  std::vector<double> history(static_cast<size_t>(o.maxit));
  nmf_result r;
  nmf_result_init(&r, sizeof r);
  r.loss_history = history.data();
  r.loss_history_capacity = o.maxit;
  int32_t rc;
  if (sparse) {
    Csc c = to_csc(a64, m, c0, c1);
    std::vector<T> val(c.val.begin(), c.val.end());
    if constexpr (sizeof(T) == 8)
      rc = nmf_mpi_fit_csc_d_i32(kComm, m, nl, c.ptr.data(), c.ind.data(), val.data(), k,
                                 W.data(), d.data(), H.data(), &o, &r);
    else
      rc = nmf_mpi_fit_csc_f_i32(kComm, m, nl, c.ptr.data(), c.ind.data(), val.data(), k,
                                 W.data(), d.data(), H.data(), &o, &r);
  } else {
    const T* block = a.data() + c0 * m;
    if constexpr (sizeof(T) == 8)
      rc = nmf_mpi_fit_dense_d(kComm, block, m, nl, m, k, W.data(), d.data(), H.data(), &o, &r);
    else
      rc = nmf_mpi_fit_dense_f(kComm, block, m, nl, m, k, W.data(), d.data(), H.data(), &o, &r);
  }
  check(rc == NMF_OK, std::string(name) + ": distributed fit failed: " + nmf_last_error_message());
  if (rc != NMF_OK || rc0 != NMF_OK) return;
  const double rel = std::fabs(r.loss - r0.loss) / r0.loss;
  check(rel <= loss_tol, std::string(name) + ": loss " + std::to_string(r.loss) + " vs serial " +
                             std::to_string(r0.loss) + " (relative " + std::to_string(rel) + ")");
  check(r.iterations == r0.iterations, std::string(name) + ": iteration counts differ");
  check(r.solver == r0.solver, std::string(name) + ": solvers differ: " + std::to_string(r.solver) +
                                   " vs serial " + std::to_string(r0.solver));
  if (monotone) {
    bool down = r.history_length == o.maxit;
    for (int64_t t = 1; t < r.history_length; ++t)
      down = down && history[static_cast<size_t>(t)] <= history[static_cast<size_t>(t - 1)] * (1 + 1e-12);
    check(down, std::string(name) + ": the loss increased (or the history is short)");
    check(same_everywhere(history), std::string(name) + ": loss histories differ between processes");
  }
  check(same_everywhere(W), std::string(name) + ": W differs between processes");
  check(same_everywhere(d), std::string(name) + ": d differs between processes");
  std::vector<int> mine = membership(H.data(), k, nl);
  std::vector<int> ref = membership(H0.data() + c0 * k, k, nl);
  check(mine == ref, std::string(name) + ": cluster memberships differ from the serial fit");
  for (T x : H) check(x >= 0 && std::isfinite(double(x)), std::string(name) + ": bad H entry");
  const double wdiff = max_rel_diff(W0, W);
  check(wdiff <= 1e3 * loss_tol, std::string(name) + ": W differs from serial by " + std::to_string(wdiff));
}

// nmf_mpi_fit over an nmf_matrix gives the bits of the typed function it
// replaces, dense and CSC, double and float.
void descriptor_entry_point() {
  const int64_t m = 20, n = 12, k = 2;
  const std::vector<double> a = planted(m, n, k, 0.3);
  const std::vector<int64_t> st = block_starts(n, false);
  const int64_t c0 = st[static_cast<size_t>(g_rank)], nl = st[static_cast<size_t>(g_rank) + 1] - c0;
  const Csc c = to_csc(a, m, c0, c0 + nl);
  const std::vector<float> af(a.begin(), a.end()), vf(c.val.begin(), c.val.end());
  const nmf_options o = base_options();
  for (int which = 0; which < 2; ++which) {
    // Outputs of both types in doubles' room.
    std::vector<double> W[2], d[2], H[2];
    int32_t rc[2];
    for (int t = 0; t < 2; ++t) {
      W[t].assign(static_cast<size_t>(m * k), 0.0);
      d[t].assign(static_cast<size_t>(k), 0.0);
      H[t].assign(static_cast<size_t>(k * std::max<int64_t>(nl, 1)), 0.0);
    }
    nmf_matrix desc;
    if (which == 0) {
      nmf_matrix_dense(&desc, sizeof desc, NMF_SCALAR_DOUBLE, a.data() + c0 * m, m, nl, m);
      rc[1] = nmf_mpi_fit_dense_d(kComm, a.data() + c0 * m, m, nl, m, k, W[1].data(),
                                  d[1].data(), H[1].data(), &o, nullptr);
    } else {
      nmf_matrix_csc(&desc, sizeof desc, NMF_SCALAR_FLOAT, NMF_INDEX_I32, m, nl, c.ptr.data(),
                     c.ind.data(), vf.data());
      rc[1] = nmf_mpi_fit_csc_f_i32(kComm, m, nl, c.ptr.data(), c.ind.data(), vf.data(), k,
                                    reinterpret_cast<float*>(W[1].data()),
                                    reinterpret_cast<float*>(d[1].data()),
                                    reinterpret_cast<float*>(H[1].data()), &o, nullptr);
    }
    rc[0] = nmf_mpi_fit(kComm, &desc, k, W[0].data(), d[0].data(), H[0].data(), &o, nullptr);
    const std::string name = which == 0 ? "nmf_mpi_fit dense double" : "nmf_mpi_fit CSC float";
    check(rc[0] == NMF_OK && rc[1] == NMF_OK, name + ": status " + std::to_string(rc[0]) +
                                                  ", typed " + std::to_string(rc[1]));
    auto same = [](const std::vector<double>& x, const std::vector<double>& y) {
      return std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
    };
    check(same(W[0], W[1]) && same(d[0], d[1]) && same(H[0], H[1]),
          name + ": not the bits of the typed function");
  }
}

// A bad value on the last process only: every process returns the same
// error, naming that process.
void bad_input_on_one_process() {
  const int64_t m = 20, n = 12, k = 2;
  std::vector<double> a = planted(m, n, k, 0.0);
  const std::vector<int64_t> st = block_starts(n, false);
  const int64_t c0 = st[static_cast<size_t>(g_rank)], nl = st[static_cast<size_t>(g_rank) + 1] - c0;
  std::vector<double> block(a.begin() + c0 * m, a.begin() + (c0 + nl) * m);
  if (g_rank == g_size - 1) block[3] = -1.0;  // row 4 of its first column
  std::vector<double> W(static_cast<size_t>(m * k)), d(static_cast<size_t>(k)), H(static_cast<size_t>(k * nl));
  nmf_options o = base_options();
  const int32_t rc = nmf_mpi_fit_dense_d(kComm, block.data(), m, nl, m, k, W.data(), d.data(),
                                         H.data(), &o, nullptr);
  check(rc == NMF_ERR_NEGATIVE, "bad input: status " + std::to_string(rc));
  const std::string msg = nmf_last_error_message();
  const std::string who = "process " + std::to_string(g_size - 1) + " of " + std::to_string(g_size);
  check(msg.find(who) != std::string::npos, "bad input: message does not name the process: " + msg);
  check(msg.find("global column " + std::to_string(c0 + 1)) != std::string::npos || g_rank != g_size - 1,
        "bad input: message lacks the global column: " + msg);
  // The same message everywhere.
  std::vector<char> root(msg.begin(), msg.end());
  root.resize(512, 0);
  std::vector<char> mine(root);
  MPI_Bcast(root.data(), 512, MPI_CHAR, 0, MPI_COMM_WORLD);
  check(root == mine, "bad input: processes report different messages");

  // k beyond min(m, n_global) while within this process's... everywhere.
  o = base_options();
  std::vector<double> Wb(static_cast<size_t>(m * (n + 1)));
  std::vector<double> Hb(static_cast<size_t>((n + 1) * std::max<int64_t>(nl, 1))), db(static_cast<size_t>(n + 1));
  const int32_t rk = nmf_mpi_fit_dense_d(kComm, a.data() + c0 * m, m, nl, m, n + 1, Wb.data(),
                                         db.data(), Hb.data(), &o, nullptr);
  check(rk == NMF_ERR_RANK, "k > n_global: status " + std::to_string(rk));
  // NNDSVD is not available distributed: the same clear error everywhere.
  o.init = NMF_INIT_NNDSVD;
  const int32_t ri = nmf_mpi_fit_dense_d(kComm, a.data() + c0 * m, m, nl, m, k, W.data(),
                                         d.data(), H.data(), &o, nullptr);
  check(ri == NMF_ERR_INVALID_ARGUMENT, "nndsvd distributed: status " + std::to_string(ri));
  // KL coordinate descent is serial only: the same clear error everywhere,
  // naming the solver to use instead.
  o = base_options();
  o.loss = NMF_LOSS_KL;
  o.solver = NMF_SOLVER_CD;
  const int32_t rl = nmf_mpi_fit_dense_d(kComm, a.data() + c0 * m, m, nl, m, k, W.data(),
                                         d.data(), H.data(), &o, nullptr);
  const std::string cd_msg = nmf_last_error_message();
  check(rl == NMF_ERR_INVALID_ARGUMENT && cd_msg.find("solver cd") != std::string::npos &&
            cd_msg.find("use solver mu") != std::string::npos,
        "KL CD distributed: status " + std::to_string(rl) + ": " + cd_msg);
  // Missing values stay serial only, for KL too.
  o = base_options();
  o.loss = NMF_LOSS_KL;
  o.missing = NMF_MISSING_NAN;
  const int32_t rm = nmf_mpi_fit_dense_d(kComm, a.data() + c0 * m, m, nl, m, k, W.data(),
                                         d.data(), H.data(), &o, nullptr);
  check(rm == NMF_ERR_INVALID_ARGUMENT &&
            std::string(nmf_last_error_message()).find("missing values") != std::string::npos,
        "KL with missing values distributed: status " + std::to_string(rm));
  // A negative entry on the last process only, for the KL fit: the same
  // error on every process.
  o = base_options();
  o.loss = NMF_LOSS_KL;
  const int32_t rn = nmf_mpi_fit_dense_d(kComm, block.data(), m, nl, m, k, W.data(), d.data(),
                                         H.data(), &o, nullptr);
  const std::string kl_msg = nmf_last_error_message();
  check(rn == NMF_ERR_NEGATIVE && kl_msg.find(who) != std::string::npos,
        "KL bad input: status " + std::to_string(rn) + ": " + kl_msg);
  std::vector<char> kl_root(kl_msg.begin(), kl_msg.end());
  kl_root.resize(512, 0);
  std::vector<char> kl_mine(kl_root);
  MPI_Bcast(kl_root.data(), 512, MPI_CHAR, 0, MPI_COMM_WORLD);
  check(kl_root == kl_mine, "KL bad input: processes report different messages");
  // Itakura-Saito (beta = 0) needs A > 0: a zero on the last process only
  // is found in the divergence path, and agreed the same way.
  std::vector<double> zero_block(a.begin() + c0 * m, a.begin() + (c0 + nl) * m);
  if (g_rank == g_size - 1) zero_block[5] = 0.0;  // row 6 of its first column
  o = base_options();
  o.loss = NMF_LOSS_BETA;
  o.beta = 0;
  const int32_t rz = nmf_mpi_fit_dense_d(kComm, zero_block.data(), m, nl, m, k, W.data(),
                                         d.data(), H.data(), &o, nullptr);
  const std::string is_msg = nmf_last_error_message();
  check(rz == NMF_ERR_INVALID_ARGUMENT && is_msg.find(who) != std::string::npos &&
            (g_rank != g_size - 1 ||
             is_msg.find("global column " + std::to_string(c0 + 1)) != std::string::npos),
        "IS zero on one process: status " + std::to_string(rz) + ": " + is_msg);
  std::vector<char> is_root(is_msg.begin(), is_msg.end());
  is_root.resize(512, 0);
  std::vector<char> is_mine(is_root);
  MPI_Bcast(is_root.data(), 512, MPI_CHAR, 0, MPI_COMM_WORLD);
  check(is_root == is_mine, "IS zero on one process: processes report different messages");
}

// Projection with W fixed: H of each block equals the serial projection.
// (Frobenius: the exact NNLS solve; KL: maxit multiplicative updates of H.)
void projection(int32_t loss) {
  const std::string name = loss == NMF_LOSS_KL ? "KL projection: " : "projection: ";
  const int64_t m = 40, n = 25, k = 3;
  std::vector<double> a = planted(m, n, k, 0.2);
  const std::vector<int64_t> st = block_starts(n, true);
  const int64_t c0 = st[static_cast<size_t>(g_rank)], nl = st[static_cast<size_t>(g_rank) + 1] - c0;
  std::vector<double> W(static_cast<size_t>(m * k));
  for (size_t t = 0; t < W.size(); ++t) W[t] = 0.1 + double((t * 7919) % 13) / 13.0;
  nmf_options o = base_options();
  o.fix_w = 1;
  o.loss = loss;
  if (loss == NMF_LOSS_KL) o.solver = NMF_SOLVER_MU;  // as auto picks
  std::vector<double> W0(W), d0(static_cast<size_t>(k)), H0(static_cast<size_t>(k * n));
  const int32_t rc0 = nmf_fit_dense_d(a.data(), m, n, m, k, W0.data(), d0.data(), H0.data(), &o, nullptr);
  check(rc0 == NMF_OK, name + "serial: " + nmf_last_error_message());
  std::vector<double> W1(W), d1(static_cast<size_t>(k)), H1(static_cast<size_t>(k * std::max<int64_t>(nl, 1)));
  const int32_t rc = nmf_mpi_fit_dense_d(kComm, a.data() + c0 * m, m, nl, m, k, W1.data(),
                                         d1.data(), H1.data(), &o, nullptr);
  check(rc == NMF_OK, name + nmf_last_error_message());
  std::vector<double> ref(H0.begin() + c0 * k, H0.begin() + (c0 + nl) * k);
  H1.resize(static_cast<size_t>(k * nl));
  check(max_rel_diff(ref, H1) <= 1e-12, name + "H differs from the serial projection by " + std::to_string(max_rel_diff(ref, H1)));
}

// The divergence path's multiplicative updates, distributed: KL (Lee &
// Seung / Brunet), other betas, Frobenius by MU.
void divergence_fits(const std::vector<double>& dense, const std::vector<double>& sparse,
                     int64_t m, int64_t n, int64_t k) {
  nmf_options kl = base_options();
  kl.loss = NMF_LOSS_KL;
  kl.solver = NMF_SOLVER_MU;
  compare_fit<double>("KL MU dense double, uneven blocks", dense, m, n, k, false, false, kl,
                      1e-9, nullptr, true);
  compare_fit<double>("KL MU dense double, one empty block", dense, m, n, k, false, true, kl,
                      1e-9, nullptr, true);
  compare_fit<double>("KL MU CSC double, one empty block", sparse, m, n, k, true, true, kl,
                      1e-9, nullptr, true);
  compare_fit<double>("KL MU CSC double, uneven blocks", sparse, m, n, k, true, false, kl,
                      1e-9, nullptr, true);
  compare_fit<float>("KL MU dense float", dense, m, n, k, false, false, kl, 1e-5);
  compare_fit<float>("KL MU dense float, one empty block", dense, m, n, k, false, true, kl, 1e-5);
  compare_fit<float>("KL MU CSC float, one empty block", sparse, m, n, k, true, true, kl, 1e-5);
  nmf_options kl_threads = kl;
  kl_threads.n_threads = 2;  // the row blocks of W's sums spread over threads
  compare_fit<double>("KL MU CSC double, 2 threads", sparse, m, n, k, true, false, kl_threads,
                      1e-9, &kl, true);
  // auto: MU for KL in a distributed fit, as in a serial one.
  nmf_options kl_auto = base_options();
  kl_auto.loss = NMF_LOSS_KL;
  compare_fit<double>("KL auto CSC double", sparse, m, n, k, true, false, kl_auto, 1e-9, &kl,
                      true);
  nmf_options kl_pen = kl;
  kl_pen.l1_h = 0.05;
  kl_pen.l2_w = 0.1;
  compare_fit<double>("KL MU dense double with penalties", dense, m, n, k, false, true, kl_pen,
                      1e-9, nullptr, true);
  nmf_options kl_tol = kl;
  kl_tol.tol = 1e-4;
  kl_tol.maxit = 2000;
  compare_fit<double>("KL MU dense double, stop on tol", dense, m, n, k, false, false, kl_tol,
                      1e-9);
  nmf_options kl_h = kl;
  kl_h.user_h = 1;
  compare_fit<double>("KL MU CSC double from a given H", sparse, m, n, k, true, true, kl_h,
                      1e-9, nullptr, true);
  nmf_options beta = base_options();
  beta.loss = NMF_LOSS_BETA;
  beta.beta = 0.5;
  compare_fit<double>("beta 0.5 dense double", dense, m, n, k, false, true, beta, 1e-9,
                      nullptr, true);
  compare_fit<double>("beta 0.5 CSC double", sparse, m, n, k, true, false, beta, 1e-9,
                      nullptr, true);
  beta.beta = 0;
  compare_fit<double>("Itakura-Saito dense double", dense, m, n, k, false, false, beta, 1e-9,
                      nullptr, true);
  nmf_options fro_mu = base_options();
  fro_mu.solver = NMF_SOLVER_MU;
  compare_fit<double>("Frobenius MU dense double", dense, m, n, k, false, true, fro_mu, 1e-9,
                      nullptr, true);
  compare_fit<double>("Frobenius MU CSC double", sparse, m, n, k, true, false, fro_mu, 1e-9,
                      nullptr, true);
  compare_fit<float>("Frobenius MU CSC float", sparse, m, n, k, true, true, fro_mu, 1e-5);
  compare_fit<float>("Frobenius MU dense float", dense, m, n, k, false, true, fro_mu, 1e-5);
}


// ---- Multi-starts spread over the processes (nmf_mpi_collective_runs).

// Everything a consensus handle reports, as doubles, for comparison.
std::vector<double> contents(const nmf_consensus* c) {
  nmf_consensus_info i;
  i.struct_size = sizeof i;
  nmf_consensus_get_info(c, &i);
  std::vector<double> v = {double(i.best_stop_reason), double(i.m), double(i.n), double(i.k),
                           double(i.nrun), double(i.runs_done), double(i.best_run),
                           double(i.best_iterations), i.best_loss, i.rel_error, i.rss, i.evar,
                           i.cophenetic, i.dispersion, i.silhouette};
  const int64_t m = i.m, n = i.n, k = i.k, runs = i.runs_done;
  auto add = [&v](const auto& x) { v.insert(v.end(), x.begin(), x.end()); };
  std::vector<double> C(static_cast<size_t>(n * n));
  nmf_consensus_matrix(c, C.data(), n);
  add(C);
  std::vector<int32_t> cl(static_cast<size_t>(n)), best(static_cast<size_t>(n)), labels(static_cast<size_t>(runs * n));
  nmf_consensus_labels(c, cl.data(), best.data());
  add(cl);
  add(best);
  std::vector<double> sil(static_cast<size_t>(n)), height(static_cast<size_t>(n - 1)), W(static_cast<size_t>(m * k)), d(static_cast<size_t>(k)),
      H(static_cast<size_t>(k * n)), loss(static_cast<size_t>(runs));
  nmf_consensus_silhouette(c, sil.data());
  add(sil);
  std::vector<int64_t> merge(static_cast<size_t>(2 * (n - 1))), order(static_cast<size_t>(n));
  nmf_consensus_tree(c, merge.data(), height.data(), order.data());
  add(merge);
  add(height);
  add(order);
  nmf_consensus_best_fit(c, W.data(), d.data(), H.data());
  add(W);
  add(d);
  add(H);
  nmf_consensus_runs(c, labels.data(), loss.data());
  add(labels);
  add(loss);
  return v;
}

// Bitwise equality of two handles' contents (NaN equal to NaN).
bool same_contents(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

nmf_collective runs_collective() {
  nmf_collective c;
  check(nmf_mpi_collective_runs(&c, kComm) == NMF_OK, "nmf_mpi_collective_runs failed");
  check(c.n_global == -1 && c.process == g_rank && c.processes == g_size,
        "nmf_mpi_collective_runs: wrong fields");
  return c;
}

// A consensus spread over the processes equals the serial one exactly (every
// run is the same wherever it runs), on every process; nrun is not a
// multiple of the process count, and with 3 processes one has fewer runs.
void spread_consensus() {
  const int64_t m = 30, n = 16, k = 3, nrun = 7;
  const std::vector<double> a = planted(m, n, k, 0.0);
  nmf_options o = base_options();
  o.maxit = 60;
  nmf_consensus* serial = nullptr;
  check(nmf_consensus_dense_d(a.data(), m, n, m, k, nrun, &o, &serial) == NMF_OK,
        std::string("serial consensus: ") + nmf_last_error_message());
  nmf_collective coll = runs_collective();
  o.collective = &coll;
  nmf_consensus* spread = nullptr;
  check(nmf_consensus_dense_d(a.data(), m, n, m, k, nrun, &o, &spread) == NMF_OK,
        std::string("spread consensus: ") + nmf_last_error_message());
  if (serial && spread) {
    const std::vector<double> mine = contents(spread);
    check(same_contents(contents(serial), mine), "spread consensus differs from the serial one");
    check(same_everywhere(mine), "spread consensus differs between processes");
  }
  nmf_consensus_free(serial);
  nmf_consensus_free(spread);

  // More processes than runs: a process without runs still takes part.
  o.collective = nullptr;
  check(nmf_consensus_dense_d(a.data(), m, n, m, k, 2, &o, &serial) == NMF_OK, "serial nrun 2");
  o.collective = &coll;
  check(nmf_consensus_dense_d(a.data(), m, n, m, k, 2, &o, &spread) == NMF_OK,
        std::string("spread nrun 2: ") + nmf_last_error_message());
  if (serial && spread)
    check(same_contents(contents(serial), contents(spread)), "spread nrun 2 differs from serial");
  nmf_consensus_free(serial);
  nmf_consensus_free(spread);
}

// A rank survey with the row-permuted null, CSC float, spread: every rank's
// consensus of the data and of the null copy equals the serial one.
void spread_survey() {
  const int64_t m = 36, n = 18;
  const std::vector<double> a64 = planted(m, n, 3, 0.3);
  const Csc c = to_csc(a64, m, 0, n);
  const std::vector<float> val(c.val.begin(), c.val.end());
  const std::vector<int64_t> ranks = {2, 3, 4};
  nmf_survey_options so;
  nmf_survey_options_init(&so, sizeof so);
  so.nrun = 5;
  so.randomized = 1;
  nmf_options o = base_options();
  o.maxit = 50;
  o.solver = NMF_SOLVER_HALS;
  nmf_survey *serial = nullptr, *spread = nullptr;
  check(nmf_survey_csc_f_i32(m, n, c.ptr.data(), c.ind.data(), val.data(), ranks.data(), 3, &so,
                             &o, &serial) == NMF_OK,
        std::string("serial survey: ") + nmf_last_error_message());
  nmf_collective coll = runs_collective();
  o.collective = &coll;
  check(nmf_survey_csc_f_i32(m, n, c.ptr.data(), c.ind.data(), val.data(), ranks.data(), 3, &so,
                             &o, &spread) == NMF_OK,
        std::string("spread survey: ") + nmf_last_error_message());
  if (serial && spread)
    for (int r = 0; r < 2; ++r)
      for (int64_t q = 0; q < 3; ++q) {
        const std::vector<double> mine = contents(nmf_survey_get(spread, q, r));
        const std::string what = "survey k = " + std::to_string(ranks[size_t(q)]) +
                                 (r ? " (null copy)" : "");
        check(same_contents(contents(nmf_survey_get(serial, q, r)), mine),
              what + ": spread differs from serial");
        check(same_everywhere(mine), what + ": differs between processes");
      }
  nmf_survey_free(serial);
  nmf_survey_free(spread);
}

int32_t stop_after_first_run(int64_t done, int64_t, double, double, void*) {
  return g_rank == 0 && done >= 1 ? 1 : 0;
}

// Errors and stops of a spread multi-start: the same outcome on every
// process, never a hang.
void spread_errors() {
  const int64_t m = 20, n = 12, k = 2;
  std::vector<double> a = planted(m, n, k, 0.0);
  nmf_collective coll = runs_collective();
  nmf_options o = base_options();
  o.maxit = 30;
  o.collective = &coll;
  auto same_status = [](int32_t rc, const std::string& what) {
    int lo = rc, hi = rc;
    MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    check(lo == hi, what + ": processes returned different statuses");
  };
  nmf_consensus* out = nullptr;
  // A negative entry on the last process only (||A||_F is unchanged, so the
  // fit's own check finds it, on that process's runs).
  std::vector<double> bad(a);
  if (g_rank == g_size - 1) bad[5] = -bad[5];
  int32_t rc = nmf_consensus_dense_d(bad.data(), m, n, m, k, 6, &o, &out);
  check(rc == NMF_ERR_NEGATIVE && out == nullptr,
        "negative entry on one process: status " + std::to_string(rc));
  same_status(rc, "negative entry on one process");
  // A different seed on one process: refused on all.
  if (g_size > 1) {
    nmf_options other = o;
    if (g_rank == 1) other.seed = 8;
    rc = nmf_consensus_dense_d(a.data(), m, n, m, k, 4, &other, &out);
    check(rc == NMF_ERR_INVALID_ARGUMENT && out == nullptr,
          "different seeds: status " + std::to_string(rc));
    // Different rank lists in a survey.
    const int64_t r1[] = {2, 3}, r2[] = {2, 4};
    nmf_survey* s = nullptr;
    rc = nmf_survey_dense_d(a.data(), m, n, m, g_rank == 1 ? r2 : r1, 2, nullptr, &o, &s);
    check(rc == NMF_ERR_INVALID_ARGUMENT && s == nullptr,
          "different rank lists: status " + std::to_string(rc));
  }
  // A NULL matrix on the first process: the same error on all.
  rc = nmf_consensus_dense_d(g_rank == 0 ? nullptr : a.data(), m, n, m, k, 4, &o, &out);
  check(rc != NMF_OK && out == nullptr, "NULL A on one process: status " + std::to_string(rc));
  same_status(rc, "NULL A on one process");
  // A stop asked on process 0 after its first run stops every process.
  nmf_options stop = o;
  stop.progress = stop_after_first_run;
  rc = nmf_consensus_dense_d(a.data(), m, n, m, k, 40, &stop, &out);
  check(rc == NMF_CANCELLED, "stop on process 0: status " + std::to_string(rc));
  if (out) {
    const std::vector<double> mine = contents(out);
    check(same_everywhere(mine), "cancelled consensus differs between processes");
    check(mine[5] >= 1 && mine[5] < 40, "cancelled consensus: runs_done " + std::to_string(mine[5]));
  }
  nmf_consensus_free(out);
  // The two kinds of collective are not interchangeable.
  std::vector<double> W(static_cast<size_t>(m * k)), d(static_cast<size_t>(k)), H(static_cast<size_t>(k * n));
  rc = nmf_fit_dense_d(a.data(), m, n, m, k, W.data(), d.data(), H.data(), &o, nullptr);
  check(rc == NMF_ERR_INVALID_ARGUMENT, "fit with a runs collective: status " + std::to_string(rc));
  nmf_collective cols;
  nmf_mpi_collective_init(&cols, kComm, n);
  o.collective = &cols;
  rc = nmf_consensus_dense_d(a.data(), m, n, m, k, 4, &o, &out);
  check(rc == NMF_ERR_INVALID_ARGUMENT && out == nullptr,
        "consensus with a column collective: status " + std::to_string(rc));
}

}  // namespace

// With --die: the last process exits in the middle of a fit (from the
// progress callback at iteration 5) while the others wait in a reduction;
// the job must end (mpiexec's exit status non-zero), not hang.
int die_at_iteration(int64_t it, int64_t, double, double, void*) {
  if (it == 5 && g_rank == g_size - 1) _exit(3);
  return 0;
}

void die_in_the_middle() {
  const int64_t m = 40, n = 30, k = 3;
  std::vector<double> a = planted(m, n, k, 0.0);
  const std::vector<int64_t> st = block_starts(n, false);
  const int64_t c0 = st[static_cast<size_t>(g_rank)], nl = st[static_cast<size_t>(g_rank) + 1] - c0;
  std::vector<double> W(static_cast<size_t>(m * k)), d(static_cast<size_t>(k)),
      H(static_cast<size_t>(k * std::max<int64_t>(nl, 1)));
  nmf_options o = base_options();
  o.maxit = 100000;
  o.progress = die_at_iteration;
  nmf_mpi_fit_dense_d(kComm, a.data() + c0 * m, m, nl, m, k, W.data(), d.data(), H.data(), &o,
                      nullptr);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  kComm = MPI_Comm_c2f(MPI_COMM_WORLD);
  if (argc > 1 && std::strcmp(argv[1], "--die") == 0) {
    die_in_the_middle();
    MPI_Finalize();
    return 0;  // not reached by the job as a whole: its status is the dead process's
  }
  const int64_t m = 60, n = 47, k = 4;
  const std::vector<double> dense = planted(m, n, k, 0.0);
  const std::vector<double> sparse = planted(m, n, k, 0.6);
  nmf_options o = base_options();
  compare_fit<double>("dense double, uneven blocks", dense, m, n, k, false, false, o, 1e-9);
  compare_fit<double>("dense double, one empty block", dense, m, n, k, false, true, o, 1e-9);
  compare_fit<double>("CSC double, one empty block", sparse, m, n, k, true, true, o, 1e-9);
  // float: the reductions' different summation order changes last bits that
  // 150 iterations amplify somewhat.
  compare_fit<float>("dense float", dense, m, n, k, false, false, o, 1e-3);
  compare_fit<float>("CSC float", sparse, m, n, k, true, false, o, 1e-3);
  nmf_options hals = base_options();
  hals.solver = NMF_SOLVER_HALS;
  compare_fit<double>("dense double, HALS", dense, m, n, k, false, true, hals, 1e-9);
  nmf_options smooth = base_options();
  smooth.ns_theta = 0.3;
  smooth.sparse_h = 0.01;
  compare_fit<double>("CSC double, nsNMF and sparse H", sparse, m, n, k, true, false, smooth, 1e-9);
  nmf_options pen = base_options();
  pen.l1_h = 0.05;
  pen.l2_w = 0.1;
  compare_fit<double>("dense double with penalties", dense, m, n, k, false, false, pen, 1e-9);
  nmf_options conv = base_options();
  conv.tol = 1e-6;
  conv.maxit = 500;
  compare_fit<double>("dense double, stop on tol", dense, m, n, k, false, false, conv, 1e-9);
  divergence_fits(dense, sparse, m, n, k);
  bad_input_on_one_process();
  descriptor_entry_point();
  projection(NMF_LOSS_FROBENIUS);
  projection(NMF_LOSS_KL);
  spread_consensus();
  spread_survey();
  spread_errors();
  int total = 0;
  MPI_Allreduce(&g_failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (g_rank == 0)
    std::printf("%s: %d processes, %d failed checks\n", total ? "FAIL" : "PASS", g_size, total);
  MPI_Finalize();
  return total ? 1 : 0;
}
