// 10x Genomics layouts: a directory (or an .mtx file) with name files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nmfcli {

// Where the parts of a Matrix Market input are.  The name files are "" when
// absent.
struct MtxFiles {
  std::string matrix;    // matrix.mtx(.gz)
  std::string features;  // features.tsv(.gz) or genes.tsv(.gz): row names
  std::string barcodes;  // barcodes.tsv(.gz): column names
};

// A 10x directory: matrix.mtx(.gz) and both name files must be there.
MtxFiles find_10x_directory(const std::string &directory);

// An .mtx file: the name files are used when its directory has both.
MtxFiles find_mtx_names(const std::string &mtx_path);

// Reads one name per line (blank lines skipped): the second tab-separated
// column when it exists and use_second_column is set (gene symbols in
// features.tsv), else the first.  Expects `expected` names, else an error
// that says what the matrix has.
std::vector<std::string> read_name_file(const std::string &path,
                                        bool use_second_column,
                                        int64_t expected,
                                        const std::string &matrix_path,
                                        const char *dimension);

}  // namespace nmfcli
