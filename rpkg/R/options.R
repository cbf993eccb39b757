# The fit options as the library describes them (nmf.h, "options, described":
# nmf_option_count / nmf_option_info): names, types, defaults, bounds, choice
# names and codes, help.  Read once at load time (.onLoad), so that the
# package copies none of them: a new option of the library is a new entry of
# `control` in nmf(), consensus() and bicv(), checked against its bounds,
# with no change here.  What stays R's own is the spelling of a few
# arguments (threads, L1/L2/sparse as pairs for W and H, theta) and the seed,
# drawn from R's RNG.

.nmf_options <- new.env(parent = emptyenv())  # $table: one list per option
.nmf_codes <- new.env(parent = emptyenv())    # choice codes, status codes

# The C ABI's status codes (nmf.h, pinned there); not options.
.nmf_status_codes <- c(
  null_pointer = -1L, invalid_argument = -2L, dimension = -3L, rank = -4L,
  negative = -5L, not_finite = -6L, sparse_structure = -7L,
  struct_size = -8L, out_of_memory = -9L, too_large = -10L, numerical = -11L,
  internal = -12L)

# R arguments that carry table options under another name: a pair gives the
# W and H options in that order.  Every other table option keeps its name
# (as an argument where the function has one, else an entry of `control`).
.nmf_r_names <- list(threads = "n_threads", L1 = c("l1_w", "l1_h"),
                     L2 = c("l2_w", "l2_h"), sparse = c("sparse_w", "sparse_h"),
                     theta = "ns_theta")

load_option_table <- function() {
  table <- .nmf_option_table()
  assign("table", table, envir = .nmf_options)
  for (o in table)
    if (identical(o$type, "choice")) assign(o$name, o$choices, envir = .nmf_codes)
  assign("status", .nmf_status_codes, envir = .nmf_codes)
  invisible(table)
}

option_table <- function() {
  .nmf_options$table %||% load_option_table()
}

option_spec <- function(name) {
  o <- option_table()[[name]]
  if (is.null(o)) stop("internal: the library has no option '", name, "'")
  o
}

# The library's default of option `name`, as R presents it (a choice by its
# name, a number otherwise).
option_default <- function(name) {
  o <- option_spec(name)
  if (identical(o$type, "choice"))
    return(names(o$choices)[match(o$default, o$choices)])
  if (o$type %in% c("int")) as.integer(o$default) else o$default
}

# "a whole number >= 0", "a finite number in [0, 1)", "one of "a", "b"".
option_range_text <- function(o) {
  if (identical(o$type, "choice"))
    return(paste0("one of ", paste0("\"", names(o$choices), "\"",
                                    collapse = ", ")))
  what <- if (o$type == "real") "a finite number" else "a whole number"
  lo <- is.finite(o$min)
  hi <- is.finite(o$max)
  num <- function(v) format(v, digits = 15)
  if (lo && hi)
    return(paste0(what, " in ", if (o$min_excluded) "(" else "[", num(o$min),
                  ", ", num(o$max), if (o$max_excluded) ")" else "]"))
  if (lo) return(paste0(what, if (o$min_excluded) " > " else " >= ", num(o$min)))
  if (hi) return(paste0(what, if (o$max_excluded) " < " else " <= ", num(o$max)))
  what
}

# An invalid option value: the same condition classes as the library's
# NMF_ERR_INVALID_ARGUMENT (stop_core), so a caller handles both alike.
stop_option <- function(...) {
  stop(structure(class = c("nmfkit_error_invalid_argument", "nmfkit_error",
                           "error", "condition"),
                 list(message = paste0(...), call = NULL)))
}

