"""Every option's default and bounds or choices, as each interface presents
them, against the library's option table.

usage: check_option_defaults.py LIBNMF_SO NMF_CLI RSCRIPT

  C       nmf_option_count / nmf_option_info / nmf_option_choice, read here
          through ctypes (the reference);
  CLI     `nmf fit --help` (each option's flag, choices or bounds, default);
  R       the installed nmfkit (R_LIBS): the formals of nmf(), consensus()
          and bicv() for the options they take as arguments (R's spellings:
          threads, L1 = c(w, h), ...), nmf_options() for the defaults of the
          control entries and for the bounds R checks;
  Python  nmfkit.options() (the keywords of fit(), consensus(), ...), the
          explicit parameters of those functions that are options, and the
          defaults of the scikit-learn estimator nmfkit.NMF.

A difference fails the test unless it is listed in
deliberate_differences.tsv.  Before comparing, the comparison itself is
checked on doctored inputs (a changed R default, a missing option, a
changed bound), so the test cannot pass by comparing nothing.
"""

import ctypes
import inspect
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INF = float("inf")


# ------------------------------------------------------- the reference (C)

class _Desc(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("type", ctypes.c_int32),
                ("name", ctypes.c_char_p), ("help", ctypes.c_char_p),
                ("offset", ctypes.c_int64), ("default_value", ctypes.c_double),
                ("min", ctypes.c_double), ("max", ctypes.c_double),
                ("min_excluded", ctypes.c_int32),
                ("max_excluded", ctypes.c_int32),
                ("n_choices", ctypes.c_int32), ("reserved", ctypes.c_int32)]


def c_table(lib_path):
    """name -> {"type", "default", "choices" (list) or "bounds" (tuple)}."""
    lib = ctypes.CDLL(lib_path)
    lib.nmf_option_info.argtypes = [ctypes.c_int32, ctypes.POINTER(_Desc)]
    lib.nmf_option_choice.restype = ctypes.c_char_p
    lib.nmf_option_choice.argtypes = [ctypes.c_int32, ctypes.c_int32,
                                      ctypes.POINTER(ctypes.c_int32)]
    out = {}
    for i in range(lib.nmf_option_count()):
        d = _Desc()
        d.struct_size = ctypes.sizeof(d)
        assert lib.nmf_option_info(i, ctypes.byref(d)) == 0
        name = d.name.decode()
        entry = {"type": ("int", "int64", "uint64", "real", "choice")[d.type]}
        if entry["type"] == "choice":
            names = {}
            for j in range(d.n_choices):
                v = ctypes.c_int32()
                choice = lib.nmf_option_choice(i, j, ctypes.byref(v)).decode()
                names[choice] = v.value
            entry["choices"] = sorted(names)
            entry["default"] = next(n for n, v in names.items()
                                    if v == int(d.default_value))
        else:
            entry["bounds"] = (d.min, bool(d.min_excluded), d.max,
                               bool(d.max_excluded))
            entry["default"] = d.default_value
        out[name] = entry
    return out


# ------------------------------------------------------------- comparison

def _same_default(a, b):
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a == b
    return float(a) == float(b)


def _bounds(entry):
    b = entry["bounds"]
    if entry["type"] == "uint64" and b[:2] == (0.0, False):
        b = (-INF, False) + b[2:]  # >= 0 is the type's own: not every
    return b                       # interface prints it


def compare(reference, presented, differences):
    """The differences between the reference table and what interfaces
    present, as lines; those listed in differences ((interface, place,
    option, field) tuples) are left out.  presented: a list of
    (interface, place, option, field, value) with field "default",
    "choices" (a list) or "bounds" (min, min_excluded, max, max_excluded);
    an option of the reference that an interface never presents is a
    difference too."""
    problems = []
    seen = {}
    for interface, place, option, field, value in presented:
        seen.setdefault(interface, set()).add(option)
        key = (interface, place, option, field)
        ref = reference.get(option)
        if ref is None:
            problems.append("%s %s: %s is not an option of the library"
                            % (interface, place, option))
            continue
        if field == "default":
            want = ref["default"]
            if interface == "CLI" and isinstance(want, float):
                want = float("%g" % want)  # the tool prints %g
            same = _same_default(value, want)
        elif field == "choices":
            same = "choices" in ref and sorted(value) == ref["choices"]
            want = ref.get("choices")
        else:
            same = "bounds" in ref and _bounds(dict(ref, bounds=value)) == \
                _bounds(ref)
            want = ref.get("bounds")
        if not same and key not in differences:
            problems.append("%s %s: %s %s is %r, the library's is %r"
                            % (interface, place, option, field, value, want))
    for interface, options in sorted(seen.items()):
        for option in sorted(set(reference) - options):
            problems.append("%s does not present the option %s"
                            % (interface, option))
    return problems


