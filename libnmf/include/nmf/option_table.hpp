// The fit options, each defined once: name, type, default, bounds or choices,
// and a one-line help text.  From this table come nmf::Options' fields and
// defaults, the C ABI's defaults (nmf_options_init) and the copy of the
// caller's struct, the range and choice checks of validation, and the query
// ABI (nmf_option_count, nmf_option_info, nmf_choice_value, nmf_choice_name)
// through which the CLI, R and Python read names, defaults and limits.
//
// Every field name is also the field's name in nmf.h's nmf_options.  Fields
// that are not scalar settings (user_w/user_h/fix_w/fix_h, the progress
// callback, the weights array, the collective) stay hand-written in
// options.hpp and nmf.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>

namespace nmf {

enum class OptionType : int32_t {
  kInt = 0,     // int32_t
  kInt64 = 1,   // int64_t
  kUint64 = 2,  // uint64_t
  kReal = 3,    // double, always finite
  kChoice = 4,  // int32_t, one of the named values
};

// A bound: its value and whether the value itself is excluded.
struct Bound {
  double value;
  bool open;
};
constexpr double kUnbounded = std::numeric_limits<double>::infinity();
constexpr Bound kNoLower{-kUnbounded, false};
constexpr Bound kNoUpper{kUnbounded, false};
constexpr Bound at_least(double v) { return {v, false}; }
constexpr Bound above(double v) { return {v, true}; }
constexpr Bound at_most(double v) { return {v, false}; }
constexpr Bound below(double v) { return {v, true}; }

struct Choice {
  const char* name;
  int32_t value;
};

// The named values of each choice option (the C ABI's NMF_* constants).
inline constexpr Choice kLossChoices[] = {
    {"frobenius", 0}, {"kl", 1}, {"beta", 2}};
inline constexpr Choice kSolverChoices[] = {
    {"auto", 0}, {"hals", 1}, {"mu", 2}, {"cd", 3}, {"anls", 4}};
inline constexpr Choice kInitChoices[] = {
    {"random", 0}, {"nndsvd", 1}, {"nndsvda", 2}, {"nndsvdar", 3}};
inline constexpr Choice kMissingChoices[] = {
    {"none", 0}, {"na", 1}, {"unstored", 2}};
inline constexpr Choice kAutoOffOnChoices[] = {
    {"auto", -1}, {"off", 0}, {"on", 1}};

// X(name, C type, type, default, lower, upper, choices, help)
// choices is a Choice array for kChoice options and nullptr otherwise.
#define NMF_OPTION_TABLE(X)                                                   \
  X(loss, int32_t, kChoice, 0, kNoLower, kNoUpper, kLossChoices,              \
    "the loss: frobenius (least squares), kl (generalized Kullback-Leibler, "  \
    "for counts) or beta (the beta-divergence of beta)")                                              \
  X(solver, int32_t, kChoice, 0, kNoLower, kNoUpper, kSolverChoices,          \
    "the update rule: hals (accelerated HALS) or anls (exact alternating "   \
    "NNLS) for frobenius, mu (multiplicative updates) for any loss, cd "      \
    "(coordinate descent) for kl; auto picks hals for frobenius (anls with "  \
    "missing values or weights), mu otherwise")                               \
  X(init, int32_t, kChoice, 0, kNoLower, kNoUpper, kInitChoices,              \
    "the starting factors: seeded uniform random, or NNDSVD (nndsvda fills "  \
    "its zeros with the mean of A, nndsvdar with small random values)")           \
  X(n_threads, int32_t, kInt, 0, at_least(0), kNoUpper, nullptr,              \
    "worker threads; 0 = all cores (OpenMP's default)")                       \
  X(maxit, int32_t, kInt, 200, at_least(0), kNoUpper, nullptr,                \
    "maximum iterations")                                                     \
  X(tol, double, kReal, 1e-5, at_least(0), kNoUpper, nullptr,                 \
    "stop when the relative decrease of the loss is below tol; 0 = never")  \
  X(seed, uint64_t, kUint64, 42, at_least(0), kNoUpper, nullptr,              \
    "seed of the random start")                                               \
  X(l1_w, double, kReal, 0, at_least(0), kNoUpper, nullptr,                   \
    "L1 (sparsity) penalty on W: l1_w sum(W)")                                                        \
  X(l1_h, double, kReal, 0, at_least(0), kNoUpper, nullptr,                   \
    "L1 (sparsity) penalty on H: l1_h sum(H)")                                                        \
  X(l2_w, double, kReal, 0, at_least(0), kNoUpper, nullptr,                   \
    "L2 (ridge) penalty on W: l2_w/2 ||W||^2")                                       \
  X(l2_h, double, kReal, 0, at_least(0), kNoUpper, nullptr,                   \
    "L2 (ridge) penalty on H: l2_h/2 ||H||^2")                                       \
  X(hals_alpha, double, kReal, 0.5, at_least(0), kNoUpper, nullptr,           \
    "accelerated HALS: at most 1 + hals_alpha * rho inner sweeps; 0 = plain " \
    "HALS")                                                                   \
  X(hals_delta, double, kReal, 0.1, at_least(0), below(1), nullptr,           \
    "accelerated HALS: stop a column's sweeps below this fraction of its "    \
    "first change")                                                           \
  X(missing, int32_t, kChoice, 0, kNoLower, kNoUpper, kMissingChoices,        \
    "missing values, left out of the loss: none; na, the NaN entries of a "   \
    "dense A (NA, NaN or empty cells of a table); unstored, the entries a "   \
    "sparse A does not store (recommender data)")                                                \
  X(beta, double, kReal, 1.0, kNoLower, kNoUpper, nullptr,                    \
    "the beta of loss beta: 2 = frobenius, 1 = kl, 0 = Itakura-Saito (needs "\
    "positive data)")     \
  X(mu_eps, double, kReal, 2.220446049250313e-16, at_least(0), kNoUpper,      \
    nullptr, "mu: keep every factor entry >= mu_eps * sqrt(max A) against "           \
    "zero-locking")           \
  X(extrapolation, int32_t, kChoice, -1, kNoLower, kNoUpper,                  \
    kAutoOffOnChoices, "extrapolation with restarts (Ang & Gillis 2019) for hals and anls; auto "\
    "= on in double precision without missing values or weights")    \
  X(extrap_beta0, double, kReal, 0.5, at_least(0), at_most(1), nullptr,       \
    "the initial extrapolation step")                                       \
  X(extrap_eta, double, kReal, 1.5, above(1), kNoUpper, nullptr,              \
    "the extrapolation step's divisor on a restart")                               \
  X(extrap_gamma, double, kReal, 1.05, at_least(1), kNoUpper, nullptr,        \
    "the extrapolation step's growth after an accepted step")                      \
  X(extrap_gamma_bar, double, kReal, 1.01, at_least(1), kNoUpper, nullptr,    \
    "the growth of the extrapolation step's cap")                        \
  X(sparse_w, double, kReal, 0, at_least(0), kNoUpper, nullptr,               \
    "sparse NMF (Kim & Park 2007; hals, anls): sparse_w/2 sum_i (sum_j "     \
    "W_ij)^2; snmf/l with l2_h")                \
  X(sparse_h, double, kReal, 0, at_least(0), kNoUpper, nullptr,               \
    "sparse NMF (Kim & Park 2007; hals, anls): sparse_h/2 sum_j (sum_i "     \
    "H_ij)^2; snmf/r with l2_w and solver anls")             \
  X(ns_theta, double, kReal, 0, at_least(0), at_most(1), nullptr,             \
    "nsNMF smoothing: A ~ W S H with S = (1 - theta) I + theta/k, and the H "  \
    "returned is S H; 0 = plain NMF")                                   \
  X(sketch, int32_t, kChoice, -1, kNoLower, kNoUpper, kAutoOffOnChoices,      \
    "warm start on a rank-L randomized sketch of A before iterating on A "   \
    "(hals, anls); auto = on for dense inputs of at least 4e6 entries whose " \
    "smaller side is at least 4 L")                                 \
  X(sketch_rank, int64_t, kInt64, 0, at_least(0), kNoUpper, nullptr,          \
    "L, the sketch's rank; 0 = k + 10")                                       \
  X(stable_checks, int32_t, kInt, 0, at_least(0), kNoUpper, nullptr,         \
    "stop when the samples' assignment (argmax of each column of d H) is "    \
    "unchanged over this many checks, one every 10 iterations (Brunet et "    \
    "al. 2004); 0 = off")

// One row of the table, as data.
struct OptionSpec {
  const char* name;
  OptionType type;
  double default_value;
  Bound lower, upper;
  const Choice* choices;
  int32_t n_choices;
  const char* help;
};

namespace option_detail {
template <std::size_t N>
constexpr int32_t count(const Choice (&)[N]) { return int32_t(N); }
constexpr int32_t count(std::nullptr_t) { return 0; }
constexpr const Choice* first(std::nullptr_t) { return nullptr; }
template <std::size_t N>
constexpr const Choice* first(const Choice (&c)[N]) { return c; }
}  // namespace option_detail

#define NMF_OPTION_SPEC(name, ctype, type, def, lo, hi, choices, help)      \
  OptionSpec{#name, OptionType::type, double(def), lo, hi,                  \
             option_detail::first(choices), option_detail::count(choices),  \
             help},
inline constexpr OptionSpec kOptionTable[] = {NMF_OPTION_TABLE(NMF_OPTION_SPEC)};
#undef NMF_OPTION_SPEC
inline constexpr int32_t kOptionCount =
    int32_t(sizeof kOptionTable / sizeof kOptionTable[0]);

// The index of the option called name, or -1.
int32_t option_index(const char* name);

struct Options;
struct Status;
// Each option's value against its bounds (finite for reals) or its choices;
// the first one out names itself, e.g. "hals_delta = 1 must be in [0, 1)".
Status check_option_values(const Options& opt);

// The choice of option spec named name (value set), or false.
bool choice_value(const OptionSpec& spec, const char* name, int32_t* value);
// The name of value among spec's choices, or nullptr.
const char* choice_name(const OptionSpec& spec, int32_t value);

}  // namespace nmf
