"""Checks that every code block of README.md announced by a line
`<!-- example: PATH -->` is exactly the file PATH (relative to the repository
root), so that the examples the tests run are the ones the README shows.
Usage: check_readme.py REPO_ROOT"""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1])
text = (root / "README.md").read_text(encoding="utf-8")
pattern = re.compile(r"<!-- example: (\S+) -->\n```[a-z]*\n(.*?)\n```", re.S)
found = pattern.findall(text)
announced = re.findall(r"<!-- example: (\S+) -->", text)
failures = []
if len(found) != len(announced):
    failures.append(f"{len(announced)} examples announced, {len(found)} followed by a code block")
for path, shown in found:
    actual = (root / path).read_text(encoding="utf-8").rstrip()
    if shown.rstrip() != actual:
        failures.append(f"README.md shows a different {path} than the file")
if not found:
    failures.append("README.md announces no examples")
for f in failures:
    print("FAIL:", f)
print(f"{len(found)} README examples checked, {len(failures)} problems")
sys.exit(1 if failures else 0)