# Checks one value of option `name` against the library's table and returns
# it as the C ABI's field wants it (a choice's code, an integer or a double).
# `label` names the argument in the one-line error.
check_option <- function(value, name, label = name) {
  o <- option_spec(name)
  if (identical(o$type, "choice")) {
    if (!is.character(value) || length(value) != 1L || is.na(value) ||
        !value %in% names(o$choices))
      stop_option("'", label, "' must be ", option_range_text(o), ", not ",
                  deparse1(value))
    return(o$choices[[value]])
  }
  # R holds whole numbers exactly up to 2^53; an int field up to 2^31 - 1.
  top <- switch(o$type, int = .Machine$integer.max, real = Inf, 2^53)
  ok <- is.numeric(value) && length(value) == 1L && !is.na(value) &&
    is.finite(value) && (o$type == "real" || value == round(value)) &&
    value <= top &&
    (if (o$min_excluded) value > o$min else value >= o$min) &&
    (if (o$max_excluded) value < o$max else value <= o$max)
  if (!ok)
    stop_option("'", label, "' must be ", option_range_text(o), ", not ",
                deparse1(value))
  if (o$type == "int") as.integer(value) else as.double(value)
}

# A pair of options for W and H given as one R argument (L1 = c(w, h), or one
# number for both).
check_option_pair <- function(value, names, label) {
  if (!is.numeric(value) || !length(value) %in% 1:2)
    stop_option("'", label, "' must be one or two numbers (for W and H), ",
                "not ", deparse1(value))
  value <- rep_len(value, 2L)
  stats::setNames(list(check_option(value[[1L]], names[1L], label),
                       check_option(value[[2L]], names[2L], label)), names)
}

# The option values of one call, by the library's names: `args` holds the
# function's own arguments (R names; NULL leaves the library's default),
# `control` any other option by its library name.  Returns a named list of
# checked values for the C glue (read_options walks the table by name).
core_options <- function(args, control) {
  out <- list()
  covered <- character()
  for (arg in names(args)) {
    targets <- .nmf_r_names[[arg]] %||% arg
    covered <- c(covered, targets)
    v <- args[[arg]]
    if (is.null(v)) next
    if (length(targets) == 2L) {
      out[targets] <- check_option_pair(v, targets, arg)
    } else {
      out[[targets]] <- check_option(v, targets, arg)
    }
  }
  if (!is.list(control) || (length(control) && is.null(names(control))))
    stop("'control' must be a named list", call. = FALSE)
  known <- setdiff(names(option_table()), covered)
  unknown <- setdiff(names(control), known)
  if (length(unknown))
    stop_option("unknown 'control' entries: ", paste(unknown, collapse = ", "),
                " (known: ", paste(known, collapse = ", "), ")")
  for (name in names(control))
    out[[name]] <- check_option(control[[name]], name,
                                paste0("control$", name))
  out
}

# A default as text that reads back as the same number (15 digits when
# they suffice, else 17).
exact_text <- function(v) {
  if (!is.numeric(v)) return(as.character(v))
  s <- format(v, digits = 15)
  if (as.numeric(s) == v) s else format(v, digits = 17)
}

# Every option's value in a call, by library name, in R's terms (choice
# names): the given ones, else the library's defaults.  Kept in a fit.
options_used <- function(values) {
  out <- list()
  for (o in option_table()) {
    v <- values[[o$name]]
    out[[o$name]] <- if (is.null(v)) option_default(o$name)
                     else if (identical(o$type, "choice"))
                       names(o$choices)[match(v, o$choices)]
                     else v
  }
  out
}

# The first of a choice argument's listed names when it was left at its
# formals (as match.arg does); the value itself otherwise.
choice_arg <- function(v) if (is.character(v) && length(v) > 1L) v[1L] else v

# The options as a table for users (?nmf_options): each option's library
# name, how nmf() takes it (an argument or an entry of control), its default,
# what values it allows and its help line, all from the library.
nmf_options <- function() {
  table <- option_table()
  args <- names(formals(nmf))
  argument <- vapply(names(table), function(n) {
    hit <- names(.nmf_r_names)[vapply(.nmf_r_names, function(t) n %in% t,
                                      logical(1))]
    a <- if (length(hit)) hit else n
    if (a %in% args) a else paste0("control$", n)
  }, character(1))
  out <- data.frame(
    option = names(table), argument = unname(argument),
    default = vapply(names(table), function(n) exact_text(option_default(n)),
                     character(1)),
    allowed = vapply(table, option_range_text, character(1)),
    help = vapply(table, function(o) o$help, character(1)),
    stringsAsFactors = FALSE)
  rownames(out) <- NULL
  out
}
