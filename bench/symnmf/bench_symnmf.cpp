// Symmetric NMF at scale: a planted-partition graph (n nodes, `edges`
// undirected edges, `blocks` equal blocks, a fraction `within` of the edges
// inside blocks) built as a symmetric CSC in memory, then nmf_symfit_csc
// with k = blocks.  Prints one line of key=value results: the time per
// iteration (from the progress callback's timestamps), the validation and
// start-up time, the peak resident memory of the fit against the CSC and
// the factors, and the NMI of the communities against the planted blocks.
//
//   bench_symnmf N EDGES BLOCKS THREADS ITERATIONS [SEED [hals|anls]]
#include <nmf.h>

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;

static long long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string k(key);
  while (std::getline(in, line))
    if (line.compare(0, k.size(), k) == 0) return std::atoll(line.c_str() + k.size() + 1);
  return -1;
}

struct Timing {
  Clock::time_point start;
  std::vector<double> at;   // seconds since start at each callback
  std::vector<double> cpu;  // process CPU seconds at each callback
};

// User + system CPU seconds of the process so far (all threads).
static double cpu_seconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

static int32_t on_progress(int64_t, int64_t, double, double, void* data) {
  Timing* t = static_cast<Timing*>(data);
  t->at.push_back(std::chrono::duration<double>(Clock::now() - t->start).count());
  t->cpu.push_back(cpu_seconds());
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s N EDGES BLOCKS THREADS ITERATIONS [SEED [hals|anls]]\n", argv[0]);
    return 2;
  }
  const int64_t n = std::atoll(argv[1]), edges = std::atoll(argv[2]);
  const int64_t blocks = std::atoll(argv[3]);
  const int threads = std::atoi(argv[4]), iterations = std::atoi(argv[5]);
  const uint64_t seed = argc > 6 ? std::strtoull(argv[6], nullptr, 10) : 1;
  const bool anls = argc > 7 && std::string(argv[7]) == "anls";
  const double within = 0.8;
  const int64_t size = n / blocks;

  // Edges u < v packed as u * n + v, sorted and unique, topped up until
  // there are exactly `edges` of them.
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> key;
  key.reserve(size_t(edges));
  while (int64_t(key.size()) < edges) {
    while (int64_t(key.size()) < edges) {
      const int64_t u = int64_t(rng() % uint64_t(n));
      int64_t v;
      if (std::uniform_real_distribution<double>(0, 1)(rng) < within)
        v = (u / size) * size + int64_t(rng() % uint64_t(size));
      else
        v = int64_t(rng() % uint64_t(n));
      if (u == v) continue;
      key.push_back(uint64_t(std::min(u, v)) * uint64_t(n) + uint64_t(std::max(u, v)));
    }
    std::sort(key.begin(), key.end());
    key.erase(std::unique(key.begin(), key.end()), key.end());
  }
  // Symmetric CSC: column j holds the neighbours of j, sorted.
  std::vector<int64_t> col_ptr(size_t(n + 1), 0);
  for (uint64_t e : key) {
    ++col_ptr[size_t(e / uint64_t(n)) + 1];
    ++col_ptr[size_t(e % uint64_t(n)) + 1];
  }
  for (int64_t j = 0; j < n; ++j) col_ptr[size_t(j + 1)] += col_ptr[size_t(j)];
  const int64_t nnz = col_ptr[size_t(n)];
  std::vector<int32_t> row(static_cast<size_t>(nnz));
  std::vector<double> val(size_t(nnz), 1.0);
  {
    std::vector<int64_t> fill(col_ptr.begin(), col_ptr.end() - 1);
    // Keys are sorted by (u, v): column v receives u in increasing order,
    // column u receives v in increasing order only per u, so sort after.
    for (uint64_t e : key) {
      const int64_t u = int64_t(e / uint64_t(n)), v = int64_t(e % uint64_t(n));
      row[size_t(fill[size_t(v)]++)] = int32_t(u);
      row[size_t(fill[size_t(u)]++)] = int32_t(v);
    }
  }
  std::vector<uint64_t>().swap(key);
  for (int64_t j = 0; j < n; ++j)
    std::sort(row.begin() + col_ptr[size_t(j)], row.begin() + col_ptr[size_t(j + 1)]);
  malloc_trim(0);

  const double mib = 1024.0 * 1024.0;
  double load1 = -1;
  {
    std::ifstream in("/proc/loadavg");
    in >> load1;  // the machine's 1-minute load before the fit
  }
  const double csc_bytes = double(nnz) * (4 + 8) + double(n + 1) * 8;
  const double factor_bytes = double(n) * double(blocks) * 8;  // one n x k factor
  std::vector<double> H(size_t(n * blocks));
  std::fill(H.begin(), H.end(), 0.0);  // touch the caller's buffer first
  const long long rss_before = status_kb("VmRSS:");
  { std::ofstream("/proc/self/clear_refs") << "5"; }  // reset VmHWM

  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.n_threads = threads;
  o.maxit = iterations;
  o.tol = 0;
  o.seed = 42;
  o.solver = anls ? NMF_SOLVER_ANLS : NMF_SOLVER_HALS;
  Timing timing;
  o.progress = on_progress;
  o.progress_data = &timing;
  nmf_symfit_result r;
  nmf_symfit_result_init(&r, sizeof r);
  timing.start = Clock::now();
  const int32_t rc = nmf_symfit_csc_d_i32(n, col_ptr.data(), row.data(), val.data(),
                                          blocks, H.data(), &o, &r);
  const double total = std::chrono::duration<double>(Clock::now() - timing.start).count();
  const long long hwm = status_kb("VmHWM:");
  if (rc != NMF_OK) {
    std::fprintf(stderr, "nmf_symfit failed (%d): %s\n", rc, nmf_last_error_message());
    return 1;
  }
  // NMI of argmax(H) against the planted blocks.
  std::vector<double> joint(size_t(blocks * blocks), 0.0), pa(size_t(blocks), 0.0),
      pb(size_t(blocks), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t best = 0;
    for (int64_t c = 1; c < blocks; ++c)
      if (H[size_t(i + c * n)] > H[size_t(i + best * n)]) best = c;
    const int64_t truth = std::min(i / size, blocks - 1);
    joint[size_t(truth * blocks + best)] += 1.0 / double(n);
  }
  for (int64_t a = 0; a < blocks; ++a)
    for (int64_t b = 0; b < blocks; ++b) {
      pa[size_t(a)] += joint[size_t(a * blocks + b)];
      pb[size_t(b)] += joint[size_t(a * blocks + b)];
    }
  double mi = 0, ha = 0, hb = 0;
  for (int64_t a = 0; a < blocks; ++a) {
    if (pa[size_t(a)] > 0) ha -= pa[size_t(a)] * std::log(pa[size_t(a)]);
    if (pb[size_t(a)] > 0) hb -= pb[size_t(a)] * std::log(pb[size_t(a)]);
    for (int64_t b = 0; b < blocks; ++b) {
      const double p = joint[size_t(a * blocks + b)];
      if (p > 0) mi += p * std::log(p / (pa[size_t(a)] * pb[size_t(b)]));
    }
  }
  const int64_t its = int64_t(timing.at.size());
  const double per_it = its > 1 ? (timing.at.back() - timing.at.front()) / double(its - 1) : 0;
  const double setup = its > 0 ? timing.at.front() - per_it : 0;
  const double cpu_per_it =
      its > 1 ? (timing.cpu.back() - timing.cpu.front()) / double(its - 1) : 0;
  const double peak_extra = double(hwm - rss_before) * 1024.0;
  std::printf(
      "solver=%s n=%lld edges=%lld nnz=%lld k=%lld threads=%d iterations=%lld "
      "sec_per_iter=%.3f cpu_sec_per_iter=%.3f setup_and_first=%.3f total=%.2f rel_error=%.5f nmi=%.4f "
      "csc_MiB=%.1f factor_MiB=%.1f rss_before_MiB=%.1f peak_MiB=%.1f "
      "extra_over_rss_MiB=%.1f budget_extra_MiB=%.1f blas=%s load1=%.1f\n",
      anls ? "anls" : "hals", (long long)n, (long long)edges, (long long)nnz, (long long)blocks, threads,
      (long long)its, per_it, cpu_per_it, setup + per_it, total, r.rel_error,
      ha * hb > 0 ? mi / std::sqrt(ha * hb) : 0.0, csc_bytes / mib, factor_bytes / mib,
      rss_before / 1024.0, hwm / 1024.0, peak_extra / mib,
      (0.25 * csc_bytes + factor_bytes) / mib, nmf_blas_core(), load1);
  return 0;
}
