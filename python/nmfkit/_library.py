"""Loading libnmf and the ABI: nmf.h's pinned constants, the ctypes
mirrors of its structs, the prototypes, and NmfError."""

import ctypes
import ctypes.util
import os
import warnings

# --------------------------------------------------------------- constants
# Pinned by the ABI (nmf.h); the test suite checks them against
# nmf_constant().

OK = 0
CANCELLED = 1
ERR_NULL_POINTER = -1
ERR_INVALID_ARGUMENT = -2
ERR_DIMENSION = -3
ERR_RANK = -4
ERR_NEGATIVE = -5
ERR_NOT_FINITE = -6
ERR_SPARSE_STRUCTURE = -7
ERR_STRUCT_SIZE = -8
ERR_OUT_OF_MEMORY = -9
ERR_TOO_LARGE = -10
ERR_NUMERICAL = -11
ERR_INTERNAL = -12

_CODE_NAMES = {
    OK: "NMF_OK", CANCELLED: "NMF_CANCELLED",
    ERR_NULL_POINTER: "NMF_ERR_NULL_POINTER",
    ERR_INVALID_ARGUMENT: "NMF_ERR_INVALID_ARGUMENT",
    ERR_DIMENSION: "NMF_ERR_DIMENSION", ERR_RANK: "NMF_ERR_RANK",
    ERR_NEGATIVE: "NMF_ERR_NEGATIVE", ERR_NOT_FINITE: "NMF_ERR_NOT_FINITE",
    ERR_SPARSE_STRUCTURE: "NMF_ERR_SPARSE_STRUCTURE",
    ERR_STRUCT_SIZE: "NMF_ERR_STRUCT_SIZE",
    ERR_OUT_OF_MEMORY: "NMF_ERR_OUT_OF_MEMORY",
    ERR_TOO_LARGE: "NMF_ERR_TOO_LARGE", ERR_NUMERICAL: "NMF_ERR_NUMERICAL",
    ERR_INTERNAL: "NMF_ERR_INTERNAL",
}

# nmf_matrix.layout, .scalar_type, .index_type
LAYOUT_DENSE = 1
LAYOUT_CSC = 2
SCALAR_DOUBLE = 1
SCALAR_FLOAT = 2
INDEX_I32 = 1
INDEX_I64 = 2

_STOP_REASONS = {0: "none", 1: "maxit", 2: "tol", 3: "cancelled", 4: "exact",
                 5: "stable"}

_INT32_MIN = -(2 ** 31)
_MAX_HISTORY = 1000000  # loss_history keeps at most the first million losses
_INT32_MAX = 2 ** 31 - 1


# ------------------------------------------------------------ C structures

_PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_int64, ctypes.c_int64,
                                ctypes.c_double, ctypes.c_double,
                                ctypes.c_void_p)


class _Options(ctypes.Structure):
    """nmf_options (nmf.h); fields are only ever appended."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("loss", ctypes.c_int32),
        ("solver", ctypes.c_int32),
        ("init", ctypes.c_int32),
        ("n_threads", ctypes.c_int32),
        ("maxit", ctypes.c_int32),
        ("tol", ctypes.c_double),
        ("seed", ctypes.c_uint64),
        ("l1_w", ctypes.c_double),
        ("l1_h", ctypes.c_double),
        ("l2_w", ctypes.c_double),
        ("l2_h", ctypes.c_double),
        ("user_w", ctypes.c_int32),
        ("user_h", ctypes.c_int32),
        ("fix_w", ctypes.c_int32),
        ("fix_h", ctypes.c_int32),
        ("progress", _PROGRESS_FN),
        ("progress_data", ctypes.c_void_p),
        ("hals_alpha", ctypes.c_double),
        ("hals_delta", ctypes.c_double),
        ("missing", ctypes.c_int32),
        ("weights", ctypes.POINTER(ctypes.c_double)),
        ("weights_ld", ctypes.c_int64),
        ("beta", ctypes.c_double),
        ("mu_eps", ctypes.c_double),
        ("extrapolation", ctypes.c_int32),
        ("extrap_beta0", ctypes.c_double),
        ("extrap_eta", ctypes.c_double),
        ("extrap_gamma", ctypes.c_double),
        ("extrap_gamma_bar", ctypes.c_double),
        ("sparse_w", ctypes.c_double),
        ("sparse_h", ctypes.c_double),
        ("ns_theta", ctypes.c_double),
        # const nmf_collective * (distributed runs); always NULL here.
        ("collective", ctypes.c_void_p),
        ("sketch", ctypes.c_int32),
        ("sketch_rank", ctypes.c_int64),
        ("stable_checks", ctypes.c_int32),
    ]


class _Result(ctypes.Structure):
    """nmf_result (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("stop_reason", ctypes.c_int32),
        ("iterations", ctypes.c_int64),
        ("loss", ctypes.c_double),
        ("rel_error", ctypes.c_double),
        ("solver", ctypes.c_int32),
        ("init", ctypes.c_int32),
        ("seconds", ctypes.c_double),
        ("loss_history", ctypes.POINTER(ctypes.c_double)),
        ("loss_history_capacity", ctypes.c_int64),
        ("history_length", ctypes.c_int64),
        ("extrapolation", ctypes.c_int32),
        ("restarts", ctypes.c_int64),
        ("sketch_rank", ctypes.c_int64),
        ("sketch_iterations", ctypes.c_int64),
    ]


