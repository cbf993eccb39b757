# Shared by the R contenders (bench/peers/*_worker.R): argument parsing, the
# data loader (raw files of bench/gen_data.py), peak-RSS bookkeeping,
# snapshots in the harness's format (float64 W m x k and diag(d) H k x n,
# column-major) and the JSON report on stdout.
bench_args <- function() {
  a <- commandArgs(trailingOnly = TRUE)
  get <- function(flag, default = NULL) {
    i <- match(flag, a)
    if (is.na(i)) default else a[i + 1L]
  }
  list(data = get("--data"), k = as.integer(get("-k")),
       threads = as.integer(get("--threads", "1")),
       schedule = as.integer(strsplit(get("--schedule"), ",")[[1]]),
       budget = as.numeric(get("--budget", "1e30")),
       out = get("--out", ""), seed = as.integer(get("--seed", "1")))
}

read_meta <- function(dir) {
  l <- strsplit(readLines(file.path(dir, "meta.txt")), " ")
  stats::setNames(lapply(l, `[`, 2L), vapply(l, `[`, "", 1L))
}

read_raw <- function(path, what, n, size) {
  con <- file(path, "rb")
  on.exit(close(con))
  readBin(con, what, n = n, size = size)
}

# dense: a base matrix; sparse: a Matrix::dgCMatrix built without copies
# beyond readBin's.
load_input <- function(dir) {
  meta <- read_meta(dir)
  m <- as.integer(meta$m)
  n <- as.integer(meta$n)
  if (meta$kind == "dense") {
    x <- read_raw(file.path(dir, "dense.f64"), "double", as.double(m) * n, 8L)
    dim(x) <- c(m, n)
    return(x)
  }
  # RcppML reads dgCMatrix slots through the attached Matrix package.
  suppressPackageStartupMessages(library(Matrix))
  nnz <- as.double(meta$nnz)
  methods::new("dgCMatrix", Dim = c(m, n),
               p = read_raw(file.path(dir, "indptr.i32"), "integer", n + 1, 4L),
               i = read_raw(file.path(dir, "indices.i32"), "integer", nnz, 4L),
               x = read_raw(file.path(dir, "data.f64"), "double", nnz, 8L))
}

reset_peak <- function() try(cat("5", file = "/proc/self/clear_refs"), silent = TRUE)
status_mib <- function(field) {
  l <- grep(paste0("^", field), readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", l)) / 1024
}

write_snapshot <- function(out, maxit, w, h) {
  if (!nzchar(out)) return("")
  name <- sprintf("it%06d", maxit)
  writeBin(as.double(w), file.path(out, paste0(name, ".W")))
  writeBin(as.double(h), file.path(out, paste0(name, ".H")))
  name
}

# Runs fit_to(maxit, state) for each maxit of the schedule; fit_to returns
# list(w, h, state, iterations).  `chained` (state carries the iterate
# forward): the time of a snapshot is the sum of the calls so far; otherwise
# every call starts afresh and is timed alone.
run_schedule <- function(args, fit_to, chained, info = list()) {
  runs <- list()
  spent <- 0
  state <- NULL
  peak <- 0
  base <- status_mib("VmRSS:")
  prev <- 0
  cpu_spent <- 0
  for (idx in seq_along(args$schedule)) {
    maxit <- args$schedule[idx]
    step <- if (chained) maxit - prev else maxit
    reset_peak()
    p0 <- proc.time()
    r <- fit_to(step, state)
    p1 <- proc.time()
    secs <- p1[["elapsed"]] - p0[["elapsed"]]
    cpu <- sum(p1[c("user.self", "sys.self")] - p0[c("user.self", "sys.self")])
    cpu_spent <- cpu_spent + cpu
    peak <- max(peak, status_mib("VmHWM:"))
    spent <- spent + secs
    state <- r$state
    prev <- maxit
    snap <- write_snapshot(args$out, maxit, r$w, r$h)
    runs[[length(runs) + 1L]] <- sprintf(
      '{"maxit": %d, "iterations": %d, "seconds": %.6f, "cpu_seconds": %.6f, "snapshot": "%s"}',
      maxit, as.integer(r$iterations), if (chained) spent else secs,
      if (chained) cpu_spent else cpu, snap)
    if (spent > args$budget) break
    if (idx < length(args$schedule)) {
      nxt <- args$schedule[idx + 1L]
      per_it <- secs / max(step, 1)
      cost <- per_it * (if (chained) nxt - maxit else nxt)
      if (spent + cost > args$budget) break
    }
  }
  extra <- paste(sprintf('"%s": "%s"', names(info), unlist(info)), collapse = ", ")
  cat(sprintf('{%s%s"runs": [%s], "rss_before_fit_mib": %.1f, "peak_rss_fit_mib": %.1f}\n',
              extra, if (nzchar(extra)) ", " else "",
              paste(unlist(runs), collapse = ", "), base, peak))
}
