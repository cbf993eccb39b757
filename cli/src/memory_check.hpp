// Refusing allocations that would exhaust memory, with the figures, before
// making them: a malformed or hostile header (a Matrix Market size line
// declaring billions of columns) must give an error, not an OOM kill.
#pragma once

#include <cstdint>
#include <string>

namespace nmfcli {

// Bytes the tool may still allocate: nmf_available_memory() (system,
// cgroup and ulimit -v), lowered by set_memory_limit() if called.
int64_t memory_available();

// Lowers the limit for the rest of the process (the fuzzing harnesses use
// it to stay within their memory budget); -1 removes it.
void set_memory_limit(int64_t bytes);

// Throws an input error "not enough memory for WHAT: about X MiB needed, Y
// MiB available" if `bytes` (a double: products may exceed int64) is more
// than memory_available().
void check_memory(double bytes, const std::string &what);

}  // namespace nmfcli
