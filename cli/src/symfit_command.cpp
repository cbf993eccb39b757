#include "symfit_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "cli_error.hpp"
#include "load_input.hpp"
#include "nmf.h"
#include "number_text.hpp"
#include "read_graph.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

struct SymArgs {
  std::string input, prefix;
  long long k = 0;
  nmf_options options;
  bool quiet = false, help = false;
};

long long int_value(const std::string &opt, const std::string &v, long long lo, long long hi) {
  long long x = 0;
  if (!parse_int64(v, &x) || x < lo || x > hi)
    throw usage_error(opt + " " + quoted(v) + " must be an integer in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return x;
}

double real_value(const std::string &opt, const std::string &v) {
  double x = 0;
  if (parse_number(v, &x) != NumberStatus::kOk || !(x >= 0))
    throw usage_error(opt + " " + quoted(v) + " must be a finite number >= 0");
  return x;
}

SymArgs parse(const std::vector<std::string> &args) {
  SymArgs a;
  nmf_options_init(&a.options, sizeof a.options);
  a.options.maxit = 500;
  for (size_t t = 0; t < args.size(); ++t) {
    const std::string &s = args[t];
    auto value = [&]() -> std::string {
      if (t + 1 >= args.size()) throw usage_error(s + " needs a value");
      return args[++t];
    };
    if (s == "-h" || s == "--help") {
      a.help = true;
    } else if (s == "-k" || s == "--rank") {
      a.k = int_value(s, value(), 1, (1LL << 31) - 1);
    } else if (s == "-o" || s == "--out") {
      a.prefix = value();
      if (a.prefix.empty()) throw usage_error("--out needs a non-empty prefix");
    } else if (s == "--seed") {
      a.options.seed = uint64_t(int_value(s, value(), 0, (1LL << 62)));
    } else if (s == "--maxit") {
      a.options.maxit = int32_t(int_value(s, value(), 0, (1LL << 31) - 1));
    } else if (s == "--tol") {
      a.options.tol = real_value(s, value());
    } else if (s == "--threads") {
      a.options.n_threads = int32_t(int_value(s, value(), 0, 4096));
    } else if (s == "--solver") {
      const std::string v = value();
      if (v == "hals" || v == "auto") a.options.solver = v == "hals" ? NMF_SOLVER_HALS : NMF_SOLVER_AUTO;
      else if (v == "anls") a.options.solver = NMF_SOLVER_ANLS;
      else throw usage_error("--solver " + quoted(v) + " is not auto, hals or anls");
    } else if (s == "-q" || s == "--quiet") {
      a.quiet = true;
    } else if (s.size() > 1 && s[0] == '-' && s != "-") {
      throw usage_error("unknown option " + quoted(s));
    } else if (a.input.empty()) {
      a.input = s;
    } else {
      throw usage_error("more than one INPUT (" + quoted(a.input) + " and " + quoted(s) + ")");
    }
  }
  if (a.help) return a;
  if (a.input.empty()) throw usage_error("no INPUT given");
  if (a.k == 0) throw usage_error("-k K is required");
  if (a.prefix.empty()) a.prefix = default_prefix(a.input);
  return a;
}

volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }
int32_t check_interrupt(int64_t, int64_t, double, double, void *) { return g_interrupted ? 1 : 0; }

// The three outputs appear together, only when all are complete.
std::string num(double v) { return number_text(v); }

const char *stop_name(int32_t s) {
  switch (s) {
    case NMF_STOP_MAXIT: return "maxit";
    case NMF_STOP_TOL: return "tol";
    case NMF_STOP_CANCELLED: return "cancelled";
    case NMF_STOP_EXACT: return "exact";
    case NMF_STOP_STABLE: return "stable";
    default: return "none";
  }
}

}  // namespace

