#include "read_mtx.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "cli_error.hpp"
#include "line_reader.hpp"
#include "memory_check.hpp"
#include "read_table.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

constexpr std::string_view kBanner = "%%MatrixMarket";

// Splits on runs of spaces and tabs; returns the number of tokens, storing
// at most max_tokens of them.
size_t tokenize(std::string_view line, std::string_view *tokens,
                size_t max_tokens) {
  size_t count = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (count < max_tokens) tokens[count] = line.substr(start, i - start);
    ++count;
  }
  return count;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

struct MtxHeader {
  int64_t rows = 0;     // M as in the file
  int64_t cols = 0;     // N as in the file
  int64_t entries = 0;  // declared number of entries
  long long size_line = 0;
};

// Reads the banner, comments and size line, leaving reader at the entries.
MtxHeader read_header(LineReader &reader) {
  const std::string &path = reader.path();
  std::string_view line;
  if (!reader.next(line)) throw input_error(path + ": empty file");
  line = strip_bom(line);
  std::string_view tok[6];
  size_t count = tokenize(line, tok, 6);
  if (count == 0 || tok[0] != kBanner) {
    throw file_error(path, 1,
                     "not a Matrix Market file: the first line must start "
                     "with '%%MatrixMarket'");
  }
  if (count != 5) {
    throw file_error(path, 1,
                     "malformed Matrix Market banner: expected "
                     "'%%MatrixMarket matrix coordinate real general'");
  }
  const std::string object = lower(tok[1]), format = lower(tok[2]),
                    field = lower(tok[3]), symmetry = lower(tok[4]);
  if (object != "matrix") {
    throw file_error(path, 1, "Matrix Market object " + quoted(tok[1]) +
                                  " is not supported (expected 'matrix')");
  }
  if (format == "array") {
    throw file_error(path, 1,
                     "dense 'array' Matrix Market files are not supported; "
                     "use 'coordinate' format, or a TSV file for dense data");
  }
  if (format != "coordinate") {
    throw file_error(path, 1, "unknown Matrix Market format " + quoted(tok[2]) +
                                  " (expected 'coordinate')");
  }
  if (field == "pattern") {
    throw file_error(path, 1,
                     "'pattern' matrices have no values; NMF needs a "
                     "numeric ('real' or 'integer') matrix");
  }
  if (field != "real" && field != "integer" && field != "double") {
    throw file_error(path, 1, "Matrix Market field " + quoted(tok[3]) +
                                  " is not supported (expected 'real' or 'integer')");
  }
  if (symmetry != "general") {
    throw file_error(path, 1, "Matrix Market symmetry " + quoted(tok[4]) +
                                  " is not supported (expected 'general')");
  }

  MtxHeader h;
  while (reader.next(line)) {
    if (line.empty() || line[0] == '%' || is_blank(line)) continue;
    h.size_line = reader.line_number();
    long long v[3];
    count = tokenize(line, tok, 3);
    bool ok = count == 3;
    for (size_t t = 0; ok && t < 3; ++t) ok = parse_int64(tok[t], &v[t]);
    if (!ok) {
      throw file_error(path, h.size_line,
                       "malformed size line: expected 'ROWS COLUMNS ENTRIES' "
                       "(three integers), found " + quoted(line));
    }
    if (v[0] < 1 || v[1] < 1) {
      throw file_error(path, h.size_line,
                       "the matrix is empty (" + std::to_string(v[0]) + " x " +
                           std::to_string(v[1]) + ")");
    }
    if (v[2] < 0) {
      throw file_error(path, h.size_line, "negative number of entries");
    }
    if (v[0] <= std::numeric_limits<int64_t>::max() / v[1] && v[2] > v[0] * v[1]) {
      throw file_error(path, h.size_line,
                       "declares " + std::to_string(v[2]) +
                           " entries, more than the " + std::to_string(v[0]) +
                           " x " + std::to_string(v[1]) + " cells");
    }
    h.rows = v[0];
    h.cols = v[1];
    h.entries = v[2];
    return h;
  }
  throw input_error(path + ": no size line after the Matrix Market banner");
}

