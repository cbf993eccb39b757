// Writing W, H and the JSON summary.
#pragma once

#include <string>

#include "args.hpp"
#include "load_input.hpp"
#include "matrix.hpp"
#include "run_fit.hpp"

namespace nmfcli {

struct OutputPaths {
  std::string w;        // PREFIX_W.tsv
  std::string h;        // PREFIX_H.tsv
  std::string summary;  // PREFIX_summary.json
};

OutputPaths output_paths(const std::string &prefix);

// Fails early (before reading and fitting) when the outputs cannot be
// written: the prefix's directory must exist and be writable.
void check_output_location(const std::string &prefix);

// Writes the three files, each through a temporary file renamed into place,
// so a reader never sees half a file.
template <typename T>
void write_outputs(const OutputPaths &paths, const LabeledMatrix<T> &a,
                   const FitOutcome<T> &fit, const FitArgs &args,
                   const InputInfo &info);

}  // namespace nmfcli
