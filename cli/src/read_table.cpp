#include "read_table.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <string_view>
#include <vector>

#include "cli_error.hpp"
#include "line_reader.hpp"
#include "memory_check.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

char sniff_delimiter(std::string_view header) {
  if (header.find('\t') != std::string_view::npos) return '\t';
  if (header.find(',') != std::string_view::npos) return ',';
  return '\t';
}

// The reason a cell is not a usable entry, or "" when *value is set.
// With missing_ok (--missing na), an NA/empty/NaN cell is read as NaN.
template <typename T>
std::string parse_cell(std::string_view cell, double *value, bool missing_ok) {
  switch (parse_number(cell, value)) {
    case NumberStatus::kOk:
      return check_entry<T>(*value, cell);
    case NumberStatus::kMissing:
      if (missing_ok) {
        *value = std::numeric_limits<double>::quiet_NaN();
        return std::string();
      }
      return (cell.empty() ? std::string("empty cell")
                           : "missing value " + quoted(cell)) +
             ": missing values need --missing na (or remove or impute them)";
    case NumberStatus::kNotANumber:
      return "not a number: " + quoted(cell);
    case NumberStatus::kNotFinite:
      if (missing_ok && (cell.find("nan") != std::string_view::npos ||
                         cell.find("NaN") != std::string_view::npos ||
                         cell.find("NAN") != std::string_view::npos)) {
        *value = std::numeric_limits<double>::quiet_NaN();
        return std::string();
      }
      return "value " + quoted(cell) + " is not finite";
    case NumberStatus::kOutOfRange:
      return "value " + quoted(cell) + " is too large for a double";
  }
  return "unreadable cell";
}

}  // namespace

template <typename T>
std::string check_entry(double v, std::string_view text) {
  if (v < 0) {
    return "negative value " + quoted(text) + ": NMF needs non-negative data";
  }
  if (v > static_cast<double>(std::numeric_limits<T>::max())) {
    return "value " + quoted(text) +
           " is too large for single precision (drop --float)";
  }
  return std::string();
}

