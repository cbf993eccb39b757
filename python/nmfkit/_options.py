"""The fit options as libnmf describes them (nmf.h, "options, described":
nmf_option_count, nmf_option_info, nmf_option_choice).

Names, types, defaults, bounds, choice names and help lines are read from
the library, never copied here: a keyword of fit(), consensus(),
rank_survey() and bicv() is any option the library lists, checked against
its bounds or choices and stored at the offset the library gives, so a new
option of the library is a new keyword with no change to this package.
What is Python's own: the keyword ``threads`` for ``n_threads``, ``None``
for "the library's default", case-insensitive choice names, True / False /
None for "on" / "off" / "auto", and "nan" as another name of missing="na".
"""

import ctypes
import math
from collections import namedtuple

from ._library import ERR_INVALID_ARGUMENT, NmfError, _Options, _load

OPTION_INT, OPTION_INT64, OPTION_UINT64, OPTION_REAL, OPTION_CHOICE = range(5)

_CTYPES = {OPTION_INT: ctypes.c_int32, OPTION_INT64: ctypes.c_int64,
           OPTION_UINT64: ctypes.c_uint64, OPTION_REAL: ctypes.c_double,
           OPTION_CHOICE: ctypes.c_int32}
_TYPE_NAMES = {OPTION_INT: "int", OPTION_INT64: "int64",
               OPTION_UINT64: "uint64", OPTION_REAL: "real",
               OPTION_CHOICE: "choice"}

# Python's spellings of library options (keyword -> option name).
KEYWORD_ALIASES = {"threads": "n_threads"}
# Other names of a choice (option -> {alias: choice name}).
_CHOICE_ALIASES = {"missing": {"nan": "na"}}
_AUTO_OFF_ON = {None: "auto", True: "on", False: "off"}


