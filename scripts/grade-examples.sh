#!/usr/bin/env bash
# The main job: set up, build every lab, grade the bundled example class of each lab into one gradebook,
# then write per-student feedback, the class report and the LMS exports under out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
AG=.venv/bin/autograder
BOOK=out/gradebook.sqlite
$AG build
for lab_dir in examples/*/; do
  lab=$(basename "$lab_dir")
  [ -f "solutions/$lab.ipynb" ] || continue
  $AG grade "$lab" "$lab_dir" --gradebook "$BOOK" --timeout 30 --output "out/$lab/results.json"
  $AG feedback "$lab" --gradebook "$BOOK" -o "out/$lab/feedback"
  $AG report "$lab" --gradebook "$BOOK" -o "out/$lab/report.html"
  for format in canvas moodle blackboard brightspace gradescope csv json; do
    $AG export "$lab" --format "$format" --gradebook "$BOOK" --late-penalty "10%/day,max=50%" -o "out/$lab/export/$lab-$format" 2>/dev/null
  done
  echo "$lab: results, feedback, report and exports in out/$lab/"
done
$AG status lab01-tensors --gradebook "$BOOK"