// Parses one entry line into 1-based file indices and the value; throws a
// "FILE:LINE: reason" error for anything wrong.
template <typename T>
void parse_entry(std::string_view line, const LineReader &reader,
                 const MtxHeader &h, int64_t *i, int64_t *j, T *value) {
  std::string_view tok[3];
  size_t count = tokenize(line, tok, 3);
  if (count != 3) {
    throw file_error(reader.path(), reader.line_number(),
                     "expected 'ROW COLUMN VALUE', found " +
                         plural(static_cast<long long>(count), "field", "fields"));
  }
  long long ii, jj;
  if (!parse_int64(tok[0], &ii) || !parse_int64(tok[1], &jj)) {
    throw file_error(reader.path(), reader.line_number(),
                     "row and column must be integers, found " + quoted(tok[0]) +
                         " and " + quoted(tok[1]));
  }
  if (ii < 1 || ii > h.rows) {
    throw file_error(reader.path(), reader.line_number(),
                     "row index " + std::to_string(ii) + " out of range 1.." +
                         std::to_string(h.rows));
  }
  if (jj < 1 || jj > h.cols) {
    throw file_error(reader.path(), reader.line_number(),
                     "column index " + std::to_string(jj) + " out of range 1.." +
                         std::to_string(h.cols));
  }
  double v = 0;
  std::string why;
  switch (parse_number(tok[2], &v)) {
    case NumberStatus::kOk: why = check_entry<T>(v, tok[2]); break;
    case NumberStatus::kMissing:
      why = "missing value " + quoted(tok[2]) + ": missing values are not supported";
      break;
    case NumberStatus::kNotANumber: why = "not a number: " + quoted(tok[2]); break;
    case NumberStatus::kNotFinite:
      why = "value " + quoted(tok[2]) + " is not finite";
      break;
    case NumberStatus::kOutOfRange:
      why = "value " + quoted(tok[2]) + " is too large for a double";
      break;
  }
  if (!why.empty()) {
    throw file_error(reader.path(), reader.line_number(),
                     "entry (" + std::to_string(ii) + ", " + std::to_string(jj) +
                         "): " + why);
  }
  *i = ii;
  *j = jj;
  *value = static_cast<T>(v);
}

// Lines of the file holding entry (i, j) (1-based file indices); used only
// to report a duplicate, so the fast path keeps no line numbers.
std::vector<long long> lines_of_entry(const std::string &path, int64_t i,
                                      int64_t j) {
  LineReader reader(path);
  read_header(reader);
  std::vector<long long> lines;
  std::string_view line, tok[3];
  while (reader.next(line)) {
    if (line.empty() || line[0] == '%' || is_blank(line)) continue;
    long long ii, jj;
    if (tokenize(line, tok, 3) >= 2 && parse_int64(tok[0], &ii) &&
        parse_int64(tok[1], &jj) && ii == i && jj == j) {
      lines.push_back(reader.line_number());
    }
  }
  return lines;
}

// Reads the entries; keeps the columns [first, last) of the result (all of
// them when last < 0), renumbered from 0.
template <typename T, typename I>
LabeledMatrix<T> read_entries(LineReader &reader, const MtxHeader &h,
                              bool transpose, int64_t first = 0,
                              int64_t last = -1) {
  const std::string &path = reader.path();
  const int64_t rows = transpose ? h.cols : h.rows;
  const int64_t all_cols = transpose ? h.rows : h.cols;
  if (last < 0) last = all_cols;
  const int64_t cols = last - first;
  const bool block = cols != all_cols;

  // Triplets in file order (0-based, already transposed if asked).
  std::vector<I> trip_row, trip_col;
  std::vector<T> trip_val;
  std::vector<int64_t> col_ptr;
  // The declared sizes, before anything is allocated for them: the column
  // pointers, the triplets and their sorted copy.
  const std::string where = path + ":" + std::to_string(h.size_line) + ": a " +
                            std::to_string(h.rows) + " x " + std::to_string(h.cols) +
                            " matrix with " + std::to_string(h.entries) + " entries";
  check_memory(8.0 * (double(cols) + 1) +
                   2.0 * double(h.entries) * double(2 * sizeof(I) + sizeof(T)),
               where);
  try {
    // A block's share of the entries is not known in advance.
    const size_t expect = block ? 0 : static_cast<size_t>(h.entries);
    trip_row.reserve(expect);
    trip_col.reserve(expect);
    trip_val.reserve(expect);
    col_ptr.assign(static_cast<size_t>(cols) + 1, 0);
  } catch (const std::exception &) {  // bad_alloc or length_error
    throw file_error(path, h.size_line,
                     "not enough memory for a " + std::to_string(h.rows) + " x " +
                         std::to_string(h.cols) + " matrix with " +
                         std::to_string(h.entries) + " entries");
  }
  bool sorted_by_column = true;
  int64_t previous_col = 0;

  std::string_view line;
  int64_t found = 0;
  while (reader.next(line)) {
    if (line.empty() || line[0] == '%' || is_blank(line)) continue;
    if (found == h.entries) {
      throw file_error(path, reader.line_number(),
                       "more entries than the " + std::to_string(h.entries) +
                           " declared on line " + std::to_string(h.size_line));
    }
    int64_t i, j;
    T v;
    parse_entry<T>(line, reader, h, &i, &j, &v);
    int64_t r = (transpose ? j : i) - 1;
    int64_t c = (transpose ? i : j) - 1 - first;
    ++found;
    if (c < 0 || c >= cols) continue;  // another process's column
    trip_row.push_back(static_cast<I>(r));
    trip_col.push_back(static_cast<I>(c));
    trip_val.push_back(v);
    ++col_ptr[static_cast<size_t>(c) + 1];
    if (c < previous_col) sorted_by_column = false;
    previous_col = c;
  }
  if (found != h.entries) {
    throw input_error(path + ": expected " + std::to_string(h.entries) +
                      " entries (declared on line " + std::to_string(h.size_line) +
                      "), found " + std::to_string(found) + " (truncated file?)");
  }
  for (int64_t c = 0; c < cols; ++c) col_ptr[c + 1] += col_ptr[c];

  // Group by column: in place when the file is column-sorted (10x, R's
  // writeMM), else a stable counting sort.
  std::vector<I> row_ind;
  std::vector<T> values;
  if (sorted_by_column) {
    row_ind = std::move(trip_row);
    values = std::move(trip_val);
  } else {
    row_ind.resize(trip_row.size());
    values.resize(trip_val.size());
    std::vector<int64_t> next(col_ptr.begin(), col_ptr.end() - 1);
    for (size_t e = 0; e < trip_row.size(); ++e) {
      int64_t dst = next[static_cast<size_t>(trip_col[e])]++;
      row_ind[dst] = trip_row[e];
      values[dst] = trip_val[e];
    }
    std::vector<I>().swap(trip_row);
    std::vector<T>().swap(trip_val);
  }
  std::vector<I>().swap(trip_col);

  // Rows strictly increasing within each column; duplicates are an error.
  std::vector<std::pair<I, T>> column;
  for (int64_t c = 0; c < cols; ++c) {
    const int64_t begin = col_ptr[c], end = col_ptr[c + 1];
    bool increasing = true;
    for (int64_t e = begin + 1; e < end && increasing; ++e)
      increasing = row_ind[e - 1] < row_ind[e];
    if (increasing) continue;
    column.clear();
    for (int64_t e = begin; e < end; ++e) column.emplace_back(row_ind[e], values[e]);
    std::stable_sort(column.begin(), column.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (size_t e = 1; e < column.size(); ++e) {
      if (column[e - 1].first == column[e].first) {
        int64_t r = column[e].first;
        int64_t fi = (transpose ? c + first : r) + 1, fj = (transpose ? r : c + first) + 1;
        const std::string entry =
            "entry (" + std::to_string(fi) + ", " + std::to_string(fj) + ")";
        std::vector<long long> lines = lines_of_entry(path, fi, fj);
        if (lines.size() >= 2) {
          throw file_error(path, lines[1],
                           "duplicate " + entry + ", first given on line " +
                               std::to_string(lines[0]) +
                               "; each entry may appear only once");
        }
        throw input_error(path + ": " + entry + " appears more than once");
      }
    }
    for (int64_t e = begin; e < end; ++e) {
      row_ind[e] = column[static_cast<size_t>(e - begin)].first;
      values[e] = column[static_cast<size_t>(e - begin)].second;
    }
  }

  LabeledMatrix<T> out;
  out.sparse = true;
  out.rows = rows;
  out.cols = cols;
  out.col_ptr = std::move(col_ptr);
  if constexpr (std::is_same_v<I, int32_t>) {
    out.row_ind32 = std::move(row_ind);
  } else {
    out.wide_index = true;
    out.row_ind64 = std::move(row_ind);
  }
  out.values = std::move(values);
  return out;
}

}  // namespace

