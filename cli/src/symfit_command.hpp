// `nmf symfit`: symmetric NMF (A ≈ H Hᵀ) of a network, for communities and
// link scores.
#pragma once

#include <string>
#include <vector>

namespace nmfcli {

std::string symfit_usage();
// Runs the command on the arguments after "symfit"; returns the exit status.
int symfit_command(const std::vector<std::string> &args);

}  // namespace nmfcli