class _OptionDesc(ctypes.Structure):
    """nmf_option_desc (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("type", ctypes.c_int32),
        ("name", ctypes.c_char_p),
        ("help", ctypes.c_char_p),
        ("offset", ctypes.c_int64),
        ("default_value", ctypes.c_double),
        ("min", ctypes.c_double),
        ("max", ctypes.c_double),
        ("min_excluded", ctypes.c_int32),
        ("max_excluded", ctypes.c_int32),
        ("n_choices", ctypes.c_int32),
        ("reserved", ctypes.c_int32),
    ]


Option = namedtuple("Option", "name type default min max min_excluded "
                              "max_excluded choices help offset")
Option.__doc__ = """One option of the library: name (nmf_options' field),
type ("int", "int64", "uint64", "real" or "choice"), default (a choice by its
name), min/max (bounds, +-inf where there is none) and whether each is
excluded, choices (a dict name -> value, empty unless a choice), help (one
line) and offset (in nmf_options)."""

_table = None
_options_class = None


def _declare(lib):
    c_i32 = ctypes.c_int32
    lib.nmf_option_count.restype = c_i32
    lib.nmf_option_count.argtypes = []
    lib.nmf_option_info.restype = c_i32
    lib.nmf_option_info.argtypes = [c_i32, ctypes.POINTER(_OptionDesc)]
    lib.nmf_option_choice.restype = ctypes.c_char_p
    lib.nmf_option_choice.argtypes = [c_i32, c_i32, ctypes.POINTER(c_i32)]


def option_table():
    """The library's options, in its order: a dict name -> Option."""
    global _table
    if _table is not None:
        return _table
    lib = _load()
    _declare(lib)
    table = {}
    for i in range(lib.nmf_option_count()):
        d = _OptionDesc()
        d.struct_size = ctypes.sizeof(d)
        rc = lib.nmf_option_info(i, ctypes.byref(d))
        if rc != 0:
            raise NmfError(rc, lib.nmf_last_error_message().decode())
        choices = {}
        for j in range(d.n_choices):
            value = ctypes.c_int32()
            name = lib.nmf_option_choice(i, j, ctypes.byref(value))
            choices[name.decode()] = value.value
        if d.type == OPTION_CHOICE:
            default = next(n for n, v in choices.items()
                           if v == int(d.default_value))
        elif d.type == OPTION_REAL:
            default = float(d.default_value)
        else:
            default = int(d.default_value)
        table[d.name.decode()] = Option(
            d.name.decode(), _TYPE_NAMES.get(d.type, str(d.type)), default,
            d.min, d.max, bool(d.min_excluded), bool(d.max_excluded),
            choices, d.help.decode(), int(d.offset))
    _table = table
    return table


def options():
    """The fit options as a list of dicts (name, keyword, type, default,
    min, max, min_excluded, max_excluded, choices, help), from the library:
    every one is a keyword of fit(), consensus(), rank_survey() and bicv()
    (``keyword`` is its name there)."""
    keyword = {v: k for k, v in KEYWORD_ALIASES.items()}
    return [dict(o._asdict(), keyword=keyword.get(o.name, o.name))
            for o in option_table().values()]


def options_struct():
    """A fresh nmf_options filled by nmf_options_init, as large as the
    library's own struct: _Options names the pointer fields, and options
    appended after it by a newer library are written at their offsets."""
    global _options_class
    if _options_class is None:
        need = max([ctypes.sizeof(_Options)] +
                   [o.offset + 8 for o in option_table().values()])
        if need > ctypes.sizeof(_Options):
            _options_class = type("_OptionsLibrary", (_Options,), {
                "_fields_": [("_appended", ctypes.c_ubyte *
                              (need - ctypes.sizeof(_Options)))]})
        else:
            _options_class = _Options
    lib = _load()
    opts = _options_class()
    rc = lib.nmf_options_init(ctypes.cast(ctypes.byref(opts),
                                          ctypes.POINTER(_Options)),
                              ctypes.sizeof(opts))
    if rc != 0:
        raise NmfError(rc, lib.nmf_last_error_message().decode())
    return opts


def _range_text(o):
    if o.type == "choice":
        return "one of " + ", ".join(repr(n) for n in o.choices)
    lo, hi = math.isfinite(o.min), math.isfinite(o.max)
    fmt = (lambda v: "%d" % v) if o.type != "real" else (lambda v: "%g" % v)
    if lo and hi:
        return "in %s%s, %s%s" % ("(" if o.min_excluded else "[", fmt(o.min),
                                  fmt(o.max), ")" if o.max_excluded else "]")
    if lo:
        return "%s %s" % (">" if o.min_excluded else ">=", fmt(o.min))
    if hi:
        return "%s %s" % ("<" if o.max_excluded else "<=", fmt(o.max))
    return "finite" if o.type == "real" else "any integer"


def _invalid(keyword, value, o):
    raise NmfError(ERR_INVALID_ARGUMENT, "%s = %r must be %s" % (
        keyword, value, _range_text(o)))


def convert(keyword, value, o=None):
    """The value of keyword (option o) as the field stores it, checked
    against the library's bounds or choices; raises TypeError for a value
    of the wrong kind and NmfError (invalid argument) for one out of range
    or an unknown choice, naming the keyword."""
    if o is None:
        o = option_table()[KEYWORD_ALIASES.get(keyword, keyword)]
    if o.type == "choice":
        name = value
        if set(o.choices) == {"auto", "off", "on"} and (
                value is None or isinstance(value, bool)):
            name = _AUTO_OFF_ON[value]
        if isinstance(name, str):
            name = name.lower()
            name = _CHOICE_ALIASES.get(o.name, {}).get(name, name)
            if name in o.choices:
                return o.choices[name]
        elif not isinstance(value, (str, bool)) and value is not None:
            raise TypeError("nmfkit: %s must be a string, got %r"
                            % (keyword, value))
        _invalid(keyword, value, o)
    if o.type == "real":
        if isinstance(value, str):
            raise TypeError("nmfkit: %s must be a number, got %r"
                            % (keyword, value))
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise TypeError("nmfkit: %s must be a number, got %r"
                            % (keyword, value)) from None
        ok = math.isfinite(v)
    else:
        try:
            v = int(value.__index__())
        except AttributeError:
            raise TypeError("nmfkit: %s must be an integer, got %r"
                            % (keyword, value)) from None
        bits = {"int": 31, "int64": 63, "uint64": 64}[o.type]
        top = 2 ** bits - 1
        ok = v <= top and (o.type != "uint64" or v >= 0)
    ok = ok and (v > o.min if o.min_excluded else v >= o.min) and \
        (v < o.max if o.max_excluded else v <= o.max)
    if not ok:
        _invalid(keyword, value, o)
    return v


def set_options(opts, func, values):
    """Stores each keyword of values (None: keep the library's default)
    in opts; an unknown keyword is a TypeError listing the known ones."""
    table = option_table()
    for keyword, value in values.items():
        name = KEYWORD_ALIASES.get(keyword, keyword)
        o = table.get(name)
        if o is None:
            known = ", ".join(sorted({v: k for k, v in
                                      KEYWORD_ALIASES.items()}.get(n, n)
                                     for n in table))
            raise TypeError("nmfkit.%s() got an unknown option %r (known: "
                            "%s, and weights)" % (func, keyword, known))
        if value is None:
            continue
        field = _CTYPES[{"int": OPTION_INT, "int64": OPTION_INT64,
                         "uint64": OPTION_UINT64, "real": OPTION_REAL,
                         "choice": OPTION_CHOICE}[o.type]]
        field.from_address(ctypes.addressof(opts) + o.offset).value = \
            convert(keyword, value, o)


def options_doc():
    """The options' lines for a docstring, from the library's table."""
    keyword = {v: k for k, v in KEYWORD_ALIASES.items()}
    lines = []
    for o in option_table().values():
        allowed = _range_text(o)
        lines.append("    %s=%r: %s (%s)." % (keyword.get(o.name, o.name),
                                             o.default, o.help, allowed))
    return "\n".join(lines)
