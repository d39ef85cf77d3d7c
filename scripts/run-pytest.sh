#!/usr/bin/env bash
# Run the suite; pytest's exit code 5 ("no tests collected") is a failure, not a pass.
set -uo pipefail
python="$1"; shift
"$python" -m pytest --durations=30 "$@"  # the slowest tests, for the suite-time budget (docs/performance.md)
code=$?
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: treating as failure" >&2
  exit 1
fi
exit "$code"
