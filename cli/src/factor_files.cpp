#include "factor_files.hpp"

#include <unordered_map>

#include "cli_error.hpp"
#include "load_input.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

// For each wanted name, its position among have (names in the factor file).
// Identity when the lists agree; else by name, which needs unique names.
std::vector<int64_t> match_names(const std::vector<std::string> &have,
                                 const std::vector<std::string> &wanted,
                                 const std::string &path,
                                 const std::string &input, const char *what) {
  std::vector<int64_t> position(wanted.size());
  if (have == wanted) {
    for (size_t i = 0; i < wanted.size(); ++i) position[i] = static_cast<int64_t>(i);
    return position;
  }
  std::unordered_map<std::string, int64_t> index;
  for (size_t i = 0; i < have.size(); ++i) {
    if (!index.emplace(have[i], static_cast<int64_t>(i)).second) {
      throw input_error(path + ": " + what + " " + quoted(have[i]) +
                        " appears twice, so its " + what +
                        "s cannot be matched to " + input +
                        " by name; give them in the same order as " + input);
    }
  }
  std::unordered_map<std::string, int> seen;
  int64_t missing = 0;
  std::string first_missing;
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (++seen[wanted[i]] > 1) {
      throw input_error(input + ": " + what + " " + quoted(wanted[i]) +
                        " appears twice, so " + path +
                        " must list the " + what + "s in the same order");
    }
    auto it = index.find(wanted[i]);
    if (it == index.end()) {
      if (missing++ == 0) first_missing = wanted[i];
      continue;
    }
    position[i] = it->second;
  }
  if (missing > 0) {
    throw input_error(path + ": no " + what + " " + quoted(first_missing) + " of " +
                      input + (missing > 1 ? " (and " + std::to_string(missing - 1) +
                                                 " more " + what + "s)"
                                           : std::string()));
  }
  if (have.size() != wanted.size()) {
    throw input_error(path + ": has " + std::to_string(have.size()) + " " + what +
                      "s but " + input + " has " + std::to_string(wanted.size()) +
                      "; keep only the " + what + "s of " + input);
  }
  return position;
}

}  // namespace

template <typename T>
std::vector<T> read_w_file(const std::string &path, const LabeledMatrix<T> &a,
                           const std::string &input, int64_t *k) {
  LabeledMatrix<T> f = load_table<T>(path);
  std::vector<int64_t> pos = match_names(f.row_names, a.row_names, path, input, "row");
  const int64_t m = a.rows;
  *k = f.cols;
  std::vector<T> w(static_cast<size_t>(m * f.cols));
  for (int64_t c = 0; c < f.cols; ++c)
    for (int64_t i = 0; i < m; ++i)
      w[i + c * m] = f.dense[pos[i] + c * f.rows];
  return w;
}

template <typename T>
std::vector<T> read_h_file(const std::string &path, const LabeledMatrix<T> &a,
                           const std::string &input, int64_t *k) {
  LabeledMatrix<T> f = load_table<T>(path);
  std::vector<int64_t> pos = match_names(f.col_names, a.col_names, path, input, "column");
  const int64_t kk = f.rows;
  *k = kk;
  std::vector<T> h(static_cast<size_t>(kk * a.cols));
  for (int64_t j = 0; j < a.cols; ++j)
    for (int64_t r = 0; r < kk; ++r)
      h[r + j * kk] = f.dense[r + pos[j] * kk];
  return h;
}

template std::vector<double> read_w_file<double>(const std::string &, const LabeledMatrix<double> &, const std::string &, int64_t *);
template std::vector<float> read_w_file<float>(const std::string &, const LabeledMatrix<float> &, const std::string &, int64_t *);
template std::vector<double> read_h_file<double>(const std::string &, const LabeledMatrix<double> &, const std::string &, int64_t *);
template std::vector<float> read_h_file<float>(const std::string &, const LabeledMatrix<float> &, const std::string &, int64_t *);

}  // namespace nmfcli
