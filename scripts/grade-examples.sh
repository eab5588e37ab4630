#!/usr/bin/env bash
# The main job: set up, build every lab, grade the bundled example class and write the results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
AG=.venv/bin/autograder
$AG build
mkdir -p out
for lab_dir in examples/*/; do
  lab=$(basename "$lab_dir")
  [ -f "solutions/$lab.ipynb" ] || continue
  $AG grade "$lab" "$lab_dir"
  $AG grade "$lab" "$lab_dir" --json > "out/$lab-results.json"
  echo "results: out/$lab-results.json"
done
