// The library's options (nmf.h, "options, described") as command-line
// options: each described option is --NAME VALUE (underscores as dashes;
// n_threads is --threads), parsed, bounded and documented from what the
// library reports, so the tool never copies a name, default or limit.
#pragma once
#include <string>
#include <vector>

#include "nmf.h"

namespace nmfcli {

struct LibraryOption {
  nmf_option_desc desc;
  int32_t index;
  std::string flag;  // "--hals-delta"
};

// Every option the library describes, in its order.
const std::vector<LibraryOption> &library_options();

// Parses text for option o into opts (through its offset); throws
// usage_error naming the flag, the bounds or the known names.
void set_library_option(nmf_options &opts, const LibraryOption &o, const std::string &text);

// The value of option o in opts, as the command line would write it.
std::string library_option_text(const nmf_options &opts, const LibraryOption &o);

// The help lines of every library option, with the defaults of nmf_options_init.
std::string library_options_usage();

// The name of value among option's choices (e.g. "loss", 1 -> "kl"), or "unknown".
const char *choice_text(const char *option, int32_t value);

}  // namespace nmfcli
