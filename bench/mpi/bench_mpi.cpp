// Time per iteration and bytes communicated per iteration of the
// distributed fit (nmf_mpi.h) on a single-cell-like sparse matrix that each
// process generates for its own block of columns.
//   mpiexec -np P bench_mpi M N_TOTAL DENSITY K ITERATIONS [float] [kl]
// (kl: the KL loss, by the multiplicative updates that auto picks for a
// distributed KL fit; otherwise the Frobenius loss with the default
// solver.)  Prints one line per run from process 0.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "nmf.h"
#include "nmf_mpi.h"

namespace {

// Counts what this process hands to the reductions of the wrapped
// collective (libnmf_mpi's), in bytes.
struct Counting {
  nmf_collective inner;
  double bytes = 0;
};
void sum_d(void* ctx, double* x, int64_t len) {
  auto* c = static_cast<Counting*>(ctx);
  c->bytes += double(len) * sizeof(double);
  c->inner.sum_d(c->inner.ctx, x, len);
}
void sum_f(void* ctx, float* x, int64_t len) {
  auto* c = static_cast<Counting*>(ctx);
  c->bytes += double(len) * sizeof(float);
  c->inner.sum_f(c->inner.ctx, x, len);
}
void max_d(void* ctx, double* x) {
  auto* c = static_cast<Counting*>(ctx);
  c->bytes += sizeof(double);
  c->inner.max_d(c->inner.ctx, x);
}
void agree(void* ctx, int32_t* code, char* msg, int64_t cap) {
  auto* c = static_cast<Counting*>(ctx);
  c->inner.agree(c->inner.ctx, code, msg, cap);
}

// Column j of a counts matrix from 20 gene programs: each cell mixes two
// programs; entries are Poisson-like counts, log1p-transformed; about
// `density` of the entries are non-zero.  Depends on j only (not on P).
template <class T>
void make_column(int64_t m, int64_t j, double density, std::vector<int64_t>& ptr,
                 std::vector<int32_t>& ind, std::vector<T>& val) {
  uint64_t s = 0x9E3779B97F4A7C15ULL * uint64_t(j + 1);
  auto next = [&] {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    return double((s * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
  };
  const int64_t p1 = int64_t(next() * 20), p2 = int64_t(next() * 20);
  for (int64_t i = 0; i < m; ++i) {
    const bool in_program = (i % 20 == p1) || (i % 20 == p2);
    const double pr = in_program ? std::min(1.0, 6 * density) : 0.6 * density;
    if (next() < pr) {
      ind.push_back(int32_t(i));
      val.push_back(T(std::log1p(1.0 + std::floor(next() * (in_program ? 8 : 2)))));
    }
  }
  ptr.push_back(int64_t(ind.size()));
}

template <class T>
void run(int64_t m, int64_t n, double density, int64_t k, int32_t iterations, bool kl) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int64_t c0 = n * rank / size, c1 = n * (rank + 1) / size, nl = c1 - c0;
  std::vector<int64_t> ptr{0};
  std::vector<int32_t> ind;
  std::vector<T> val;
  for (int64_t j = c0; j < c1; ++j) make_column(m, j, density, ptr, ind, val);
  long long nnz = (long long)ind.size(), total = 0;
  MPI_Allreduce(&nnz, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);

  Counting counting;
  nmf_mpi_collective_init(&counting.inner, MPI_Comm_c2f(MPI_COMM_WORLD), nl);
  nmf_collective c = counting.inner;
  c.ctx = &counting;
  c.sum_d = sum_d, c.sum_f = sum_f, c.max_d = max_d, c.agree = agree;

  std::vector<T> W(static_cast<size_t>(m * k)), d(static_cast<size_t>(k)), H(static_cast<size_t>(k * std::max<int64_t>(nl, 1)));
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.collective = &c;
  if (kl) o.loss = NMF_LOSS_KL;
  o.tol = 0;
  o.seed = 1;
  o.n_threads = 1;
  double seconds[2], bytes[2];
  const int32_t maxits[2] = {1, iterations + 1};
  for (int t = 0; t < 2; ++t) {
    counting.bytes = 0;
    o.maxit = maxits[t];
    nmf_result r;
    nmf_result_init(&r, sizeof r);
    MPI_Barrier(MPI_COMM_WORLD);
    const auto t0 = std::chrono::steady_clock::now();
    int32_t rc;
    if constexpr (sizeof(T) == 8)
      rc = nmf_fit_csc_d_i32(m, nl, ptr.data(), ind.data(), val.data(), k, W.data(), d.data(),
                             H.data(), &o, &r);
    else
      rc = nmf_fit_csc_f_i32(m, nl, ptr.data(), ind.data(), val.data(), k, W.data(), d.data(),
                             H.data(), &o, &r);
    if (rc != NMF_OK) {
      std::fprintf(stderr, "fit failed: %s\n", nmf_last_error_message());
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    seconds[t] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bytes[t] = counting.bytes;
  }
  // The difference of the two runs isolates `iterations` iterations from
  // the setup (validation, scaling, start) both share.
  const double per_it = (seconds[1] - seconds[0]) / iterations;
  const double bytes_it = (bytes[1] - bytes[0]) / iterations;
  double worst = per_it;
  MPI_Reduce(&per_it, &worst, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0)
    std::printf("| %d | %s | %lld x %lld | %lld | %d | %s | %.3f | %.2f |\n", size,
                kl ? "kl (mu)" : "frobenius", (long long)m, (long long)n, total, int(k),
                sizeof(T) == 8 ? "double" : "float", worst, bytes_it / 1048576.0);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  if (argc < 6) {
    std::fprintf(stderr, "usage: bench_mpi M N DENSITY K ITERATIONS [float] [kl]\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const int64_t m = std::atoll(argv[1]), n = std::atoll(argv[2]), k = std::atoll(argv[4]);
  const double density = std::atof(argv[3]);
  const int32_t its = std::atoi(argv[5]);
  bool use_float = false, kl = false;
  for (int a = 6; a < argc; ++a) {
    use_float = use_float || std::strcmp(argv[a], "float") == 0;
    kl = kl || std::strcmp(argv[a], "kl") == 0;
  }
  if (use_float)
    run<float>(m, n, density, k, its, kl);
  else
    run<double>(m, n, density, k, its, kl);
  MPI_Finalize();
  return 0;
}
