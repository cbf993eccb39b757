// The options, described (nmf.h "options, described"): the option table of
// the core (nmf/option_table.hpp) through the C ABI.
#include <cstddef>
#include <cstring>
#include <string>
#include <type_traits>

#include "capi_internal.hpp"
#include "nmf.h"
#include "nmf/option_table.hpp"

using nmf_capi::guarded;
using nmf_capi::set_error;

namespace {

// offsetof(nmf_options, name) for each option, in table order.
#define NMF_OPTION_OFFSET(name, ctype, type, d, lo, hi, choices, help) \
  int64_t(offsetof(nmf_options, name)),
constexpr int64_t kOffsets[] = {NMF_OPTION_TABLE(NMF_OPTION_OFFSET)};
#undef NMF_OPTION_OFFSET
// The public field has the table's type.
#define NMF_OPTION_TYPE(name, ctype, type, d, lo, hi, choices, help)          \
  static_assert(sizeof(((nmf_options*)nullptr)->name) == sizeof(ctype) &&    \
                    (std::is_floating_point<ctype>::value ==                 \
                     std::is_floating_point<decltype(nmf_options::name)>::value), \
                "nmf_options." #name " differs from the option table");
NMF_OPTION_TABLE(NMF_OPTION_TYPE)
#undef NMF_OPTION_TYPE

static_assert(int32_t(nmf::OptionType::kInt) == NMF_OPTION_INT &&
              int32_t(nmf::OptionType::kInt64) == NMF_OPTION_INT64 &&
              int32_t(nmf::OptionType::kUint64) == NMF_OPTION_UINT64 &&
              int32_t(nmf::OptionType::kReal) == NMF_OPTION_REAL &&
              int32_t(nmf::OptionType::kChoice) == NMF_OPTION_CHOICE);

constexpr size_t kMinDescSize = offsetof(nmf_option_desc, n_choices) + sizeof(int32_t);

const nmf::OptionSpec* spec_at(int32_t index) {
  if (index < 0 || index >= nmf::kOptionCount) return nullptr;
  return &nmf::kOptionTable[index];
}

}  // namespace

extern "C" {

int32_t nmf_option_count(void) { return nmf::kOptionCount; }

int32_t nmf_option_info(int32_t index, nmf_option_desc* desc) {
  return guarded([&]() -> int32_t {
    if (!desc) return set_error(NMF_ERR_NULL_POINTER, "desc is NULL");
    if (desc->struct_size < kMinDescSize)
      return nmf_capi::struct_size_error("nmf_option_desc.struct_size", desc->struct_size,
                               kMinDescSize, "set it to sizeof(nmf_option_desc)");
    const nmf::OptionSpec* s = spec_at(index);
    if (!s)
      return set_error(NMF_ERR_INVALID_ARGUMENT,
                       "option index " + std::to_string(index) + " is out of range [0, " +
                           std::to_string(nmf::kOptionCount) + ")");
    nmf_option_desc out;
    std::memset(&out, 0, sizeof out);
    out.type = int32_t(s->type);
    out.name = s->name;
    out.help = s->help;
    out.offset = kOffsets[index];
    out.default_value = s->default_value;
    out.min = s->lower.value;
    out.max = s->upper.value;
    out.min_excluded = s->lower.open;
    out.max_excluded = s->upper.open;
    out.n_choices = s->n_choices;
    const uint32_t size = desc->struct_size;
    const size_t n = size < sizeof out ? size : sizeof out;
    std::memcpy(reinterpret_cast<char*>(desc) + sizeof(uint32_t),
                reinterpret_cast<const char*>(&out) + sizeof(uint32_t),
                n - sizeof(uint32_t));
    return NMF_OK;
  });
}

int32_t nmf_option_index(const char* name) { return nmf::option_index(name); }

const char* nmf_option_choice(int32_t index, int32_t j, int32_t* value) {
  const nmf::OptionSpec* s = spec_at(index);
  if (!s || j < 0 || j >= s->n_choices) return nullptr;
  if (value) *value = s->choices[j].value;
  return s->choices[j].name;
}

int32_t nmf_choice_value(const char* option, const char* choice_name, int32_t* value) {
  return guarded([&]() -> int32_t {
    if (!option) return set_error(NMF_ERR_NULL_POINTER, "option is NULL");
    if (!choice_name) return set_error(NMF_ERR_NULL_POINTER, "choice_name is NULL");
    if (!value) return set_error(NMF_ERR_NULL_POINTER, "value is NULL");
    const nmf::OptionSpec* s = spec_at(nmf::option_index(option));
    if (!s || s->n_choices == 0)
      return set_error(NMF_ERR_INVALID_ARGUMENT,
                       std::string("'") + option + "' is not an option with named choices");
    if (nmf::choice_value(*s, choice_name, value)) return NMF_OK;
    std::string known;
    for (int32_t j = 0; j < s->n_choices; ++j)
      known += std::string(j ? ", " : "") + s->choices[j].name;
    return set_error(NMF_ERR_INVALID_ARGUMENT, std::string("unknown ") + option + " '" +
                                                   choice_name + "' (one of " + known + ")");
  });
}

const char* nmf_choice_name(const char* option, int32_t value) {
  const nmf::OptionSpec* s = spec_at(nmf::option_index(option));
  return s ? nmf::choice_name(*s, value) : nullptr;
}

}  // extern "C"