std::string symfit_usage() {
  return "Usage: nmf symfit INPUT -k K [options]\n"
         "\n"
         "Symmetric NMF of an undirected network: A ~ H H^T with H >= 0 (nodes x K)\n"
         "(Kuang, Ding & Park 2012).  A node's community is the largest entry of its\n"
         "row of H; (H H^T)_ij scores the link i-j.\n"
         "\n"
         "INPUT is one of\n"
         "  an edge list (optionally .gz; '-' = standard input): one edge per line,\n"
         "    'FROM TO [WEIGHT]' separated by tabs or spaces, node names kept as\n"
         "    written; lines starting with '#' are comments; WEIGHT defaults to 1,\n"
         "    must be >= 0; an edge may be listed in both directions only with the\n"
         "    same weight; 'A A w' is a self-loop (accepted, fitted like any entry);\n"
         "  a Matrix Market file (coordinate real/integer/pattern), 'symmetric'\n"
         "    (one triangle stored) or 'general' (must be symmetric within\n"
         "    1e-6 max|A|); nodes are named 1..n.\n"
         "\n"
         "Options:\n"
         "  -k, --rank K        number of communities (1 <= K <= nodes), required\n"
         "  -o, --out PREFIX    output prefix (default: INPUT without extension)\n"
         "  --seed S            seed of the random start (default 42); the same seed\n"
         "                      gives the same result for any --threads\n"
         "  --maxit N           maximum iterations (default 500)\n"
         "  --tol T             relative decrease of the objective to stop (default 1e-5)\n"
         "  --threads N         worker threads, 0 = all cores (default 0)\n"
         "  --solver S          auto (= hals) or anls (default auto)\n"
         "  -q, --quiet         no summary line on stderr\n"
         "  -h, --help          show this help\n"
         "\n"
         "Outputs (written only when the fit succeeds):\n"
         "  PREFIX_memberships.tsv  node, community (1..K; NA for an isolated node,\n"
         "                          whose row of H is zero)\n"
         "  PREFIX_H.tsv            node and its K weights\n"
         "  PREFIX_summary.json     sizes, iterations, loss ||A - HH^T||^2, rel_error,\n"
         "                          isolated nodes, community sizes, options\n"
         "\n"
         "Exit status: 0 success, 1 bad input file, 2 bad command line, 3 rejected by\n"
         "libnmf (e.g. an asymmetric matrix, K > nodes), 130 interrupted.\n";
}

