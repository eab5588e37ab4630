#!/usr/bin/env bash
# Set up, then run the project's checks: lint, stale student notebooks, and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER=1 bash scripts/setup.sh
.venv/bin/ruff check autograder tests benchmarks
.venv/bin/autograder build --check
exec .venv/bin/python -m pytest "$@"
