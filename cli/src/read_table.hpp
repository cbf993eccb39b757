// Reading delimited text tables (TSV, CSV; plain or gzip).
#pragma once

#include <string>
#include <string_view>

#include "matrix.hpp"

namespace nmfcli {

// Reads a table with a header line of column names and a first column of row
// names (genes x samples), numeric entries that must be finite and
// non-negative.  The header's first cell may be a label ("gene") or absent.
// *delimiter is '\t' or ','; 0 picks one from the header line and sets it.  With
// transpose the result is the transpose (samples x genes).  Every problem is
// reported as "FILE:LINE: reason".  With missing_ok, missing-value cells
// (empty, NA, N/A, ...) are read as NaN (for --missing na).
template <typename T>
LabeledMatrix<T> read_table(const std::string &path, char *delimiter,
                            bool transpose, bool missing_ok = false);

// Checks that v, parsed from text, is a usable entry; "" or the reason it is
// not (negative, or too large for float).  Shared by the readers so they say
// the same thing.
template <typename T>
std::string check_entry(double v, std::string_view text);

}  // namespace nmfcli
