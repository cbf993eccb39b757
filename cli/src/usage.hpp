// The help texts of `nmf` and `nmf fit`.
#pragma once

#include <string>

namespace nmfcli {

std::string main_usage();
// Defaults shown are the library's own (from nmf_options_init).
std::string fit_usage();

}  // namespace nmfcli
