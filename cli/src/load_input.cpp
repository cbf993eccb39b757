#include "load_input.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string_view>

#include "cli_error.hpp"
#include "duplicate_names.hpp"
#include "memory_check.hpp"
#include "read_10x.hpp"
#include "read_mtx.hpp"
#include "read_table.hpp"

namespace nmfcli {

namespace {

std::string lower(std::string s) {
  for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string &s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The extension that names the format, after any ".gz": ".tsv", ".csv", ...
std::string format_extension(const std::string &path) {
  std::string name = lower(path.substr(path.rfind('/') + 1));
  if (ends_with(name, ".gz")) name.resize(name.size() - 3);
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : name.substr(dot);
}

std::vector<std::string> numbered(const char *stem, int64_t count) {
  // Short strings: the std::string objects themselves, about 32 bytes each.
  check_memory(double(count) * double(sizeof(std::string)),
               std::to_string(count) + " " + stem + " names");
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(count));
  for (int64_t i = 1; i <= count; ++i) names.push_back(stem + std::to_string(i));
  return names;
}

// Records a description of duplicate names in info, or with strict throws
// it.  names are the file's rows (kind "row") or columns ("column").
void check_names(const std::vector<std::string> &names, const std::string &file,
                 const char *kind, bool strict, InputInfo *info) {
  std::string dup = describe_duplicate_names(names, file, kind);
  if (dup.empty()) return;
  if (strict) throw input_error(dup + "; --strict-names requires unique names");
  info->duplicate_names.push_back(std::move(dup));
}

// The whole matrix, or with last >= 0 only the columns [first, last) (the
// names too; all_col_names, if given, receives every column's name).
template <typename T>
LabeledMatrix<T> load_mtx(const MtxFiles &files, bool transpose,
                          InputInfo *info, bool strict_names, int64_t first = 0,
                          int64_t last = -1,
                          std::vector<std::string> *all_col_names = nullptr) {
  LabeledMatrix<T> a = last < 0 ? read_mtx<T>(files.matrix, transpose)
                                : read_mtx_columns<T>(files.matrix, transpose, first, last);
  int64_t file_rows, file_cols;
  mtx_dimensions(files.matrix, transpose, &file_rows, &file_cols);
  if (transpose) std::swap(file_rows, file_cols);
  std::vector<std::string> rows, cols;
  if (!files.features.empty()) {
    rows = read_name_file(files.features, true, file_rows, files.matrix, "rows");
    cols = read_name_file(files.barcodes, false, file_cols, files.matrix, "columns");
    check_names(rows, files.features, "row", strict_names, info);
    check_names(cols, files.barcodes, "column", strict_names, info);
    info->row_names = transpose ? files.barcodes : files.features;
    info->col_names = transpose ? files.features : files.barcodes;
  } else {
    rows = numbered("row", file_rows);
    cols = numbered("col", file_cols);
  }
  a.row_names = transpose ? std::move(cols) : std::move(rows);
  a.col_names = transpose ? std::move(rows) : std::move(cols);
  if (last >= 0) {
    if (all_col_names) *all_col_names = a.col_names;
    a.col_names = std::vector<std::string>(a.col_names.begin() + first,
                                           a.col_names.begin() + last);
  }
  return a;
}

// The Matrix Market file and its name files behind INPUT, or an error for
// other formats.
MtxFiles mtx_files_of(const std::string &input, InputInfo *info) {
  *info = InputInfo();
  if (is_directory(input)) {
    MtxFiles files = find_10x_directory(input);
    info->format = "10x";
    info->matrix = files.matrix;
    return files;
  }
  if (format_extension(input) == ".mtx" || (is_regular_file(input) && looks_like_mtx(input))) {
    MtxFiles files = find_mtx_names(input);
    info->format = files.features.empty() ? "mtx" : "10x";
    info->matrix = input;
    return files;
  }
  throw usage_error(input + " is not a Matrix Market file or 10x folder; a "
                    "distributed fit reads those (each process keeps its "
                    "block of columns)");
}

}  // namespace

bool is_regular_file(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_directory(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

template <typename T>
LabeledMatrix<T> load_input(const std::string &input, bool transpose,
                            InputInfo *info, bool missing_ok, bool strict_names) {
  *info = InputInfo();
  if (is_directory(input)) {
    MtxFiles files = find_10x_directory(input);
    info->format = "10x";
    info->matrix = files.matrix;
    return load_mtx<T>(files, transpose, info, strict_names);
  }
  const std::string ext = format_extension(input);
  // An unknown extension: peek at the first line, but only in a regular
  // file; a pipe (nmf fit <(zcat x.gz)) can be read only once.
  const bool mtx = ext == ".mtx" || (ext != ".tsv" && ext != ".csv" &&
                                     ext != ".txt" && ext != ".tab" &&
                                     is_regular_file(input) && looks_like_mtx(input));
  info->matrix = input;
  if (mtx) {
    MtxFiles files = find_mtx_names(input);
    info->format = files.features.empty() ? "mtx" : "10x";
    return load_mtx<T>(files, transpose, info, strict_names);
  }
  char delimiter = ext == ".csv" ? ',' : (ext == ".tsv" || ext == ".tab") ? '\t' : 0;
  LabeledMatrix<T> a = read_table<T>(input, &delimiter, transpose, missing_ok);
  info->format = delimiter == ',' ? "csv" : "tsv";
  // In the file's terms: with transpose its rows are the result's columns.
  const std::string shown = input == "-" ? "<stdin>" : input;
  check_names(transpose ? a.col_names : a.row_names, shown, "row", strict_names, info);
  check_names(transpose ? a.row_names : a.col_names, shown, "column", strict_names, info);
  return a;
}

void input_dimensions(const std::string &input, bool transpose, int64_t *rows,
                      int64_t *cols) {
  InputInfo info;
  mtx_dimensions(mtx_files_of(input, &info).matrix, transpose, rows, cols);
}

template <typename T>
LabeledMatrix<T> load_input_columns(const std::string &input, bool transpose,
                                    int64_t first, int64_t last, InputInfo *info,
                                    std::vector<std::string> *all_col_names,
                                    bool strict_names) {
  const MtxFiles files = mtx_files_of(input, info);
  return load_mtx<T>(files, transpose, info, strict_names, first, last, all_col_names);
}

template <typename T>
LabeledMatrix<T> load_table(const std::string &path) {
  const std::string ext = format_extension(path);
  char delimiter = ext == ".csv" ? ',' : (ext == ".tsv" || ext == ".tab") ? '\t' : 0;
  return read_table<T>(path, &delimiter, false);
}

std::string default_prefix(const std::string &input) {
  if (input == "-") return "nmf";
  std::string name = input;
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  name = name.substr(name.rfind('/') + 1);
  if (is_directory(input)) return name.empty() || name == "." ? "nmf" : name;
  std::string low = lower(name);
  if (ends_with(low, ".gz")) {
    name.resize(name.size() - 3);
    low.resize(low.size() - 3);
  }
  for (const char *ext : {".tsv", ".csv", ".txt", ".tab", ".mtx"}) {
    if (ends_with(low, ext)) {
      name.resize(name.size() - std::string_view(ext).size());
      break;
    }
  }
  return name.empty() ? "nmf" : name;
}

template LabeledMatrix<double> load_input<double>(const std::string &, bool, InputInfo *,
                                                  bool, bool);
template LabeledMatrix<float> load_input<float>(const std::string &, bool, InputInfo *, bool,
                                                bool);
template LabeledMatrix<double> load_input_columns<double>(
    const std::string &, bool, int64_t, int64_t, InputInfo *, std::vector<std::string> *,
    bool);
template LabeledMatrix<float> load_input_columns<float>(
    const std::string &, bool, int64_t, int64_t, InputInfo *, std::vector<std::string> *,
    bool);
template LabeledMatrix<double> load_table<double>(const std::string &);
template LabeledMatrix<float> load_table<float>(const std::string &);

}  // namespace nmfcli
