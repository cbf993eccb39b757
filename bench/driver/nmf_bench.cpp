// nmf_bench: the benchmark's runner for this project (not a test, not
// installed).  It loads a matrix written by bench/gen_data.py, then
//   --floor R      times the two big products of one Frobenius iteration,
//                  W^T A and A H^T, through the very kernels a fit uses
//                  (products.hpp: blocked BLAS-3 for dense, the OpenMP CSC
//                  kernels for sparse), R times each, random factors of rank k;
//   --schedule L   runs fresh fits through the public C ABI (nmf.h) with
//                  maxit = each value of the comma-separated list L (tol = 0,
//                  so a run with maxit = j is exactly the j-th iterate of a
//                  longer one), timing each and writing W and diag(d) H in
//                  float64 for the harness to score.
// Output: one JSON object on stdout.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "nmf.h"
#include "nmf/blas.hpp"
#include "nmf/products.hpp"

namespace {

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "nmf_bench: %s\n", msg.c_str());
  std::exit(2);
}

std::map<std::string, std::string> read_meta(const std::string& dir) {
  std::ifstream in(dir + "/meta.txt");
  if (!in) die("cannot read " + dir + "/meta.txt");
  std::map<std::string, std::string> meta;
  std::string key, value;
  while (in >> key >> value) meta[key] = value;
  return meta;
}

template <class T>
std::vector<T> read_raw(const std::string& path, size_t count) {
  std::vector<T> v(count);
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) die("cannot open " + path);
  if (std::fread(v.data(), sizeof(T), count, f) != count)
    die("short read in " + path);
  std::fclose(f);
  return v;
}

void write_raw(const std::string& path, const std::vector<double>& v) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) die("cannot write " + path);
  std::fwrite(v.data(), sizeof(double), v.size(), f);
  std::fclose(f);
}

// Peak resident set size since the last reset_peak() (Linux: writing 5 to
// clear_refs resets VmHWM), in MiB; falls back to getrusage's lifetime peak.
void reset_peak() {
  FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (f) {
    std::fputs("5", f);
    std::fclose(f);
  }
}
double status_mib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t len = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, len, field) == 0)
      return std::atof(line.c_str() + len + 1) / 1024.0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_maxrss) / 1024.0;
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds of the whole process (all threads), user + system.
double cpu_now() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         1e-6 * double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Args {
  std::string data, out, solver = "auto", schedule;
  int64_t k = 0;
  int threads = 1, floor_reps = 0;
  bool single = false;
  double budget = 1e30;
  uint64_t seed = 1;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + s);
      return argv[++i];
    };
    if (s == "--data") a.data = val();
    else if (s == "--out") a.out = val();
    else if (s == "-k") a.k = std::atoll(val().c_str());
    else if (s == "--threads") a.threads = std::atoi(val().c_str());
    else if (s == "--floor") a.floor_reps = std::atoi(val().c_str());
    else if (s == "--schedule") a.schedule = val();
    else if (s == "--budget") a.budget = std::atof(val().c_str());
    else if (s == "--solver") a.solver = val();
    else if (s == "--seed") a.seed = std::strtoull(val().c_str(), nullptr, 10);
    else if (s == "--float") a.single = true;
    else die("unknown argument " + s);
  }
  if (a.data.empty() || a.k < 1) die("usage: nmf_bench --data DIR -k K ...");
  return a;
}

std::vector<int64_t> parse_list(const std::string& s) {
  std::vector<int64_t> v;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) v.push_back(std::atoll(item.c_str()));
  return v;
}

// The input in the precision of the run.
template <class T>
struct Input {
  bool sparse = false;
  int64_t m = 0, n = 0;
  std::vector<T> values;           // dense column-major, or CSC values
  std::vector<int64_t> col_ptr;    // CSC only
  std::vector<int32_t> row_ind;    // CSC only
};

