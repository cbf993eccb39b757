# Other packages' C and C++ code calls nmfkit's library through
# inst/include/nmfkit.h (R_GetCCallable) and nmfkit/armadillo.hpp: a tiny
# client package with LinkingTo: nmfkit, RcppArmadillo is built into a
# temporary library, and its fits must equal nmfkit::nmf()'s on the same
# data, options and seed.

test_that("nmfkit.h registers every function of the C ABI", {
  header <- system.file("include", "nmfkit", "nmf.h", package = "nmfkit")
  list <- system.file("include", "nmfkit", "callables.h", package = "nmfkit")
  expect_true(nzchar(header) && nzchar(list))
  api <- grep("^NMF_API", readLines(header), value = TRUE)
  abi <- sub("^.*\\b(nmf_[a-z0-9_]+)\\(.*$", "\\1", api)
  text <- gsub("/\\*.*?\\*/", "", paste(readLines(list), collapse = " "),
               perl = TRUE)
  grab <- function(pattern)
    regmatches(text, gregexpr(pattern, text, perl = TRUE))[[1]]
  listed <- c(sub(".*, *", "", grab("NMFKIT_CALLABLE\\([^,]*, *[a-z0-9_]+")),
              sub(".*\\(", "", grab("NMFKIT_CALLABLE_VOID\\([a-z0-9_]+")))
  expect_gt(length(abi), 40L)  # the header was read
  expect_setequal(paste0("nmf_", listed), abi)
})

test_that("a package with LinkingTo: nmfkit, RcppArmadillo fits as nmfkit::nmf()", {
  skip_on_cran()
  skip_if_not_installed("RcppArmadillo")
  tmp <- tempfile("client")
  pkg <- file.path(tmp, "nmfclient")
  lib <- file.path(tmp, "lib")
  dir.create(file.path(pkg, "src"), recursive = TRUE)
  dir.create(lib)
  on.exit(unlink(tmp, recursive = TRUE))
  writeLines(c("Package: nmfclient", "Version: 0.0.1",
               "Title: Calls nmfkit from C++", "Description: A test client.",
               "License: MIT", "Author: nmfkit", "Maintainer: nmfkit <a@b.c>",
               "Imports: nmfkit, Rcpp", "LinkingTo: nmfkit, Rcpp, RcppArmadillo"),
             file.path(pkg, "DESCRIPTION"))
  writeLines(c("useDynLib(nmfclient, .registration = TRUE)",
               "importFrom(Rcpp, evalCpp)", "import(nmfkit)",
               "export(client_dense, client_float, client_sparse, client_version)"),
             file.path(pkg, "NAMESPACE"))
  writeLines("PKG_LIBS = $(LAPACK_LIBS) $(BLAS_LIBS) $(FLIBS)",
             file.path(pkg, "src", "Makevars"))
  writeLines('
#include <RcppArmadillo.h>
#include <nmfkit/armadillo.hpp>

static nmfkit::Options options(double seed, int maxit, double tol) {
  nmfkit::Options o;
  o.opts.seed = uint64_t(seed);
  o.opts.maxit = maxit;
  o.opts.tol = tol;
  o.opts.n_threads = 1;
  o.opts.init = NMF_INIT_RANDOM;
  return o;
}

template <class T>
static Rcpp::List as_list(const nmfkit::arma_fit<T>& f) {
  return Rcpp::List::create(
      Rcpp::Named("w") = arma::conv_to<arma::mat>::from(f.W),
      Rcpp::Named("d") = arma::conv_to<arma::vec>::from(f.d),
      Rcpp::Named("h") = arma::conv_to<arma::mat>::from(f.H),
      Rcpp::Named("iterations") = double(f.result.iterations));
}

// [[Rcpp::export]]
Rcpp::List client_dense(const arma::mat& A, int k, double seed, int maxit,
                        double tol) {
  return as_list(nmfkit::nmf(A, k, options(seed, maxit, tol)));
}

// [[Rcpp::export]]
Rcpp::List client_float(const arma::mat& A, int k, double seed, int maxit,
                        double tol) {
  arma::fmat Af = arma::conv_to<arma::fmat>::from(A);
  return as_list(nmfkit::nmf(Af, k, options(seed, maxit, tol)));
}

// The C function of version.c (nmfkit.h from C).
extern "C" SEXP client_version_c(void);

// [[Rcpp::export]]
SEXP client_version() { return client_version_c(); }

// [[Rcpp::export]]
Rcpp::List client_sparse(const arma::sp_mat& A, int k, double seed, int maxit,
                         double tol) {
  return as_list(nmfkit::nmf(A, k, options(seed, maxit, tol)));
}
', file.path(pkg, "src", "client.cpp"))
  # nmfkit.h from plain C as well.
  writeLines('
#include <Rinternals.h>
#include <nmfkit.h>
SEXP client_version_c(void) { return Rf_mkString(nmfkit_version()); }
', file.path(pkg, "src", "version.c"))
  Rcpp::compileAttributes(pkg)
  libs <- paste(c(lib, .libPaths()), collapse = .Platform$path.sep)
  out <- suppressWarnings(system2(file.path(R.home("bin"), "R"),
                                  c("CMD", "INSTALL", "-l", shQuote(lib), shQuote(pkg)),
                                  stdout = TRUE, stderr = TRUE,
                                  env = paste0("R_LIBS=", libs)))
  expect_null(attr(out, "status"), info = paste(utils::tail(out, 30), collapse = "\n"))
  withr_libpath <- function(expr) {
    old <- .libPaths()
    on.exit(.libPaths(old))
    .libPaths(c(lib, old))
    expr
  }
  withr_libpath({
    client <- asNamespace(loadNamespace("nmfclient"))
    on.exit(unloadNamespace("nmfclient"), add = TRUE)
    expect_identical(client$client_version(), .nmf_library_info()$version)
    same_as_r <- function(res, fit) {
      expect_identical(unname(res$w), unname(fit@w))
      expect_identical(as.vector(res$d), unname(fit@d))
      expect_identical(unname(res$h), unname(fit@h))
      expect_identical(res$iterations, as.double(fit@iterations))
    }
    x <- lowrank_data()$x
    r_fit <- nmf(x, 3, init = "random", seed = 7, maxit = 60, tol = 1e-5,
                 threads = 1)
    same_as_r(client$client_dense(x, 3L, 7, 60L, 1e-5), r_fit)
    # float: the same factorization to single precision
    fl <- client$client_float(x, 3L, 7, 60L, 1e-5)
    expect_lt(max(abs(fl$w %*% (as.vector(fl$d) * fl$h) - fitted(r_fit))) / max(x),
              1e-3)
    skip_if_not_installed("Matrix")
    sx <- Matrix::Matrix(x, sparse = TRUE)
    same_as_r(client$client_sparse(sx, 3L, 7, 60L, 1e-5),
              nmf(sx, 3, init = "random", seed = 7, maxit = 60, tol = 1e-5,
                  threads = 1))
    expect_error(client$client_dense(x, 0L, 7, 60L, 1e-5), "k must be at least 1")
    expect_error(client$client_dense(-x, 2L, 7, 60L, 1e-5), "nmfkit: ")
  })
})
