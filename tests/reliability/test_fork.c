/*
 * test_fork.c — fits in processes forked from a host that has run threaded
 * fits (what R's parallel::mclapply and Python's multiprocessing with the
 * fork start method do).  GNU OpenMP cannot restart its worker threads in a
 * forked child: a parallel region there waits forever for workers that were
 * not copied.  The library runs the child's fits on one thread instead and
 * says so once through nmf_take_notice().
 *
 * Checked, each forked process under alarm() so that a hang kills it and
 * fails the test:
 *   - a child forked before any threaded fit fits with 2 threads, gets the
 *     serial factors and no notice;
 *   - a child forked after a 2-thread fit finishes fits with 2 and with the
 *     default number of threads, gets factors bitwise identical to the
 *     serial run, and gets the notice exactly once;
 *   - a grandchild (forked by that child) likewise;
 *   - the parent keeps its threads: no notice, same factors.
 * The problem is large enough (2 m n k = 8e6 flops per product) for the
 * products to run on several threads (kernels::worth_threads).
 */
#define _POSIX_C_SOURCE 200809L

#include "nmf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum { M = 800, N = 500, K = 10 };
/* A correct child finishes in about a second; a hung one waits forever. */
enum { LIMIT_SECONDS = 60 };

static double A[M * N];
static double W_ref[M * K], d_ref[K], H_ref[K * N];
static double W[M * K], d[K], H[K * N];
static int failures = 0;

static void fail(const char *who, const char *what) {
  printf("FAIL [%s %ld] %s\n", who, (long)getpid(), what);
  fflush(stdout);
  ++failures;
}

static int fit(int32_t threads, double *w, double *dd, double *h) {
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.n_threads = threads;
  o.maxit = 20;
  o.tol = 0;
  o.seed = 7;
  return nmf_fit_dense_d(A, M, N, M, K, w, dd, h, &o, NULL);
}

/* A fit with `threads` threads must give the serial factors bit for bit. */
static void check_fit(const char *who, int32_t threads) {
  char what[160];
  const int rc = fit(threads, W, d, H);
  if (rc != NMF_OK) {
    snprintf(what, sizeof what, "fit with n_threads = %d returned %d: %s",
             (int)threads, rc, nmf_last_error_message());
    fail(who, what);
    return;
  }
  if (memcmp(W, W_ref, sizeof W) || memcmp(d, d_ref, sizeof d) ||
      memcmp(H, H_ref, sizeof H)) {
    snprintf(what, sizeof what,
             "fit with n_threads = %d differs from the serial fit", (int)threads);
    fail(who, what);
  }
}

/* expect_notice: the process must have exactly one notice pending, which
 * mentions the fork; otherwise none. */
static void check_notice(const char *who, int expect_notice) {
  const char *first = nmf_take_notice();
  const char *second = nmf_take_notice();
  if (expect_notice) {
    if (!first) fail(who, "no notice after fits were held to one thread");
    else if (!strstr(first, "fork")) fail(who, "the notice does not mention the fork");
    else printf("[%s] notice: %s\n", who, first);
  } else if (first) {
    fail(who, "an unexpected notice");
    printf("  notice: %s\n", first);
  }
  if (second) fail(who, "the notice was given twice");
}

/* Forks; the child runs body() under alarm() and exits with its failure
 * count.  Returns the failures seen by the caller: the child's, or one if
 * it died (a hang ends with SIGALRM). */
static int in_child(const char *who, void (*body)(void)) {
  pid_t pid;
  int status = 0;
  char what[160];
  fflush(stdout);
  pid = fork();
  if (pid < 0) {
    fail(who, "fork failed");
    return 1;
  }
  if (pid == 0) {
    failures = 0;
    alarm(LIMIT_SECONDS);
    body();
    fflush(stdout);
    _exit(failures > 100 ? 100 : failures);
  }
  if (waitpid(pid, &status, 0) != pid) {
    fail(who, "waitpid failed");
    return 1;
  }
  if (WIFSIGNALED(status)) {
    snprintf(what, sizeof what, "killed by signal %d%s", WTERMSIG(status),
             WTERMSIG(status) == SIGALRM ? " (hung: no result within the time limit)" : "");
    fail(who, what);
    return 1;
  }
  if (WEXITSTATUS(status) != 0) {
    snprintf(what, sizeof what, "%d failed checks", WEXITSTATUS(status));
    fail(who, what);
  }
  return WEXITSTATUS(status);
}

static void fresh_child(void) {
  /* Nothing in the parent had started OpenMP threads: threads work here. */
  check_fit("child of a serial parent", 2);
  check_notice("child of a serial parent", 0);
}

static void grandchild(void) {
  check_fit("grandchild", 2);
  check_fit("grandchild", 0);
  check_notice("grandchild", 1);
}

static void child(void) {
  check_fit("child", 2);
  check_fit("child", 0);
  check_notice("child", 1);
  in_child("child", grandchild);
  /* The child's own state is unchanged by its child. */
  check_fit("child", 2);
  check_notice("child", 0);
}

int main(void) {
  uint64_t s = 12345;
  int64_t t;
  for (t = 0; t < (int64_t)M * N; ++t) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    A[t] = (double)(s >> 11) * (1.0 / 9007199254740992.0);
  }
  if (fit(1, W_ref, d_ref, H_ref) != NMF_OK) {
    printf("FAIL serial fit: %s\n", nmf_last_error_message());
    return 1;
  }
  in_child("parent", fresh_child);
  check_fit("parent", 2);
  check_notice("parent", 0);
  in_child("parent", child);
  check_fit("parent", 2);
  check_fit("parent", 0);
  check_notice("parent", 0);
  if (failures) {
    printf("FAIL: %d failed checks\n", failures);
    return 1;
  }
  printf("PASS: forked children and a grandchild finished with the serial factors\n");
  return 0;
}
