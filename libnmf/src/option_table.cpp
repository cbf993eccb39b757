// The option table's look-ups and the checks of every option's value
// against its bounds or choices (option_table.hpp).
#include "nmf/option_table.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "nmf/options.hpp"
#include "nmf/status.hpp"

namespace nmf {

// The table's choice values are the core's enums (and nmf.h's NMF_*).
static_assert(kLossChoices[2].value == kLossBeta && kLossChoices[1].value == kLossKl);
static_assert(kSolverChoices[4].value == kSolverAnls && kSolverChoices[3].value == kSolverCd &&
              kSolverChoices[2].value == kSolverMu && kSolverChoices[1].value == kSolverHals);
static_assert(kInitChoices[3].value == kInitNndsvdar);
static_assert(kMissingChoices[2].value == kMissingUnstored);
static_assert(kAutoOffOnChoices[0].value == kSketchAuto &&
              kAutoOffOnChoices[0].value == kExtrapolationAuto);

int32_t option_index(const char* name) {
  if (name == nullptr) return -1;
  for (int32_t i = 0; i < kOptionCount; ++i)
    if (std::strcmp(kOptionTable[i].name, name) == 0) return i;
  return -1;
}

bool choice_value(const OptionSpec& spec, const char* name, int32_t* value) {
  if (name == nullptr) return false;
  for (int32_t j = 0; j < spec.n_choices; ++j) {
    if (std::strcmp(spec.choices[j].name, name) == 0) {
      *value = spec.choices[j].value;
      return true;
    }
  }
  return false;
}

const char* choice_name(const OptionSpec& spec, int32_t value) {
  for (int32_t j = 0; j < spec.n_choices; ++j)
    if (spec.choices[j].value == value) return spec.choices[j].name;
  return nullptr;
}

namespace {


// "must be ..." for spec's bounds.
std::string requirement(const OptionSpec& spec) {
  const bool real = spec.type == OptionType::kReal;
  const bool has_lo = std::isfinite(spec.lower.value);
  const bool has_hi = std::isfinite(spec.upper.value);
  if (has_lo && has_hi)
    return std::string("must be in ") + (spec.lower.open ? "(" : "[") +
           exact_text(spec.lower.value) + ", " + exact_text(spec.upper.value) +
           (spec.upper.open ? ")" : "]");
  std::string s = real ? "must be finite" : "must be";
  if (has_lo)
    s += std::string(real ? " and " : " ") + (spec.lower.open ? "> " : ">= ") +
         exact_text(spec.lower.value);
  if (has_hi)
    s += std::string(real ? " and " : " ") + (spec.upper.open ? "< " : "<= ") +
         exact_text(spec.upper.value);
  return s;
}

Status check_value(const OptionSpec& spec, double v, const std::string& text) {
  if (spec.type == OptionType::kChoice) {
    if (choice_name(spec, int32_t(v)) != nullptr) return Status();
    std::string known;
    for (int32_t j = 0; j < spec.n_choices; ++j)
      known += std::string(j ? ", " : "") + spec.choices[j].name + " " +
               std::to_string(spec.choices[j].value);
    return Status::error(kErrInvalidArgument, "unknown " + std::string(spec.name) +
                                                  " = " + text + " (" + known + ")");
  }
  const bool finite_ok = spec.type != OptionType::kReal || std::isfinite(v);
  const bool lo_ok = spec.lower.open ? v > spec.lower.value : v >= spec.lower.value;
  const bool hi_ok = spec.upper.open ? v < spec.upper.value : v <= spec.upper.value;
  if (finite_ok && lo_ok && hi_ok) return Status();
  return Status::error(kErrInvalidArgument, std::string(spec.name) + " = " + text +
                                                " " + requirement(spec));
}

}  // namespace

Status check_option_values(const Options& opt) {
  int32_t index = 0;
  Status s;
  // Walks the fields in table order; integers are shown as integers.
#define NMF_OPTION_CHECK(name, ctype, type, def, lo, hi, choices, help)        \
  if (s.ok()) {                                                               \
    const auto v = opt.name;                                                   \
    s = check_value(kOptionTable[index], double(v),                            \
                    OptionType::type == OptionType::kReal ? exact_text(double(v))  \
                                                          : std::to_string(v)); \
  }                                                                           \
  ++index;
  NMF_OPTION_TABLE(NMF_OPTION_CHECK)
#undef NMF_OPTION_CHECK
  return s;
}

}  // namespace nmf
