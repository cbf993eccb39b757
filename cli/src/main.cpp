// nmf — command-line front end of libnmf.  A pure consumer of nmf.h.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli_error.hpp"
#include "fit_command.hpp"
#include "rank_command.hpp"
#include "symfit_command.hpp"
#include "nmf.h"
#include "usage.hpp"

int main(int argc, char **argv) {
  using namespace nmfcli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::string help_hint = "nmf --help";
  try {
    if (args.empty()) {
      std::fputs(main_usage().c_str(), stderr);
      return kExitUsage;
    }
    const std::string &command = args[0];
    if (command == "-h" || command == "--help" || command == "help") {
      std::fputs(main_usage().c_str(), stdout);
      return kExitOk;
    }
    if (command == "--version" || command == "-V" || command == "version") {
      std::printf("nmf %s\n", nmf_version());
      return kExitOk;
    }
    static const struct {
      const char *name;
      int (*run)(const std::vector<std::string> &);
    } commands[] = {{"fit", fit_command},
                    {"rank", rank_command},
                    {"consensus", consensus_command},
                    {"symfit", symfit_command}};
    for (const auto &c : commands) {
      if (command != c.name) continue;
      help_hint = std::string("nmf ") + c.name + " --help";
      return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    throw usage_error("unknown command '" + command + "'");
  } catch (const CliError &e) {
    if (e.exit_status() == kExitUsage) {
      std::fprintf(stderr, "nmf: error: %s (see '%s')\n", e.what(), help_hint.c_str());
    } else {
      std::fprintf(stderr, "nmf: error: %s\n", e.what());
    }
    return e.exit_status();
  } catch (const std::bad_alloc &) {
    std::fputs("nmf: error: out of memory\n", stderr);
    return kExitInput;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "nmf: error: %s\n", e.what());
    return kExitInput;
  }
}
