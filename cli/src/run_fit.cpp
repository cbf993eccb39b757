#include "run_fit.hpp"

#include <algorithm>
#include <cstdint>
#include <regex>
#include <string>
#include <utility>

#include "cli_error.hpp"
#include "memory_check.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

// The library knows matrix positions only ("A has a negative entry (-1) at
// row 3, column 5 (1-based)"); add the names the user knows the data by.
template <typename T>
std::string with_names(const std::string &detail, const LabeledMatrix<T> &a,
                       int64_t k) {
  static const std::regex where(R"(\b([AWH]) has .* at row (\d+), column (\d+) \(1-based\))");
  std::smatch match;
  if (!std::regex_search(detail, match, where)) return detail;
  long long i = 0, j = 0;
  if (!parse_int64(match.str(2), &i) || !parse_int64(match.str(3), &j) || i < 1 || j < 1)
    return detail;
  auto factor = [](long long r) { return quoted("NMF" + std::to_string(r)); };
  const char matrix = match.str(1)[0];
  std::string row, col;
  if (matrix == 'A' && i <= a.rows && j <= a.cols) {
    row = quoted(a.row_names[i - 1]);
    col = quoted(a.col_names[j - 1]);
  } else if (matrix == 'W' && i <= a.rows && j <= k) {
    row = quoted(a.row_names[i - 1]);
    col = factor(j);
  } else if (matrix == 'H' && i <= k && j <= a.cols) {
    row = factor(i);
    col = quoted(a.col_names[j - 1]);
  } else {
    return detail;
  }
  return detail + " [row " + row + ", column " + col + "]";
}

}  // namespace

template <typename T>
FitOutcome<T> run_fit(const LabeledMatrix<T> &a, const FitArgs &args, int64_t k,
                      std::vector<T> W0, std::vector<T> H0, Progress *progress) {
  FitOutcome<T> out;
  out.k = k;
  // The factors, then the library's working copies (it refuses those itself,
  // but only once called): refuse here before allocating W and H.
  check_memory(double(a.rows + a.cols) * double(k) * (2.0 * sizeof(T) + 8.0),
               "rank " + std::to_string(k) + " on a " + std::to_string(a.rows) + " x " +
                   std::to_string(a.cols) + " matrix");
  out.W = W0.empty() ? std::vector<T>(static_cast<size_t>(a.rows * k)) : std::move(W0);
  out.H = H0.empty() ? std::vector<T>(static_cast<size_t>(k * a.cols)) : std::move(H0);
  out.d.assign(static_cast<size_t>(k), T(0));

  nmf_options o = args.options;
  o.user_w = !args.w_init.empty();
  o.user_h = !args.h_init.empty();
  o.fix_w = !args.fix_w.empty();
  o.fix_h = !args.fix_h.empty();
  o.progress = &Progress::callback;
  o.progress_data = progress;

  // The loss after each iteration, up to a cap that keeps a huge --maxit
  // from allocating gigabytes for the history.
  constexpr int64_t kMaxHistory = int64_t(1) << 20;
  out.loss_history.resize(static_cast<size_t>(std::min<int64_t>(o.maxit, kMaxHistory)));
  nmf_result_init(&out.result, sizeof out.result);
  out.result.loss_history = out.loss_history.empty() ? nullptr : out.loss_history.data();
  out.result.loss_history_capacity = static_cast<int64_t>(out.loss_history.size());
  nmf_options_init(&out.options_used, sizeof out.options_used);
  out.result.options_used = &out.options_used;

  int32_t status;
  {
    InterruptGuard guard;
    const nmf_matrix A = describe(a);
    status = nmf_fit(&A, k, out.W.data(), out.d.data(), out.H.data(), &o, &out.result);
  }
  if (progress != nullptr) progress->finish();
  show_library_notice(args.quiet);
  if (status != NMF_OK && status != NMF_CANCELLED) {
    std::string detail = nmf_last_error_message();
    throw CliError(kExitLibrary, std::string("libnmf: ") + nmf_strerror(status) +
                                     (detail.empty() ? "" : ": " + with_names(detail, a, k)));
  }
  out.status = status;
  out.result.options_used = nullptr;  // out moves: the summary reads out.options_used
  out.loss_history.resize(static_cast<size_t>(
      std::clamp<int64_t>(out.result.history_length, 0,
                          static_cast<int64_t>(out.loss_history.size()))));
  return out;
}

template FitOutcome<double> run_fit<double>(const LabeledMatrix<double> &, const FitArgs &,
                                            int64_t, std::vector<double>,
                                            std::vector<double>, Progress *);
template FitOutcome<float> run_fit<float>(const LabeledMatrix<float> &, const FitArgs &,
                                          int64_t, std::vector<float>,
                                          std::vector<float>, Progress *);

}  // namespace nmfcli
