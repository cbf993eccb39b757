#!/usr/bin/env python3
"""Writes rpkg/inst/include/nmfkit/callables.h from capi/include/nmf.h: one
NMFKIT_CALLABLE line per NMF_API function, the list the R package registers
with R_RegisterCCallable and nmfkit.h wraps for other packages.  Run by
scripts/rpkg-sync.sh; the package's test-linkingto.R checks the committed
list against the header it installs.

    python3 scripts/rpkg-callables.py [nmf.h] [callables.h]
"""
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "capi/include/nmf.h"
OUT = (Path(sys.argv[2]) if len(sys.argv) > 2
       else ROOT / "rpkg/inst/include/nmfkit/callables.h")

PREAMBLE = """\
/* The functions of nmfkit's C ABI (nmf.h) that the package registers with
 * R_RegisterCCallable, for nmfkit.h (the wrappers other packages call) and
 * for the package's init (the registration).  Generated from nmf.h by
 * scripts/rpkg-callables.py (run by scripts/rpkg-sync.sh); the package's
 * tests (test-linkingto.R) check that it lists every function.
 *   NMFKIT_CALLABLE(return type, name, (parameters), (arguments))
 *   NMFKIT_CALLABLE_VOID(name, (parameters), (arguments))
 * where name is the C ABI's name without its nmf_ prefix. */
"""


def declarations(text):
    """(return type, name, parameter text) of every NMF_API function."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    for m in re.finditer(r"^NMF_API\s+([^;{]*?)\b(nmf_\w+)\s*\(([^;]*?)\)\s*;", text,
                         flags=re.S | re.M):
        ret = " ".join(m.group(1).split())
        params = " ".join(m.group(3).split())
        yield ret, m.group(2), params


def argument_names(params):
    if params in ("", "void"):
        return []
    names = []
    for p in params.split(","):
        m = re.search(r"(\w+)\s*(\[\s*\])?\s*$", p.strip())
        names.append(m.group(1))
    return names


def main():
    lines = []
    for ret, name, params in declarations(HEADER.read_text(encoding="utf-8")):
        short = name[len("nmf_"):]
        args = ", ".join(argument_names(params))
        ret = ret.replace(" *", "*")
        if ret == "void":
            line = "NMFKIT_CALLABLE_VOID(%s, (%s), (%s))" % (short, params, args)
        else:
            line = "NMFKIT_CALLABLE(%s, %s, (%s), (%s))" % (ret, short, params, args)
        lines.append(textwrap.fill(line, width=78, subsequent_indent="    ",
                                   break_on_hyphens=False))
    OUT.write_text(PREAMBLE + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
