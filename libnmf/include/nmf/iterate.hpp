// The loop of alternating updates shared by every loss (fit.cpp for the
// Frobenius update rules, fit_divergence.cpp for the divergence rules): a
// stepper (stepper.hpp, weighted.hpp, divergence_stepper.hpp) performs the
// half-iterations; the loop adds extrapolation (extrapolation.hpp),
// stopping on maxit and tol, cancellation and progress, the history and the
// finiteness check, and Brunet et al.'s stop on a stable assignment
// (stable_assignment.hpp), once for all of them.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nmf/extrapolation.hpp"
#include "nmf/options.hpp"
#include "nmf/stable_assignment.hpp"
#include "nmf/status.hpp"
#include "nmf/stepper.hpp"
#include "nmf/update_rule.hpp"
#include "nmf/work.hpp"

namespace nmf {

// Loss in the caller's units.
// The internal objective is scale^loss_power times the caller's (beta for
// the beta-divergences, 2 for the Frobenius loss).
template <class T>
double external_loss(const Work<T>& wk, double internal) {
  // Divided twice: scale^2 underflows to 0 for max(A) above 1e154.
  if (wk.loss_power == 2) return internal / wk.scale / wk.scale;
  if (internal == 0) return 0.0;
  const double unit = std::pow(wk.scale, wk.loss_power);
  if (std::isnormal(unit)) return internal / unit;
  // scale^b is not a normal number: through logarithms.
  return std::exp(std::log(internal) - wk.loss_power * std::log(wk.scale));
}

// The products overflowed (entries of A or of a start near the largest
// value of the type) or the iterate lost finiteness.
template <class T>
Status non_finite_loss(const Work<T>& wk, int64_t it) {
  return Status::error(
      kErrNumerical,
      "the loss became non-finite " +
          (it > 0 ? "at iteration " + std::to_string(it)
                  : std::string("at the starting point")) +
          (wk.non_finite_hint.empty()
               ? std::string(" (the products overflowed: if A or a supplied "
                             "factor has very large entries, divide it by a "
                             "constant)")
               : wk.non_finite_hint));
}

// One phase of alternating updates (the main one on A, or a warm start on a
// sketch of it), with extrapolation (Ang & Gillis 2019) when on, stopping
// after `maxit` iterations, on `tol` or (main phase, stable_checks > 0) on
// a stable assignment of the samples.  The main phase records the history,
// reports to progress and sets res.iterations and the stop reason;
// phase.done counts the iterations run.  Leaves the best iterate in wk.
struct Phase {
  int64_t maxit = 0;
  double tol = 0;
  bool main = true;
  int64_t done = 0;
};

template <class T>
Status iterate(Stepper<T>& stepper, UpdateRule<T>& rule, Work<T>& wk,
               const Options& opt, bool extrapolate_on, Phase& phase,
               Result& res) {
  const int64_t k = wk.k, m = wk.m, n = wk.n;
  const int threads = wk.threads;
  const Across& across = wk.across;
  Extrapolator ex(ExtrapolationParams{opt.extrap_beta0, opt.extrap_eta,
                                       opt.extrap_gamma, opt.extrap_gamma_bar});
  // Extrapolation state: the previous (non-extrapolated) factor updates,
  // and the last accepted pair with its objective.
  std::vector<T> w_prev, h_prev, w_good, h_good;
  double f_good = std::numeric_limits<double>::infinity(), rel_good = 0;
  // Extrapolation stops for good once an undone step changed the loss by no
  // more than the rounding of the loss itself (the trace identity's
  // cancellation, ~eps ||A||^2): its accept/undo decisions would be noise,
  // and the plain steps that follow converge further.
  bool extrapolating = extrapolate_on;
  const double noise = 100.0 * std::numeric_limits<T>::epsilon() * wk.frob2;
  // The first iteration is a plain one: it gives the first accepted
  // iterate (and its loss) to compare against, and the first difference
  // X_{n+1} - X_n to extrapolate along, independent of how the start was
  // scaled.

  double prev = std::numeric_limits<double>::infinity();
  // float: the loss from the float product W^T A carries rounding noise of
  // about 1e-7 ||A||^2, which can exceed tol times a small loss.  A stop on
  // tol is then confirmed from the loss with the cross term taken in double
  // (evaluate): the average decrease per iteration since the previous
  // confirmation must be below tol.  Confirmations are at least
  // kConfirmEvery iterations apart, bounding their cost.
  // A stepper whose loss is exact (the divergence path's, from the entries)
  // needs no confirmation.
  const bool confirm = sizeof(T) < sizeof(double) && !stepper.exact_loss();
  constexpr int64_t kConfirmEvery = 10;
  double confirmed_loss = 0;
  int64_t confirmed_it = 0;
  StableAssignment assignment(phase.main ? opt.stable_checks : 0);
  Status status;
  if (phase.main) res.stop_reason = kStopMaxit;
  for (int64_t it = 1; it <= phase.maxit; ++it) {
    double rel = 0;
    stepper.update_w(wk, rule, false, &rel);
    if (extrapolating && it > 1)
      extrapolate(wk.wt.data(), w_prev.data(), k * m, ex.beta(), threads);
    double f = stepper.update_h(wk, rule, &rel);
    if (!std::isfinite(f) || !std::isfinite(rel)) return non_finite_loss(wk, it);
    bool restarted = false;
    double rejected = 0;
    if (extrapolating) {
      if (it == 1) {
        w_good = w_prev = wk.wt;
        h_good = h_prev = wk.h;
        f_good = f;
        rel_good = rel;
      } else if (f <= f_good) {
        w_good = wk.wt;
        h_good = wk.h;
        f_good = f;
        rel_good = rel;
        extrapolate(wk.h.data(), h_prev.data(), k * n, ex.beta(), threads);
        stepper.h_changed(wk);
        ex.accepted();
      } else {
        // Restart from the last accepted pair with a smaller beta.
        wk.wt = w_good;
        wk.h = h_good;
        w_prev = w_good;
        h_prev = h_good;
        stepper.h_changed(wk);
        ex.restarted();
        if (phase.main) ++res.restarts;
        restarted = true;
        rejected = f;
        f = f_good;
        rel = rel_good;
        if (rejected - f_good <= noise) extrapolating = false;
      }
    }
    phase.done = it;
    if (phase.main) {
      res.rel_error = rel;
      res.loss = external_loss(wk, f);
      res.iterations = it;
      res.history.push_back(res.loss);
      const bool stop_requested =
          opt.progress && opt.progress(it, opt.maxit, res.loss, res.rel_error,
                                       opt.progress_data) != 0;
      if (across.any(stop_requested)) {
        res.stop_reason = kStopCancelled;
        status.code = kCancelled;
        break;
      }
    }
    if (assignment.due(it)) {
      const T* cw = extrapolating ? w_good.data() : wk.wt.data();
      const T* ch = extrapolating ? h_good.data() : wk.h.data();
      if (assignment.stable(cw, ch, k, m, n, wk.theta, across)) {
        res.stop_reason = kStopStable;
        break;
      }
    }
    // The relative change judged by tol: the decrease of an accepted step,
    // or for an undone step the increase it would have caused (a step that
    // changes the loss by less than tol either way means convergence; one
    // that overshot by more is just retried with a smaller beta).
    const bool small = restarted ? rejected - f < phase.tol * f
                                 : prev - f < phase.tol * prev;
    if (phase.tol > 0 && small) {
      if (!confirm || !phase.main) {
        if (phase.main) res.stop_reason = kStopTol;
        break;
      }
      if (confirmed_it == 0 || it - confirmed_it >= kConfirmEvery) {
        double unused;
        const T* cw = extrapolating ? w_good.data() : wk.wt.data();
        const T* ch = extrapolating ? h_good.data() : wk.h.data();
        const double exact_f = stepper.evaluate(wk, cw, ch, &unused);
        if (confirmed_it > 0 &&
            confirmed_loss - exact_f <
                phase.tol * confirmed_loss * double(it - confirmed_it)) {
          res.stop_reason = kStopTol;
          break;
        }
        confirmed_loss = exact_f;
        confirmed_it = it;
      }
    }
    prev = f;
  }
  if (extrapolating && !w_good.empty()) {
    wk.wt = w_good;
    wk.h = h_good;
  }
  return status;
}

}  // namespace nmf
