// Finding out what INPUT is and reading it with the right reader.
#pragma once

#include <string>

#include "matrix.hpp"

namespace nmfcli {

// What was read, for the summary and for error messages.
struct InputInfo {
  std::string format;      // "tsv", "csv", "mtx" or "10x"
  std::string matrix;      // the file holding the values
  std::string row_names;   // file the row names came from ("" = matrix)
  std::string col_names;   // file the column names came from ("" = matrix)
};

// Reads INPUT: a TSV/CSV table (plain or .gz, "-" = stdin), a Matrix Market
// file, or a 10x Genomics directory.  With transpose, the transpose.  With
// missing_ok, a table's missing-value cells (NA, empty, ...) become NaN.
template <typename T>
LabeledMatrix<T> load_input(const std::string &input, bool transpose,
                            InputInfo *info, bool missing_ok = false);

// Reads a factor table (W or H as nmf writes them; any table works).
template <typename T>
LabeledMatrix<T> load_table(const std::string &path);

// INPUT's name without directory and known extensions ("data/x.tsv.gz" ->
// "x"); the default output prefix.
std::string default_prefix(const std::string &input);

bool is_directory(const std::string &path);
bool is_regular_file(const std::string &path);

}  // namespace nmfcli
