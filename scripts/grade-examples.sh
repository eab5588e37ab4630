#!/usr/bin/env bash
# The main job: set up, build every lab, grade the bundled example class and write the results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
AG=.venv/bin/autograder
$AG build
for lab_dir in examples/*/; do
  lab=$(basename "$lab_dir")
  [ -f "solutions/$lab.ipynb" ] || continue
  $AG grade "$lab" "$lab_dir" --timeout 20 --output "out/$lab/results.json"
  echo "per-check results and messages: out/$lab/results.json"
done
