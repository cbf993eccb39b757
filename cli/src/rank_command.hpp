// `nmf rank` (rank survey with consensus clustering, optionally a
// randomized baseline and bi-cross-validation) and `nmf consensus` (one
// rank): read, run, write tables.
#pragma once

#include <string>
#include <vector>

namespace nmfcli {

// Return the exit status (0, or 130 after Ctrl-C) or throw CliError.
int rank_command(const std::vector<std::string> &args);
int consensus_command(const std::vector<std::string> &args);

}  // namespace nmfcli
