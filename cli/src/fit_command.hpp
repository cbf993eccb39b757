// `nmf fit`: read, factor, write.
#pragma once

#include <string>
#include <vector>

namespace nmfcli {

// Runs `nmf fit` with the arguments after "fit"; returns the exit status
// (0, or 130 after Ctrl-C) or throws CliError.
int fit_command(const std::vector<std::string> &args);

}  // namespace nmfcli
