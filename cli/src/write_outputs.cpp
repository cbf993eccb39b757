#include "write_outputs.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "cli_error.hpp"
#include "number_text.hpp"
#include "nmf.h"

namespace nmfcli {

namespace {

std::string factor_name(int64_t r) { return "NMF" + std::to_string(r + 1); }

const char *stop_reason_name(int32_t reason) {
  switch (reason) {
    case NMF_STOP_NONE: return "none";
    case NMF_STOP_MAXIT: return "maxit";
    case NMF_STOP_TOL: return "tol";
    case NMF_STOP_CANCELLED: return "cancelled";
    case NMF_STOP_EXACT: return "exact";
    case NMF_STOP_STABLE: return "stable";
    default: return "unknown";
  }
}

template <typename T>
void write_w(const std::string &path, const LabeledMatrix<T> &a,
             const FitOutcome<T> &fit, const FitArgs &args) {
  AtomicFile file(path);
  std::string &head = file.buffer();
  head += args.transpose ? "sample" : "gene";
  for (int64_t r = 0; r < fit.k; ++r) head += "\t" + factor_name(r);
  head += '\n';
  for (int64_t i = 0; i < a.rows; ++i) {
    std::string &out = file.buffer();
    out += a.row_names[i];
    for (int64_t r = 0; r < fit.k; ++r) {
      out += '\t';
      append_number(out, fit.W[i + r * a.rows]);
    }
    out += '\n';
  }
  file.commit();
}

template <typename T>
void write_h(const std::string &path, const LabeledMatrix<T> &a,
             const FitOutcome<T> &fit, const FitArgs &args) {
  AtomicFile file(path);
  std::string &head = file.buffer();
  head += "factor";
  for (const std::string &name : a.col_names) {
    head += '\t';
    head += name;
  }
  head += '\n';
  for (int64_t r = 0; r < fit.k; ++r) {
    std::string &out = file.buffer();
    out += factor_name(r);
    // By default diag(d) H, so that the written W and H multiply to the fit.
    const T scale = args.unscaled ? T(1) : fit.d[r];
    for (int64_t j = 0; j < a.cols; ++j) {
      std::string &row = file.buffer();  // may flush on wide rows
      row += '\t';
      append_number(row, fit.H[r + j * fit.k] * scale);
    }
    file.buffer() += '\n';
  }
  file.commit();
}

template <typename T>
void write_summary(const OutputPaths &paths, const LabeledMatrix<T> &a,
                   const FitOutcome<T> &fit, const FitArgs &args,
                   const InputInfo &info) {
  // The option values as the library read them (nmf_result.options_used),
  // so the summary shows what the fit ran with.
  const nmf_options &o = fit.options_used;
  const nmf_result &r = fit.result;
  std::string s;
  auto key = [&s](const char *name) {
    s += s.size() > 2 ? ",\n  \"" : "  \"";
    s += name;
    s += "\": ";
  };
  auto str = [&](const char *name, const std::string &value) {
    key(name);
    append_json_string(s, value);
  };
  auto str_or_null = [&](const char *name, const std::string &value) {
    key(name);
    if (value.empty()) s += "null"; else append_json_string(s, value);
  };
  auto num = [&](const char *name, double value) {
    key(name);
    append_json_number(s, value);
  };
  auto integer = [&](const char *name, long long value) {
    key(name);
    s += std::to_string(value);
  };
  s = "{\n";
  str("version", nmf_version());
  str("input", args.input);
  str("format", info.format);
  str_or_null("row_names_file", info.row_names);
  str_or_null("column_names_file", info.col_names);
  key("transpose"); s += args.transpose ? "true" : "false";
  str("precision", args.use_float ? "float" : "double");
  integer("m", a.rows);
  integer("n", a.cols);
  key("sparse"); s += a.sparse ? "true" : "false";
  if (a.sparse) integer("nnz", a.nnz());
  integer("k", fit.k);
  str("loss_function", loss_name(o.loss));
  if (o.loss == NMF_LOSS_BETA) num("beta", o.beta);
  str("solver_requested", solver_name(o.solver));
  str("solver", solver_name(r.solver));
  str("init_requested", init_name(o.init));
  str("init", r.init < 0 ? std::string("user") : init_name(r.init));
  key("seed"); s += std::to_string(o.seed);
  integer("threads", o.n_threads);
  integer("threads_used", r.threads_used);
  integer("maxit", o.maxit);
  num("tol", o.tol);
  num("l1_w", o.l1_w);
  num("l1_h", o.l1_h);
  num("l2_w", o.l2_w);
  num("l2_h", o.l2_h);
  num("hals_alpha", o.hals_alpha);
  num("hals_delta", o.hals_delta);
  num("mu_eps", o.mu_eps);
  str("extrapolation_requested", extrapolation_name(o.extrapolation));
  str("extrapolation", extrapolation_name(r.extrapolation));
  integer("extrapolation_restarts", r.restarts);
  num("extrap_beta0", o.extrap_beta0);
  num("extrap_eta", o.extrap_eta);
  num("extrap_gamma", o.extrap_gamma);
  num("extrap_gamma_bar", o.extrap_gamma_bar);
  str("sketch_requested", sketch_name(o.sketch));
  integer("sketch_rank", r.sketch_rank);
  integer("sketch_iterations", r.sketch_iterations);
  num("sparse_w", o.sparse_w);
  num("sparse_h", o.sparse_h);
  num("ns_theta", o.ns_theta);
  integer("stable_checks", o.stable_checks);
  str("missing", missing_name(o.missing));
  str_or_null("w_init", args.w_init);
  str_or_null("h_init", args.h_init);
  str_or_null("fix_w", args.fix_w);
  str_or_null("fix_h", args.fix_h);
  integer("iterations", r.iterations);
  str("stop_reason", stop_reason_name(r.stop_reason));
  num("loss", r.loss);
  num("rel_error", r.rel_error);
  num("seconds", r.seconds);
  key("d");
  s += '[';
  for (int64_t i = 0; i < fit.k; ++i) {
    if (i) s += ", ";
    append_json_number(s, fit.d[i]);  // exactly the value returned, float or double
  }
  s += ']';
  key("loss_history");
  s += '[';
  for (size_t i = 0; i < fit.loss_history.size(); ++i) {
    if (i) s += ", ";
    append_json_number(s, fit.loss_history[i]);
  }
  s += ']';
  key("loss_history_complete");
  s += static_cast<int64_t>(fit.loss_history.size()) == r.iterations ? "true" : "false";
  str("W_file", paths.w);
  str("H_file", paths.h);
  key("H_scaled_by_d"); s += args.unscaled ? "false" : "true";
  str("blas_core", nmf_blas_core());
  s += "\n}\n";

  AtomicFile file(paths.summary);
  file.buffer() += s;
  file.commit();
}

}  // namespace

OutputPaths output_paths(const std::string &prefix) {
  return {prefix + "_W.tsv", prefix + "_H.tsv", prefix + "_summary.json"};
}

void check_output_location(const std::string &prefix) {
  size_t slash = prefix.rfind('/');
  std::string dir = slash == std::string::npos ? "." : prefix.substr(0, slash + 1);
  if (access(dir.c_str(), W_OK) != 0) {
    throw input_error("cannot write outputs to " + dir + " (--out " + prefix +
                      "): " + std::strerror(errno));
  }
}

template <typename T>
void write_outputs(const OutputPaths &paths, const LabeledMatrix<T> &a,
                   const FitOutcome<T> &fit, const FitArgs &args,
                   const InputInfo &info) {
  write_w(paths.w, a, fit, args);
  write_h(paths.h, a, fit, args);
  write_summary(paths, a, fit, args, info);
}

template void write_outputs<double>(const OutputPaths &, const LabeledMatrix<double> &,
                                    const FitOutcome<double> &, const FitArgs &,
                                    const InputInfo &);
template void write_outputs<float>(const OutputPaths &, const LabeledMatrix<float> &,
                                   const FitOutcome<float> &, const FitArgs &,
                                   const InputInfo &);

}  // namespace nmfcli