def read_differences(path):
    out = set()
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            out.add(tuple(fields[:4]))
    return out


# ---------------------------------------------------- text forms of bounds

_BOUND_RE = re.compile(
    r"in ([\[(])(\S+), (\S+)([\])])$|(>=|>|<=|<) (\S+)$")


def parse_bounds(text):
    """(min, min_excluded, max, max_excluded) of "in [0, 1)", ">= 1", "> 1",
    "<= 2", or of an empty text (no bounds)."""
    text = text.strip()
    if not text:
        return (-INF, False, INF, False)
    m = _BOUND_RE.search(text)
    if not m:
        raise ValueError("unreadable bounds %r" % text)
    if m.group(1):
        return (float(m.group(2)), m.group(1) == "(", float(m.group(3)),
                m.group(4) == ")")
    op, v = m.group(5), float(m.group(6))
    if op.startswith(">"):
        return (v, op == ">", INF, False)
    return (-INF, False, v, op == "<")


# ------------------------------------------------------------------- CLI

def cli_presented(cli, reference):
    text = subprocess.run([cli, "fit", "--help"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, check=False,
                          universal_newlines=True).stdout
    blocks, current = {}, None
    for line in text.splitlines():
        m = re.match(r"  (--[a-z0-9-]+)(?: (?:NAME|X|N))?(?:\s+(.*))?$", line)
        if m and not line.startswith("   "):
            current = m.group(1)
            blocks[current] = m.group(2) or ""
        elif current and line.startswith(" " * 8):
            blocks[current] += " " + line.strip()
        else:
            current = None
    out = []
    for flag, body in blocks.items():
        name = flag[2:].replace("-", "_")
        name = {"threads": "n_threads"}.get(name, name)
        if name not in reference:
            continue  # the tool's own flags (--rank, --output, ...)
        body = body.strip()
        m = re.search(r"\(default ([^()]*)\)$", body)
        if not m:
            out.append(("CLI", "fit --help", name, "default", None))
            continue
        raw = m.group(1)
        body = body[:m.start()].rstrip()
        if reference[name]["type"] == "choice":
            out.append(("CLI", "fit --help", name, "default", raw))
            c = re.search(r"\(([^()]*)\)$", body)
            out.append(("CLI", "fit --help", name, "choices",
                        c.group(1).split(", ") if c else []))
        else:
            out.append(("CLI", "fit --help", name, "default", float(raw)))
            b = re.search(r"; ((?:in [\[(][^;]*)|(?:[<>]=? \S+))$", body)
            out.append(("CLI", "fit --help", name, "bounds",
                        parse_bounds(b.group(1) if b else "")))
    return out


# --------------------------------------------------------------------- R

R_SCRIPT = r'''
suppressPackageStartupMessages(library(nmfkit))
opts <- nmf_options()
r_names <- nmfkit:::.nmf_r_names
arg_of <- function(name) {
  hit <- names(r_names)[vapply(r_names, function(t) name %in% t, logical(1))]
  if (length(hit)) list(arg = hit, pos = match(name, r_names[[hit]]))
  else list(arg = name, pos = 1L)
}
emit <- function(...) cat(paste(..., sep = "\t"), "\n", sep = "")
ns <- asNamespace("nmfkit")
for (fun in c("nmf", "consensus", "bicv")) {
  f <- formals(get(fun, ns))
  for (i in seq_len(nrow(opts))) {
    name <- opts$option[i]
    a <- arg_of(name)
    if (a$arg %in% names(f)) {
      v <- eval(f[[a$arg]], ns)
      if (is.null(v)) { emit(fun, name, "default", "NULL"); next }
      if (is.character(v)) {
        emit(fun, name, "default", v[1L])
        if (length(v) > 1L) emit(fun, name, "choices", paste(v, collapse = ","))
      } else {
        emit(fun, name, "default", format(v[[a$pos]], digits = 17))
      }
    } else {
      emit(fun, name, "default", opts$default[i])
    }
    emit(fun, name, "allowed", opts$allowed[i])
  }
}
'''


def r_presented(rscript, reference):
    proc = subprocess.run([rscript, "-e", R_SCRIPT], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        sys.exit("check_option_defaults: the R package could not be read "
                 "(install it: scripts/rpkg-install.sh):\n" + proc.stderr)
    out = []
    for line in proc.stdout.splitlines():
        fun, name, field, value = line.split("\t")
        ref = reference.get(name, {"type": "real"})
        if field == "default":
            if value == "NULL":
                out.append(("R", fun, name, "default", None))
            elif ref["type"] == "choice":
                out.append(("R", fun, name, "default", value))
            else:
                out.append(("R", fun, name, "default", float(value)))
        elif field == "choices":
            out.append(("R", fun, name, "choices", value.split(",")))
        elif value.startswith("one of "):
            out.append(("R", fun, name, "choices",
                        re.findall(r'"([^"]*)"', value)))
        else:
            out.append(("R", fun, name, "bounds",
                        parse_bounds(re.sub(r"^a (finite|whole) number ?",
                                            "", value))))
    return out


# ---------------------------------------------------------------- Python

ESTIMATOR = {"solver": "solver", "beta_loss": "loss", "tol": "tol",
             "max_iter": "maxit", "threads": "n_threads",
             "missing": "missing", "sketch": "sketch",
             "extrapolation": "extrapolation", "init": "init",
             "random_state": "seed"}


def python_presented(reference):
    import nmfkit
    out = []
    for o in nmfkit.options():
        out.append(("Python", "options()", o["name"], "default", o["default"]))
        if o["type"] == "choice":
            out.append(("Python", "options()", o["name"], "choices",
                        list(o["choices"])))
        else:
            out.append(("Python", "options()", o["name"], "bounds",
                        (o["min"], o["min_excluded"], o["max"],
                         o["max_excluded"])))
    aliases = {"threads": "n_threads"}
    for func in (nmfkit.fit, nmfkit.consensus, nmfkit.rank_survey,
                 nmfkit.bicv):
        for p in inspect.signature(func).parameters.values():
            name = aliases.get(p.name, p.name)
            if func is nmfkit.bicv and name == "seed":
                continue  # bicv's seed is that of the splits (fit_seed fits)
            if name in reference and p.default is not None:
                out.append(("Python", func.__name__, name, "default",
                            p.default))
    try:
        estimator = nmfkit.NMF
    except ImportError:
        return out
    for p in inspect.signature(estimator.__init__).parameters.values():
        if p.name in ESTIMATOR:
            out.append(("Python", "NMF", ESTIMATOR[p.name], "default",
                        p.default))
    return out


# ------------------------------------------------------------ self-check

def check_the_comparison(reference, presented, differences):
    """compare() finds a changed R default, a changed bound, an option an
    interface leaves out, and keeps quiet for the listed differences."""
    def doctored(fn):
        return compare(reference, [fn(p) for p in presented if fn(p)],
                       differences)

    def r_maxit_1000(p):
        if p[:4] == ("R", "nmf", "maxit", "default"):
            return p[:4] + (1000.0,)
        return p
    found = doctored(r_maxit_1000)
    assert any("R nmf: maxit default is 1000.0" in f for f in found), found

    def python_hals_delta_closed(p):
        if p[0] == "Python" and p[2:4] == ("hals_delta", "bounds"):
            return p[:4] + ((0.0, False, 1.0, False),)
        return p
    found = doctored(python_hals_delta_closed)
    assert any("hals_delta bounds" in f for f in found), found

    def cli_without_tol(p):
        return None if p[0] == "CLI" and p[2] == "tol" else p
    found = doctored(cli_without_tol)
    assert "CLI does not present the option tol" in found, found

    def r_seed_listed(p):  # a listed difference stays quiet; unlisted not
        if p[:4] == ("R", "nmf", "seed", "default"):
            return p[:4] + (None,)
        if p[:4] == ("R", "consensus", "tol", "default"):
            return p[:4] + (1e-6,)
        return p
    found = doctored(r_seed_listed)
    assert not any("R nmf: seed" in f for f in found), found
    assert any("R consensus: tol default" in f for f in found), found


def main():
    lib, cli, rscript = sys.argv[1:4]
    reference = c_table(lib)
    differences = read_differences(os.path.join(HERE,
                                                "deliberate_differences.tsv"))
    presented = (cli_presented(cli, reference) +
                 r_presented(rscript, reference) +
                 python_presented(reference))
    check_the_comparison(reference, presented, differences)
    problems = compare(reference, presented, differences)
    # A listed difference that no longer exists is stale: say so.
    listed = {p[:4] for p in presented}
    stale = [d for d in differences if d not in listed]
    for d in stale:
        problems.append("deliberate_differences.tsv lists %s, which no "
                        "interface presents" % "/".join(d))
    print("compared %d presentations of %d options (C, CLI, R, Python)"
          % (len(presented), len(reference)))
    for p in problems:
        print("DIFFERENCE: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
