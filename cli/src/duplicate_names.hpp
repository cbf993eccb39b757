// Duplicate row or column names: a W or H table with two rows called 'g1'
// is ambiguous downstream (joins, lookups by name, --w-init matching).
#pragma once

#include <string>
#include <vector>

namespace nmfcli {

// "" if every name is different, else a one-line description of the first
// repeated name (the earliest second occurrence) with its positions,
// 1-based: "x.tsv: row name 'g1' appears twice (rows 1 and 3)", plus how
// many other names repeat.  kind is "row" or "column".
std::string describe_duplicate_names(const std::vector<std::string> &names,
                                     const std::string &file, const char *kind);

}  // namespace nmfcli