template <class T>
Input<T> load(const std::string& dir) {
  auto meta = read_meta(dir);
  Input<T> in;
  in.m = std::atoll(meta["m"].c_str());
  in.n = std::atoll(meta["n"].c_str());
  in.sparse = meta["kind"] == "sparse";
  std::vector<double> v;
  if (in.sparse) {
    const int64_t nnz = std::atoll(meta["nnz"].c_str());
    in.col_ptr = read_raw<int64_t>(dir + "/indptr.i64", size_t(in.n + 1));
    in.row_ind = read_raw<int32_t>(dir + "/indices.i32", size_t(nnz));
    v = read_raw<double>(dir + "/data.f64", size_t(nnz));
  } else {
    v = read_raw<double>(dir + "/dense.f64", size_t(in.m * in.n));
  }
  if constexpr (std::is_same_v<T, double>) in.values = std::move(v);
  else in.values.assign(v.begin(), v.end());
  return in;
}

// Median seconds of R calls of each product, with random non-negative
// factors; the same OpenMP blocking and single-threaded BLAS as a fit.
template <class T, class Ops>
void time_products(const Ops& ops, int64_t k, int threads, int reps,
                   double* left_s, double* right_s, double* cpu_s) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<T> wt(size_t(k * ops.m())), h(size_t(k * ops.n()));
  for (auto& x : wt) x = T(u(gen));
  for (auto& x : h) x = T(u(gen));
  std::vector<T> out(size_t(k * std::max(ops.m(), ops.n())));
  nmf::blas::ThreadScope scope;
  std::vector<double> tl, tr, tc;
  for (int r = 0; r < reps; ++r) {
    const double c0 = cpu_now();
    double t0 = now();
    ops.left(wt.data(), k, out.data(), threads);
    tl.push_back(now() - t0);
    t0 = now();
    ops.right(h.data(), k, out.data(), threads);
    tr.push_back(now() - t0);
    tc.push_back(cpu_now() - c0);
  }
  *left_s = median(tl);
  *right_s = median(tr);
  *cpu_s = median(tc);
}

template <class T>
int32_t call_fit(const Input<T>& in, int64_t k, T* w, T* d, T* h,
                 const nmf_options* o, nmf_result* r);
template <>
int32_t call_fit<double>(const Input<double>& in, int64_t k, double* w,
                         double* d, double* h, const nmf_options* o,
                         nmf_result* r) {
  if (in.sparse)
    return nmf_fit_csc_d_i32(in.m, in.n, in.col_ptr.data(), in.row_ind.data(),
                             in.values.data(), k, w, d, h, o, r);
  return nmf_fit_dense_d(in.values.data(), in.m, in.n, in.m, k, w, d, h, o, r);
}
template <>
int32_t call_fit<float>(const Input<float>& in, int64_t k, float* w, float* d,
                        float* h, const nmf_options* o, nmf_result* r) {
  if (in.sparse)
    return nmf_fit_csc_f_i32(in.m, in.n, in.col_ptr.data(), in.row_ind.data(),
                             in.values.data(), k, w, d, h, o, r);
  return nmf_fit_dense_f(in.values.data(), in.m, in.n, in.m, k, w, d, h, o, r);
}

int32_t solver_code(const std::string& name) {
  std::string up = "NMF_SOLVER_";
  for (char c : name) up += char(std::toupper(static_cast<unsigned char>(c)));
  const int32_t v = nmf_constant(up.c_str());
  if (v == INT32_MIN) die("unknown solver '" + name + "' (no " + up + " in nmf.h)");
  return v;
}

