/*
 * options_c.c — the options, described (nmf.h), from a plain C99 program:
 * every option the library describes has the default nmf_options_init sets,
 * its bounds and choices are the ones the fits enforce, and the choice names
 * map to the NMF_* values both ways.  One TAP line per check; exits non-zero
 * if any fails.
 */
#include "nmf.h"

#include <math.h>
#include <string.h>

#include "tap.h"

/* The option's value in *o, as a double. */
static double field_value(const nmf_options *o, const nmf_option_desc *d) {
  const char *p = (const char *)o + d->offset;
  switch (d->type) {
    case NMF_OPTION_INT:
    case NMF_OPTION_CHOICE: { int32_t v; memcpy(&v, p, sizeof v); return v; }
    case NMF_OPTION_INT64: { int64_t v; memcpy(&v, p, sizeof v); return (double)v; }
    case NMF_OPTION_UINT64: { uint64_t v; memcpy(&v, p, sizeof v); return (double)v; }
    default: { double v; memcpy(&v, p, sizeof v); return v; }
  }
}

/* Sets the option in *o to v (converted to its type). */
static void set_field(nmf_options *o, const nmf_option_desc *d, double v) {
  char *p = (char *)o + d->offset;
  switch (d->type) {
    case NMF_OPTION_INT:
    case NMF_OPTION_CHOICE: { int32_t x = (int32_t)v; memcpy(p, &x, sizeof x); break; }
    case NMF_OPTION_INT64: { int64_t x = (int64_t)v; memcpy(p, &x, sizeof x); break; }
    case NMF_OPTION_UINT64: { uint64_t x = (uint64_t)v; memcpy(p, &x, sizeof x); break; }
    default: memcpy(p, &v, sizeof v);
  }
}

static double A[6 * 5];

/* A fit of the small matrix A with the defaults but option d set to v: its
 * status, with the message left in nmf_last_error_message(). */
static int32_t fit_with(const nmf_option_desc *d, double v) {
  double W[6 * 2], H[2 * 5], dd[2];
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.maxit = 2;
  set_field(&o, d, v);
  return nmf_fit_dense_d(A, 6, 5, 6, 2, W, dd, H, &o, NULL);
}

/* A fit with v refused for option d, by a message that names the option. */
static void expect_refused(const nmf_option_desc *d, double v, const char *what) {
  int32_t rc = fit_with(d, v);
  check(rc == NMF_ERR_INVALID_ARGUMENT && strstr(nmf_last_error_message(), d->name),
        "%s = %.17g (%s) is refused naming it: %d '%s'", d->name, v, what, (int)rc,
        nmf_last_error_message());
}

int main(void) {
  int32_t count = nmf_option_count(), i, j;
  nmf_options defaults;
  nmf_option_desc d;
  int i_loss;
  for (i = 0; i < 30; ++i) A[i] = 1.0 + (i * 7 % 11);
  nmf_options_init(&defaults, sizeof defaults);
  check(count >= 20, "the library describes %d options", (int)count);

  for (i = 0; i < count; ++i) {
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    if (!check(nmf_option_info(i, &d) == NMF_OK, "option %d described", (int)i)) continue;
    check(d.name && d.name[0] && d.help && d.help[0], "option %d has a name (%s) and help",
          (int)i, d.name ? d.name : "(null)");
    check(nmf_option_index(d.name) == i, "nmf_option_index(\"%s\") = %d", d.name, (int)i);
    check(d.offset >= 0 && d.offset < (int64_t)sizeof(nmf_options),
          "%s lies within nmf_options (offset %lld)", d.name, (long long)d.offset);
    check(field_value(&defaults, &d) == d.default_value,
          "%s: nmf_options_init sets the described default %.17g (got %.17g)", d.name,
          d.default_value, field_value(&defaults, &d));
    if (d.type == NMF_OPTION_CHOICE) {
      check(d.n_choices >= 2, "%s has %d named choices", d.name, (int)d.n_choices);
      for (j = 0; j < d.n_choices; ++j) {
        int32_t value = -99, back = -99;
        const char *name = nmf_option_choice(i, j, &value);
        check(name && nmf_choice_value(d.name, name, &back) == NMF_OK && back == value &&
                  nmf_choice_name(d.name, value) && strcmp(nmf_choice_name(d.name, value), name) == 0,
              "%s: choice '%s' <-> %d both ways", d.name, name ? name : "(null)", (int)value);
        /* Every named value is accepted by a fit, or refused for a reason
         * other than being unknown. */
        fit_with(&d, value);
        check(strstr(nmf_last_error_message(), "unknown") == NULL,
              "%s = %s is a known value to the fits", d.name, name ? name : "(null)");
      }
      check(nmf_option_choice(i, d.n_choices, NULL) == NULL, "%s: no choice past the last",
            d.name);
      expect_refused(&d, 77, "not a named value");
    } else {
      check(d.n_choices == 0, "%s has no named choices", d.name);
      if (isfinite(d.min)) {
        double out = d.min_excluded ? d.min
                     : (d.type == NMF_OPTION_REAL ? nextafter(d.min, -HUGE_VAL) : d.min - 1);
        if (d.type != NMF_OPTION_UINT64) expect_refused(&d, out, "just below the bounds");
      }
      if (isfinite(d.max)) {
        double out = d.max_excluded ? d.max
                     : (d.type == NMF_OPTION_REAL ? nextafter(d.max, HUGE_VAL) : d.max + 1);
        expect_refused(&d, out, "just above the bounds");
      }
      if (d.type == NMF_OPTION_REAL) expect_refused(&d, NAN, "not finite");
    }
  }

  /* Look-ups that fail. */
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  check(nmf_option_info(count, &d) == NMF_ERR_INVALID_ARGUMENT, "index past the last refused");
  check(nmf_option_info(-1, &d) == NMF_ERR_INVALID_ARGUMENT, "negative index refused");
  check(nmf_option_info(0, NULL) == NMF_ERR_NULL_POINTER, "NULL desc refused");
  d.struct_size = 4;
  check(nmf_option_info(0, &d) == NMF_ERR_STRUCT_SIZE, "a too small struct_size refused");
  check(nmf_option_index("no_such_option") == -1 && nmf_option_index(NULL) == -1,
        "unknown option names give -1");
  {
    int32_t v = -5;
    check(nmf_choice_value("loss", "kl", &v) == NMF_OK && v == NMF_LOSS_KL, "loss kl = NMF_LOSS_KL");
    check(nmf_choice_value("solver", "anls", &v) == NMF_OK && v == NMF_SOLVER_ANLS,
          "solver anls = NMF_SOLVER_ANLS");
    check(nmf_choice_value("sketch", "auto", &v) == NMF_OK && v == NMF_SKETCH_AUTO,
          "sketch auto = NMF_SKETCH_AUTO");
    check(nmf_choice_value("loss", "kullback", &v) == NMF_ERR_INVALID_ARGUMENT &&
              strstr(nmf_last_error_message(), "frobenius, kl, beta"),
          "an unknown choice lists the known ones: '%s'", nmf_last_error_message());
    check(nmf_choice_value("maxit", "auto", &v) == NMF_ERR_INVALID_ARGUMENT,
          "an option without choices has no choice values");
    check(nmf_choice_name("loss", 9) == NULL && nmf_choice_name("nope", 0) == NULL,
          "unknown values and options have no choice name");
  }
  i_loss = nmf_option_index("loss");
  check(i_loss >= 0, "loss is described");

  return tap_status();
}
