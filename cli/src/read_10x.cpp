#include "read_10x.hpp"

#include <sys/stat.h>

#include <deque>
#include <initializer_list>
#include <string_view>

#include "cli_error.hpp"
#include "line_reader.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

bool is_file(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The first of the candidate names that exists in directory, or "".
std::string first_existing(const std::string &directory,
                           std::initializer_list<const char *> names) {
  std::string prefix = directory;
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  for (const char *name : names) {
    if (is_file(prefix + name)) return prefix + name;
  }
  return std::string();
}

std::string features_in(const std::string &directory) {
  return first_existing(directory, {"features.tsv.gz", "features.tsv",
                                    "genes.tsv.gz", "genes.tsv"});
}

std::string barcodes_in(const std::string &directory) {
  return first_existing(directory, {"barcodes.tsv.gz", "barcodes.tsv"});
}

}  // namespace

MtxFiles find_10x_directory(const std::string &directory) {
  MtxFiles files;
  files.matrix = first_existing(directory, {"matrix.mtx.gz", "matrix.mtx"});
  files.features = features_in(directory);
  files.barcodes = barcodes_in(directory);
  if (files.matrix.empty()) {
    throw input_error(directory +
                      ": a directory input must be a 10x Genomics matrix "
                      "directory, but it has no matrix.mtx.gz or matrix.mtx");
  }
  if (files.features.empty() || files.barcodes.empty()) {
    throw input_error(directory + ": 10x Genomics directory without " +
                      (files.features.empty()
                           ? "features.tsv.gz (or genes.tsv.gz)"
                           : "barcodes.tsv.gz"));
  }
  return files;
}

MtxFiles find_mtx_names(const std::string &mtx_path) {
  MtxFiles files;
  files.matrix = mtx_path;
  size_t slash = mtx_path.rfind('/');
  std::string directory =
      slash == std::string::npos ? std::string(".") : mtx_path.substr(0, slash + 1);
  std::string features = features_in(directory);
  std::string barcodes = barcodes_in(directory);
  if (!features.empty() && !barcodes.empty()) {
    files.features = features;
    files.barcodes = barcodes;
  }
  return files;
}

std::vector<std::string> read_name_file(const std::string &path,
                                        bool use_second_column,
                                        int64_t expected,
                                        const std::string &matrix_path,
                                        const char *dimension) {
  LineReader reader(path);
  std::vector<std::string> names;
  std::vector<std::string_view> fields;
  std::deque<std::string> scratch;
  std::string_view line;
  while (reader.next(line)) {
    if (reader.line_number() == 1) line = strip_bom(line);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::string why = split_fields(line, '\t', &fields, &scratch);
    if (!why.empty()) throw file_error(path, reader.line_number(), why);
    std::string_view name =
        use_second_column && fields.size() >= 2 && !fields[1].empty() ? fields[1]
                                                                      : fields[0];
    if (name.empty()) throw file_error(path, reader.line_number(), "empty name");
    why = check_name(name);
    if (!why.empty()) {
      throw file_error(path, reader.line_number(), "name " + quoted(name) + ": " + why);
    }
    if (static_cast<int64_t>(names.size()) == expected) {
      throw file_error(path, reader.line_number(),
                       "more names than the " + std::to_string(expected) + " " +
                           dimension + " of " + matrix_path);
    }
    names.emplace_back(name);
  }
  if (static_cast<int64_t>(names.size()) != expected) {
    throw input_error(path + ": has " + std::to_string(names.size()) +
                      " names, but " + matrix_path + " has " +
                      std::to_string(expected) + " " + dimension);
  }
  return names;
}

}  // namespace nmfcli