class _Matrix(ctypes.Structure):
    """nmf_matrix (nmf.h): the input of every operation, described."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("layout", ctypes.c_int32),
        ("scalar_type", ctypes.c_int32),
        ("index_type", ctypes.c_int32),
        ("m", ctypes.c_int64),
        ("n", ctypes.c_int64),
        ("lda", ctypes.c_int64),
        ("data", ctypes.c_void_p),
        ("col_ptr", ctypes.c_void_p),
        ("row_ind", ctypes.c_void_p),
        ("values", ctypes.c_void_p),
    ]


class _ConsensusInfo(ctypes.Structure):
    """nmf_consensus_info (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("best_stop_reason", ctypes.c_int32),
        ("m", ctypes.c_int64),
        ("n", ctypes.c_int64),
        ("k", ctypes.c_int64),
        ("nrun", ctypes.c_int64),
        ("runs_done", ctypes.c_int64),
        ("best_run", ctypes.c_int64),
        ("best_iterations", ctypes.c_int64),
        ("best_loss", ctypes.c_double),
        ("rel_error", ctypes.c_double),
        ("rss", ctypes.c_double),
        ("evar", ctypes.c_double),
        ("cophenetic", ctypes.c_double),
        ("dispersion", ctypes.c_double),
        ("silhouette", ctypes.c_double),
        ("seconds", ctypes.c_double),
    ]


class _SurveyOptions(ctypes.Structure):
    """nmf_survey_options (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("randomized", ctypes.c_int32),
        ("nrun", ctypes.c_int64),
        ("random_seed", ctypes.c_uint64),
    ]


class _BicvOptions(ctypes.Structure):
    """nmf_bicv_options (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("row_groups", ctypes.c_int32),
        ("col_groups", ctypes.c_int32),
        ("reps", ctypes.c_int32),
        ("seed", ctypes.c_uint64),
    ]


# ----------------------------------------------------------------- library

def _find_library():
    env = os.environ.get("NMFKIT_LIBRARY")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("libnmf.so", "libnmf.dylib", "nmf.dll"):
        candidate = os.path.join(here, name)
        if os.path.exists(candidate):
            return candidate
    found = ctypes.util.find_library("nmf")
    if found:
        return found
    raise OSError(
        "nmfkit: cannot find libnmf; set NMFKIT_LIBRARY to the path of "
        "libnmf.so, put libnmf.so in the nmfkit package directory, or "
        "install it where the dynamic linker finds it")


_lib = None
library_path = None


def _load():
    """Load libnmf once and declare the prototypes used here."""
    global _lib, library_path
    if _lib is not None:
        return _lib
    path = _find_library()
    lib = ctypes.CDLL(path)
    c_i32, c_i64 = ctypes.c_int32, ctypes.c_int64
    vp = ctypes.c_void_p
    lib.nmf_version.restype = ctypes.c_char_p
    lib.nmf_version.argtypes = []
    lib.nmf_version_number.restype = c_i32
    lib.nmf_version_number.argtypes = []
    lib.nmf_strerror.restype = ctypes.c_char_p
    lib.nmf_strerror.argtypes = [c_i32]
    lib.nmf_last_error_message.restype = ctypes.c_char_p
    lib.nmf_last_error_message.argtypes = []
    lib.nmf_take_notice.restype = ctypes.c_char_p
    lib.nmf_take_notice.argtypes = []
    lib.nmf_constant.restype = c_i32
    lib.nmf_constant.argtypes = [ctypes.c_char_p]
    lib.nmf_options_init.restype = c_i32
    lib.nmf_options_init.argtypes = [ctypes.POINTER(_Options), ctypes.c_size_t]
    lib.nmf_result_init.restype = c_i32
    lib.nmf_result_init.argtypes = [ctypes.POINTER(_Result), ctypes.c_size_t]
    # Array arguments are passed as raw addresses (c_void_p): numpy owns the
    # memory and the prepared arguments keep it alive for the call.
    mat_p = ctypes.POINTER(_Matrix)
    lib.nmf_fit.restype = c_i32
    lib.nmf_fit.argtypes = [mat_p, c_i64, vp, vp, vp, ctypes.POINTER(_Options),
                            ctypes.POINTER(_Result)]
    lib.nmf_run_seed.restype = ctypes.c_uint64
    lib.nmf_run_seed.argtypes = [ctypes.c_uint64, c_i64]
    _declare_consensus(lib)
    _lib = lib
    library_path = path
    return lib


