// The help texts of `nmf` and `nmf fit`.
#pragma once

#include <string>

namespace nmfcli {

std::string main_usage();
// Defaults shown are the library's own (from nmf_options_init).
std::string fit_usage();
// `nmf rank` and `nmf consensus`.
std::string rank_usage();
std::string consensus_usage();

}  // namespace nmfcli
