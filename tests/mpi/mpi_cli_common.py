"""What the MPI command-line test scripts share: their arguments (the nmf
program and mpiexec), the checks they record, running nmf with or without
mpiexec, and the final verdict."""
import subprocess
import sys

NMF, MPIEXEC = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("not ok -", what)


def run(args, np_=None, timeout=240):
    """nmf ARGS, under mpiexec -np NP_ when given."""
    cmd = ([MPIEXEC, "-np", str(np_), "--oversubscribe"] if np_ else []) + [NMF] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def finish(what):
    print(f"{'FAIL' if failures else 'PASS'}: {what}, {len(failures)} failed checks")
    sys.exit(1 if failures else 0)
