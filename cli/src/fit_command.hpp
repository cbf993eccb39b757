// `nmf fit`: read, factor, write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "args.hpp"
#include "load_input.hpp"
#include "progress.hpp"

namespace nmfcli {

// Sets *k from a factor file (`option` PATH holding from_file factors),
// checking it against -k and the other factor file.
void agree_on_k(int64_t *k, int64_t from_file, const std::string &option,
                const std::string &path);

// The library's rank rule (nmf_check_rank) for input (rows x cols), checked
// before W and H are allocated so that a mistyped -k cannot ask for
// terabytes; a usage error with the library's message otherwise.
void check_rank(int64_t k, int64_t rows, int64_t cols, const std::string &input);

// Prints what reading the input found worth a warning (duplicate names) as
// "nmf: warning: ..." lines on stderr.
void print_input_warnings(const InputInfo &info);

// The progress display the arguments and stderr ask for.
Progress::Style progress_style(const FitArgs &args);

// Runs `nmf fit` with the arguments after "fit"; returns the exit status
// (0, or 130 after Ctrl-C) or throws CliError.
int fit_command(const std::vector<std::string> &args);

}  // namespace nmfcli
