#!/usr/bin/env bash
# Run the suite: the tests in parallel (pytest-xdist, one worker per core, each module on one worker so
# its fixtures are built once), then the `serial` ones alone (they measure their own process's memory,
# which a neighbour's load must not sway). pytest's exit code 5 ("no tests collected") is a failure in
# either part. With arguments (a file, -k ...): one plain run of what they select.
set -uo pipefail
python="$1"; shift
fail() { if [ "$1" -eq 5 ]; then echo "pytest collected no tests ($2): treating as failure" >&2; return 1; fi; return "$1"; }
if [ "$#" -gt 0 ]; then
  "$python" -m pytest --durations=30 "$@"
  fail $? "selection"; exit $?
fi
workers="${PYTEST_WORKERS:-$(nproc)}"
# in collection order (tests/conftest.py hands the longest modules out first); the slowest tests listed,
# for the suite-time budget (docs/performance.md)
"$python" -m pytest -n "$workers" --dist loadfile --no-loadscope-reorder -m "not serial" --durations=30
parallel=$?
"$python" -m pytest -m serial --durations=10
serial=$?
fail "$parallel" "parallel part"; parallel=$?
fail "$serial" "serial part"; serial=$?
[ "$parallel" -eq 0 ] && [ "$serial" -eq 0 ]
