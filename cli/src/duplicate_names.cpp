#include "duplicate_names.hpp"

#include <string_view>
#include <unordered_map>

#include "text.hpp"

namespace nmfcli {

std::string describe_duplicate_names(const std::vector<std::string> &names,
                                     const std::string &file, const char *kind) {
  // Name -> index of its first occurrence.
  std::unordered_map<std::string_view, size_t> first;
  first.reserve(names.size());
  size_t dup_first = 0, dup_second = 0;  // positions of the first repeat
  bool found = false;
  size_t repeated = 0;  // names that occur again after their first time
  std::unordered_map<std::string_view, size_t> extra;  // name -> repeats
  for (size_t i = 0; i < names.size(); ++i) {
    auto [it, inserted] = first.emplace(names[i], i);
    if (inserted) continue;
    if (!found) {
      found = true;
      dup_first = it->second;
      dup_second = i;
    }
    if (extra[names[i]]++ == 0) ++repeated;
  }
  if (!found) return std::string();
  const std::string &name = names[dup_first];
  const size_t count = extra[name] + 1;
  const std::string k(kind);
  std::string out = file + ": " + k + " name " + quoted(name) + " appears ";
  if (count == 2) {
    out += "twice (" + k + "s " + std::to_string(dup_first + 1) + " and " +
           std::to_string(dup_second + 1) + ")";
  } else {
    out += std::to_string(count) + " times (first " + k + "s " +
           std::to_string(dup_first + 1) + " and " + std::to_string(dup_second + 1) + ")";
  }
  if (repeated > 1) {
    out += repeated == 2 ? ", and 1 other name repeats"
                         : ", and " + std::to_string(repeated - 1) + " other names repeat";
  }
  return out;
}

}  // namespace nmfcli
