"""Runs a unittest module from the command line.  A test the environment
cannot give what it needs (a terminal, scipy, the fork start method) skips
with its reason; with NMF_REQUIRE_ALL_TESTS=1 (scripts/test.sh exports it
under CI) every such skip is a failure, so that CI runs every test."""
import os
import sys
import unittest


def required():
    """True when no test may be skipped."""
    return os.environ.get("NMF_REQUIRE_ALL_TESTS") == "1"


def main():
    result = unittest.main(verbosity=2, exit=False).result
    if required() and result.skipped:
        for test, reason in result.skipped:
            print("FAIL: %s was skipped (%s), and NMF_REQUIRE_ALL_TESTS=1"
                  % (test.id(), reason))
        sys.exit(1)
    sys.exit(0 if result.wasSuccessful() else 1)
