// Small text helpers shared by the readers: fields, numbers, names.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace nmfcli {

// Splits one line of a delimited file into fields.  Spaces around a field are
// dropped; a field may be enclosed in double quotes (as R's write.table and
// spreadsheets write them), with "" standing for one quote inside.  Quoted
// fields that need unescaping are stored in *scratch, which must outlive the
// views.  A field longer than max_field_length() (text_limits.hpp) is
// refused.  Returns "" on success, else the reason the line is malformed.
std::string split_fields(std::string_view line, char delimiter,
                         std::vector<std::string_view> *fields,
                         std::deque<std::string> *scratch);

enum class NumberStatus {
  kOk,
  kMissing,      // empty, NA, N/A, #N/A, null
  kNotANumber,   // any other text
  kNotFinite,    // nan, inf
  kOutOfRange,   // too large for a double
};

// Parses a decimal number (the whole field, e.g. "12", "-0.5", "1e-3"),
// independently of the locale.  Values too small for a double become 0.
NumberStatus parse_number(std::string_view text, double *value);

// Parses a whole field as a base-10 integer; false if it is anything else or
// does not fit.
bool parse_int64(std::string_view text, long long *value);

// Checks that a name read from a file is printable UTF-8 (no control
// characters, no malformed sequences).  Returns "" or the reason.
std::string check_name(std::string_view name);

// A name or cell for an error message: quoted, control and non-UTF-8 bytes
// escaped as \xNN, long text shortened.
std::string quoted(std::string_view text);

// Strips a UTF-8 byte order mark (spreadsheets write one) from a first line.
std::string_view strip_bom(std::string_view line);

// "1,234,567" is not used: plain integers, but with the right plural.
std::string plural(long long count, const char *singular, const char *plural_form);

}  // namespace nmfcli