template <typename T>
LabeledMatrix<T> read_table(const std::string &path, char *delimiter_io,
                            bool transpose, bool missing_ok) {
  LineReader reader(path);
  const std::string shown = path == "-" ? "<stdin>" : path;  // for messages
  std::string_view line;
  std::vector<std::string_view> fields;
  std::deque<std::string> scratch;

  // ---- header
  bool have_header = false;
  while (reader.next(line)) {
    if (reader.line_number() == 1) line = strip_bom(line);
    if (!is_blank(line)) {
      have_header = true;
      break;
    }
  }
  if (!have_header) throw input_error(shown + ": empty file");
  const long long header_line = reader.line_number();
  if (line.substr(0, 14) == "%%MatrixMarket") {
    throw file_error(shown, header_line,
                     "a Matrix Market file where a table was expected; name it "
                     ".mtx or .mtx.gz (Matrix Market is not read from pipes)");
  }
  if (*delimiter_io == 0) *delimiter_io = sniff_delimiter(line);
  const char delimiter = *delimiter_io;
  std::string why = split_fields(line, delimiter, &fields, &scratch);
  if (!why.empty()) throw file_error(shown, header_line, why);
  std::vector<std::string> header(fields.begin(), fields.end());
  if (header.size() >= 2) {
    bool all_numbers = true;
    for (size_t c = 1; c < header.size() && all_numbers; ++c) {
      double v;
      all_numbers = parse_number(header[c], &v) == NumberStatus::kOk;
    }
    if (all_numbers) {
      throw file_error(shown, header_line,
                       "missing header line: the first line holds numbers, "
                       "but it must name the samples (columns)");
    }
  }

  // ---- data rows, kept row-major in blocks of whole rows
  int64_t n = -1;  // values per row, fixed by the first data row
  int64_t m = 0;
  size_t first_name = 0;  // index in header of the first column name
  std::vector<std::vector<T>> blocks;
  int64_t rows_per_block = 0;
  std::vector<std::string> row_names;
  while (reader.next(line)) {
    if (is_blank(line)) continue;
    const long long ln = reader.line_number();
    why = split_fields(line, delimiter, &fields, &scratch);
    if (!why.empty()) throw file_error(shown, ln, why);
    const int64_t found = static_cast<int64_t>(fields.size());
    if (n < 0) {
      // The header either labels the name column ("gene", "") or not.
      const int64_t h = static_cast<int64_t>(header.size());
      if (found == h) {
        n = h - 1;
        first_name = 1;
      } else if (found == h + 1) {
        n = h;
        first_name = 0;
      } else {
        throw file_error(
            shown, ln,
            "expected " + std::to_string(h) + " fields (a name and " +
                std::to_string(h - 1) + " values, as the header on line " +
                std::to_string(header_line) + " has " + std::to_string(h) +
                " cells), found " + std::to_string(found));
      }
      if (n == 0) {
        throw file_error(shown, header_line,
                         "no sample columns: the header has only one cell");
      }
      for (size_t c = first_name; c < header.size(); ++c) {
        std::string bad = check_name(header[c]);
        if (!bad.empty()) {
          throw file_error(shown, header_line,
                           "column " + std::to_string(c + 1) + " name " +
                               quoted(header[c]) + ": " + bad);
        }
      }
      rows_per_block = std::max<int64_t>(1, (int64_t(1) << 20) / n);
    } else if (found != n + 1) {
      throw file_error(shown, ln,
                       "expected " + std::to_string(n + 1) + " fields (a name and " +
                           std::to_string(n) + " values), found " +
                           std::to_string(found));
    }
    if (fields[0].empty()) throw file_error(shown, ln, "empty row name in column 1");
    std::string bad = check_name(fields[0]);
    if (!bad.empty()) {
      throw file_error(shown, ln, "row name " + quoted(fields[0]) + ": " + bad);
    }
    if (m + 1 > std::numeric_limits<int64_t>::max() / n ||
        static_cast<uint64_t>((m + 1) * n) >
            std::numeric_limits<size_t>::max() / sizeof(T)) {
      throw file_error(shown, ln, "the matrix is too large to hold in memory");
    }
    if (m % rows_per_block == 0) {
      // Each block within the memory still free, as for any matrix.
      check_memory(double(rows_per_block) * double(n) * sizeof(T),
                   "the values from line " + std::to_string(ln) + " of " + shown);
      blocks.emplace_back();
      blocks.back().reserve(static_cast<size_t>(rows_per_block * n));
    }
    std::vector<T> &block = blocks.back();
    for (int64_t j = 0; j < n; ++j) {
      double v;
      std::string reason = parse_cell<T>(fields[j + 1], &v, missing_ok);
      if (!reason.empty()) {
        throw file_error(shown, ln,
                         "column " + std::to_string(j + 2) + " (" +
                             quoted(header[first_name + j]) + "), row " +
                             quoted(fields[0]) + ": " + reason);
      }
      block.push_back(static_cast<T>(v));
    }
    row_names.emplace_back(fields[0]);
    ++m;
  }
  if (n < 0) {
    throw input_error(shown + ": no data rows after the header on line " +
                      std::to_string(header_line));
  }

  LabeledMatrix<T> out;
  out.sparse = false;
  std::vector<std::string> col_names(header.begin() + first_name, header.end());
  out.dense.resize(static_cast<size_t>(m * n));
  T *dst = out.dense.data();
  int64_t i0 = 0;
  for (std::vector<T> &block : blocks) {
    const int64_t rows_in_block = static_cast<int64_t>(block.size()) / n;
    if (transpose) {  // row-major genes x samples = column-major samples x genes
      std::copy(block.begin(), block.end(), dst + i0 * n);
    } else {
      // Column by column: contiguous writes, reads within one cached block.
      for (int64_t j = 0; j < n; ++j)
        for (int64_t r = 0; r < rows_in_block; ++r)
          dst[(i0 + r) + j * m] = block[static_cast<size_t>(r * n + j)];
    }
    i0 += rows_in_block;
    std::vector<T>().swap(block);  // free as we go
  }
  if (transpose) {
    out.rows = n;
    out.cols = m;
    out.row_names = std::move(col_names);
    out.col_names = std::move(row_names);
  } else {
    out.rows = m;
    out.cols = n;
    out.row_names = std::move(row_names);
    out.col_names = std::move(col_names);
  }
  return out;
}

template std::string check_entry<double>(double, std::string_view);
template std::string check_entry<float>(double, std::string_view);
template LabeledMatrix<double> read_table<double>(const std::string &, char *, bool, bool);
template LabeledMatrix<float> read_table<float>(const std::string &, char *, bool, bool);

}  // namespace nmfcli