template <class T>
int run(const Args& a) {
  Input<T> in = load<T>(a.data);
  const int64_t k = a.k;
  std::printf("{\"m\": %lld, \"n\": %lld, \"k\": %lld, \"threads\": %d, "
              "\"precision\": \"%s\", \"blas_core\": \"%s\"",
              (long long)in.m, (long long)in.n, (long long)k, a.threads,
              sizeof(T) == 4 ? "float32" : "float64", nmf_blas_core());
  if (in.sparse)
    std::printf(", \"nnz\": %lld", (long long)in.col_ptr[size_t(in.n)]);
  const double input_mib =
      double(in.values.size() * sizeof(T) + in.col_ptr.size() * 8 +
             in.row_ind.size() * 4) / 1048576.0;
  const double factors_mib = double((in.m + in.n + 1) * k * sizeof(T)) / 1048576.0;
  std::printf(", \"input_mib\": %.2f, \"factors_mib\": %.2f", input_mib,
              factors_mib);

  if (a.floor_reps > 0) {
    double l = 0, r = 0, c = 0;
    if (in.sparse) {
      nmf::CscView<T, int32_t> v{in.m, in.n, in.col_ptr.data(),
                                 in.row_ind.data(), in.values.data()};
      std::vector<int64_t> row_nnz(size_t(in.m), 0);
      for (int32_t i : in.row_ind) ++row_nnz[size_t(i)];
      nmf::CscOps<T, int32_t> ops(v, row_nnz, a.threads);
      time_products<T>(ops, k, a.threads, a.floor_reps, &l, &r, &c);
    } else {
      nmf::DenseView<T> v{in.values.data(), in.m, in.n, in.m};
      time_products<T>(nmf::DenseOps<T>(v), k, a.threads, a.floor_reps, &l, &r,
                       &c);
    }
    std::printf(", \"floor_left_s\": %.6f, \"floor_right_s\": %.6f, "
                "\"floor_s\": %.6f, \"floor_cpu_s\": %.6f", l, r, l + r, c);
  }

  std::printf(", \"runs\": [");
  const std::vector<int64_t> sched = parse_list(a.schedule);
  std::vector<T> w(size_t(in.m * k)), d(static_cast<size_t>(k)), h(size_t(k * in.n));
  std::vector<double> w64(w.size()), h64(h.size());
  double spent = 0, peak = 0, base = status_mib("VmRSS:");
  const int32_t solver = solver_code(a.solver);
  bool first = true;
  for (int64_t maxit : sched) {
    nmf_options o;
    nmf_options_init(&o, sizeof o);
    o.n_threads = a.threads;
    o.maxit = int32_t(maxit);
    o.tol = 0;
    o.seed = a.seed;
    o.solver = solver;
    nmf_result res;
    nmf_result_init(&res, sizeof res);
    reset_peak();
    const double t0 = now(), c0 = cpu_now();
    const int32_t st = call_fit(in, k, w.data(), d.data(), h.data(), &o, &res);
    const double secs = now() - t0, cpu = cpu_now() - c0;
    peak = std::max(peak, status_mib("VmHWM:"));
    if (st < 0) die(std::string("fit failed: ") + nmf_last_error_message());
    spent += secs;
    std::string snap;
    if (!a.out.empty()) {
      char name[64];
      std::snprintf(name, sizeof name, "it%06lld", (long long)maxit);
      snap = name;
      for (size_t t = 0; t < w.size(); ++t) w64[t] = double(w[t]);
      for (int64_t c = 0; c < in.n; ++c)
        for (int64_t r = 0; r < k; ++r)
          h64[size_t(r + c * k)] = double(h[size_t(r + c * k)]) * double(d[size_t(r)]);
      write_raw(a.out + "/" + snap + ".W", w64);
      write_raw(a.out + "/" + snap + ".H", h64);
    }
    std::printf("%s{\"maxit\": %lld, \"iterations\": %lld, \"seconds\": %.6f, "
                "\"cpu_seconds\": %.6f, \"self_loss\": %.17g, "
                "\"snapshot\": \"%s\"}",
                first ? "" : ", ", (long long)maxit, (long long)res.iterations,
                secs, cpu, res.loss, snap.c_str());
    std::fflush(stdout);
    first = false;
    // Stop before a run that would exceed the budget (its time grows about
    // linearly with maxit).
    if (spent > a.budget) break;
    const auto next = std::upper_bound(sched.begin(), sched.end(), maxit);
    if (next != sched.end() &&
        spent + secs * double(*next) / double(std::max<int64_t>(maxit, 1)) > a.budget)
      break;
  }
  std::printf("], \"rss_before_fit_mib\": %.1f, \"peak_rss_fit_mib\": %.1f}\n",
              base, peak);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  return a.single ? run<float>(a) : run<double>(a);
}