int symfit_command(const std::vector<std::string> &argv) {
  SymArgs a = parse(argv);
  if (a.help) {
    std::fputs(symfit_usage().c_str(), stdout);
    return kExitOk;
  }
  const std::string memberships = a.prefix + "_memberships.tsv";
  const std::string hpath = a.prefix + "_H.tsv";
  const std::string summary = a.prefix + "_summary.json";
  {
    const size_t slash = a.prefix.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : a.prefix.substr(0, slash + 1);
    if (access(dir.c_str(), W_OK) != 0)
      throw input_error("cannot write outputs to " + dir + " (--out " + a.prefix +
                        "): " + std::strerror(errno));
  }
  const Graph g = read_graph(a.input);
  const int64_t n = g.n, k = a.k;
  if (k > n)
    throw CliError(kExitLibrary, "k = " + std::to_string(k) + " exceeds the number of nodes (" +
                                     std::to_string(n) + ") in " + a.input);
  std::vector<double> H(size_t(n * k));
  nmf_symfit_result res;
  nmf_symfit_result_init(&res, sizeof res);
  a.options.progress = check_interrupt;
  g_interrupted = 0;
  void (*previous)(int) = std::signal(SIGINT, on_sigint);
  nmf_matrix A;
  nmf_matrix_csc(&A, sizeof A, NMF_SCALAR_DOUBLE, NMF_INDEX_I64, n, n, g.col_ptr.data(),
                 g.row_ind.data(), g.values.data());
  const int32_t rc = nmf_symfit(&A, k, H.data(), &a.options, &res);
  std::signal(SIGINT, previous == SIG_ERR ? SIG_DFL : previous);
  if (rc == NMF_CANCELLED) throw CliError(kExitCancelled, "interrupted; nothing written");
  if (rc != NMF_OK) {
    std::string msg = nmf_last_error_message();
    int64_t r, c;
    if (nmf_last_error_location(&r, &c) && r >= 0 && c >= 0 && r < n && c < n)
      msg += " (nodes " + quoted(g.names[size_t(r)]) + " and " + quoted(g.names[size_t(c)]) + ")";
    throw CliError(kExitLibrary, a.input + ": " + msg);
  }

  std::vector<long long> sizes(size_t(k), 0);
  std::string mem = "node\tcommunity\n", htext = "node";
  for (int64_t c = 0; c < k; ++c) htext += "\tH" + std::to_string(c + 1);
  htext += '\n';
  for (int64_t i = 0; i < n; ++i) {
    int64_t best = 0;
    for (int64_t c = 1; c < k; ++c)
      if (H[size_t(i + c * n)] > H[size_t(i + best * n)]) best = c;
    const bool zero = !(H[size_t(i + best * n)] > 0);
    mem += g.names[size_t(i)] + '\t' + (zero ? std::string("NA") : std::to_string(best + 1)) + '\n';
    if (!zero) ++sizes[size_t(best)];
    htext += g.names[size_t(i)];
    for (int64_t c = 0; c < k; ++c) htext += '\t' + num(H[size_t(i + c * n)]);
    htext += '\n';
  }
  std::string js = "{\n";
  js += "  \"command\": \"symfit\",\n";
  js += "  \"input\": " + json_string(a.input) + ",\n";
  js += "  \"nodes\": " + std::to_string(n) + ",\n";
  js += "  \"edges\": " + std::to_string(g.edges) + ",\n";
  js += "  \"self_loops\": " + std::to_string(g.self_loops) + ",\n";
  js += "  \"k\": " + std::to_string(k) + ",\n";
  js += "  \"isolated\": " + std::to_string(res.isolated) + ",\n";
  js += "  \"community_sizes\": [";
  for (int64_t c = 0; c < k; ++c) js += (c ? ", " : "") + std::to_string(sizes[size_t(c)]);
  js += "],\n";
  js += "  \"iterations\": " + std::to_string(res.iterations) + ",\n";
  js += "  \"stop_reason\": \"" + std::string(stop_name(res.stop_reason)) + "\",\n";
  js += "  \"loss\": " + num(res.loss) + ",\n";
  js += "  \"rel_error\": " + num(res.rel_error) + ",\n";
  js += "  \"gap\": " + num(res.gap) + ",\n";
  js += "  \"solver\": \"" + std::string(res.solver == NMF_SOLVER_ANLS ? "anls" : "hals") + "\",\n";
  js += "  \"seed\": " + std::to_string((unsigned long long)a.options.seed) + ",\n";
  js += "  \"maxit\": " + std::to_string(a.options.maxit) + ",\n";
  js += "  \"tol\": " + num(a.options.tol) + ",\n";
  js += "  \"threads\": " + std::to_string(a.options.n_threads) + ",\n";
  js += "  \"seconds\": " + num(res.seconds) + ",\n";
  js += "  \"library_version\": " + json_string(nmf_version()) + "\n}\n";
  FileSet out;
  out.add(memberships, mem);
  out.add(hpath, htext);
  out.add(summary, js);
  out.commit();
  if (!a.quiet)
    std::fprintf(stderr, "nmf symfit: %lld nodes, %lld edges, k = %lld: %lld iterations, "
                         "rel_error %.4g, %lld isolated; wrote %s\n",
                 (long long)n, (long long)g.edges, (long long)k, (long long)res.iterations,
                 res.rel_error, (long long)res.isolated, memberships.c_str());
  return kExitOk;
}

}  // namespace nmfcli