bool looks_like_mtx(const std::string &path) {
  LineReader reader(path);
  std::string_view line;
  return reader.next(line) && strip_bom(line).substr(0, kBanner.size()) == kBanner;
}

template <typename T>
LabeledMatrix<T> read_mtx(const std::string &path, bool transpose) {
  LineReader reader(path);
  MtxHeader h = read_header(reader);
  if (std::max(h.rows, h.cols) <= std::numeric_limits<int32_t>::max())
    return read_entries<T, int32_t>(reader, h, transpose);
  return read_entries<T, int64_t>(reader, h, transpose);
}

template <typename T>
LabeledMatrix<T> read_mtx_columns(const std::string &path, bool transpose,
                                  int64_t first, int64_t last) {
  LineReader reader(path);
  MtxHeader h = read_header(reader);
  const int64_t all_cols = transpose ? h.rows : h.cols;
  if (first < 0 || last < first || last > all_cols)
    throw input_error(path + ": columns [" + std::to_string(first) + ", " +
                      std::to_string(last) + ") are not within the " +
                      std::to_string(all_cols) + " columns");
  if (std::max(h.rows, h.cols) <= std::numeric_limits<int32_t>::max())
    return read_entries<T, int32_t>(reader, h, transpose, first, last);
  return read_entries<T, int64_t>(reader, h, transpose, first, last);
}

void mtx_dimensions(const std::string &path, bool transpose, int64_t *rows,
                    int64_t *cols) {
  LineReader reader(path);
  const MtxHeader h = read_header(reader);
  *rows = transpose ? h.cols : h.rows;
  *cols = transpose ? h.rows : h.cols;
}

template LabeledMatrix<double> read_mtx_columns<double>(const std::string &, bool,
                                                        int64_t, int64_t);
template LabeledMatrix<float> read_mtx_columns<float>(const std::string &, bool,
                                                      int64_t, int64_t);
template LabeledMatrix<double> read_mtx<double>(const std::string &, bool);
template LabeledMatrix<float> read_mtx<float>(const std::string &, bool);

}  // namespace nmfcli
