// Finding out what INPUT is and reading it with the right reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "matrix.hpp"

namespace nmfcli {

// What was read, for the summary and for error messages.
struct InputInfo {
  std::string format;      // "tsv", "csv", "mtx" or "10x"
  std::string matrix;      // the file holding the values
  std::string row_names;   // file the row names came from ("" = matrix)
  std::string col_names;   // file the column names came from ("" = matrix)
  // Duplicate row or column names, one line each, in the file's terms
  // ("x.tsv: row name 'g1' appears twice (rows 1 and 3)"), for the caller
  // to print as warnings.
  std::vector<std::string> duplicate_names;
};

// Reads INPUT: a TSV/CSV table (plain or .gz, "-" = stdin), a Matrix Market
// file, or a 10x Genomics directory.  With transpose, the transpose.  With
// missing_ok, a table's missing-value cells (NA, empty, ...) become NaN.
// Duplicate row or column names are listed in info->duplicate_names, or
// with strict_names are an input error.
template <typename T>
LabeledMatrix<T> load_input(const std::string &input, bool transpose,
                            InputInfo *info, bool missing_ok = false,
                            bool strict_names = false);

// For a distributed fit: the dimensions of a Matrix Market INPUT (file or
// 10x folder) from its header, and the block of columns [first, last) with
// its names (all_col_names, if not null, receives every column's name;
// every column's name is checked for duplicates as load_input does).
// Other formats are a usage error.
void input_dimensions(const std::string &input, bool transpose, int64_t *rows,
                      int64_t *cols);
template <typename T>
LabeledMatrix<T> load_input_columns(const std::string &input, bool transpose,
                                    int64_t first, int64_t last, InputInfo *info,
                                    std::vector<std::string> *all_col_names,
                                    bool strict_names = false);

// Reads a factor table (W or H as nmf writes them; any table works).
template <typename T>
LabeledMatrix<T> load_table(const std::string &path);

// INPUT's name without directory and known extensions ("data/x.tsv.gz" ->
// "x"); the default output prefix.
std::string default_prefix(const std::string &input);

bool is_directory(const std::string &path);
bool is_regular_file(const std::string &path);

}  // namespace nmfcli