def _declare_consensus(lib):
    """Prototypes of nmf.h's consensus, survey, bicv and marker functions.
    Handles (nmf_consensus *, nmf_survey *) are opaque c_void_p values."""
    c_i32, c_i64, vp = ctypes.c_int32, ctypes.c_int64, ctypes.c_void_p
    opts_p, out_p = ctypes.POINTER(_Options), ctypes.POINTER(ctypes.c_void_p)
    sopts_p, bopts_p = (ctypes.POINTER(_SurveyOptions),
                        ctypes.POINTER(_BicvOptions))
    protos = {
        "nmf_consensus_free": (None, [vp]),
        "nmf_consensus_get_info": (c_i32, [vp, ctypes.POINTER(_ConsensusInfo)]),
        "nmf_consensus_matrix": (c_i32, [vp, vp, c_i64]),
        "nmf_consensus_labels": (c_i32, [vp, vp, vp]),
        "nmf_consensus_silhouette": (c_i32, [vp, vp]),
        "nmf_consensus_tree": (c_i32, [vp, vp, vp, vp]),
        "nmf_consensus_best_fit": (c_i32, [vp, vp, vp, vp]),
        "nmf_consensus_runs": (c_i32, [vp, vp, vp]),
        "nmf_survey_options_init": (c_i32, [sopts_p, ctypes.c_size_t]),
        "nmf_survey_free": (None, [vp]),
        "nmf_survey_size": (c_i64, [vp]),
        "nmf_survey_get": (vp, [vp, c_i64, c_i32]),
        "nmf_bicv_options_init": (c_i32, [bopts_p, ctypes.c_size_t]),
        "nmf_feature_scores": (c_i32, [vp, c_i64, c_i64, c_i64, c_i32, vp]),
        "nmf_select_features": (c_i32, [vp, c_i64, c_i64, c_i64, c_i32, vp,
                                        vp]),
    }
    mat_p = ctypes.POINTER(_Matrix)
    protos["nmf_consensus_fit"] = (c_i32, [mat_p, c_i64, c_i64, opts_p, out_p])
    protos["nmf_survey_fit"] = (c_i32, [mat_p, vp, c_i64, sopts_p, opts_p, out_p])
    protos["nmf_bicv"] = (c_i32, [mat_p, vp, c_i64, bopts_p, opts_p, vp, vp, vp])
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def library_version():
    """The version string of the libnmf actually loaded ("MAJOR.MINOR.PATCH")."""
    return _load().nmf_version().decode()


def constant(name):
    """The value of an nmf.h constant by name (e.g. "NMF_ERR_RANK"), or None."""
    value = _load().nmf_constant(name.encode())
    return None if value == _INT32_MIN else value


# ------------------------------------------------------------------ errors

class NmfError(Exception):
    """A libnmf status code with the library's description and detail.

    Attributes: ``code`` (the negative status, e.g. ``nmfkit.ERR_RANK``),
    ``name`` ("NMF_ERR_RANK"), ``description`` (``nmf_strerror(code)``) and
    ``detail`` (``nmf_last_error_message()``, naming the problem).
    """

    def __init__(self, code, detail, description=None):
        self.code = int(code)
        self.name = _CODE_NAMES.get(self.code, "NMF status %d" % self.code)
        if description is None:
            description = _load().nmf_strerror(self.code).decode(
                "utf-8", "replace")
        self.description = description
        self.detail = detail
        super().__init__(self.code, detail)

    def __str__(self):
        text = "%s (%d): %s" % (self.name, self.code, self.description)
        return text + (": " + self.detail if self.detail else "")


def _raise_invalid(detail):
    raise NmfError(ERR_INVALID_ARGUMENT, detail)


def _show_notice(lib):
    """Emit the library's pending notice (nmf_take_notice), if any, as a
    RuntimeWarning pointing at the caller's call."""
    notice = lib.nmf_take_notice()
    if notice:
        warnings.warn("nmfkit: " + notice.decode("utf-8", "replace"),
                      RuntimeWarning, stacklevel=3)
