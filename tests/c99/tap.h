/* tap.h — TAP output for the C99 test programs: one "ok N - ..." or
 * "not ok N - ..." line per check; main returns tap_status(). */
#ifndef NMF_TEST_TAP_H
#define NMF_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int n_checks = 0;
static int n_failed = 0;

static int check(int ok, const char *fmt, ...) {
  va_list ap;
  ++n_checks;
  if (!ok) ++n_failed;
  printf("%sok %d - ", ok ? "" : "not ", n_checks);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  return ok;
}

/* Prints the plan line; the exit status: 0 when every check passed. */
static int tap_status(void) {
  printf("1..%d\n", n_checks);
  return n_failed ? 1 : 0;
}

#endif
