#!/usr/bin/env bash
# The main job: set up, build every lab, grade the bundled example class of each lab into one gradebook,
# then write per-student feedback (and Moodle's and Blackboard's bulk feedback files), the class report and the
# LMS exports under out/. Each LMS export fills that LMS's own download of the class (examples/rosters/, made by
# examples/make_examples.py --rosters); an export an LMS could not import stops the job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
AG=.venv/bin/autograder
BOOK=out/gradebook.sqlite
ROSTERS=examples/rosters
POLICY="10%/day,max=50%"
roster_for() {
  case "$1" in
    canvas) echo "$ROSTERS/canvas-gradebook.csv" ;;
    moodle) echo "$ROSTERS/moodle-grades.csv" ;;
    blackboard) echo "$ROSTERS/blackboard-gradecenter.xls" ;;
    brightspace) echo "$ROSTERS/brightspace-grades.csv" ;;
    *) echo "$ROSTERS/class.csv" ;;
  esac
}
$AG build
for lab_dir in examples/*/; do
  lab=$(basename "$lab_dir")
  [ -f "solutions/$lab.ipynb" ] || continue
  $AG grade "$lab" "$lab_dir" --gradebook "$BOOK" --timeout 30 --late-penalty "$POLICY" \
    --output "out/$lab/results.json"
  $AG feedback "$lab" --gradebook "$BOOK" -o "out/$lab/feedback" \
    --lms moodle --roster "$ROSTERS/moodle-worksheet-$lab.csv"
  $AG feedback "$lab" --gradebook "$BOOK" -o "out/$lab/feedback" \
    --lms blackboard --roster "$ROSTERS/blackboard-column-$lab.xls"
  $AG report "$lab" --gradebook "$BOOK" -o "out/$lab/report.html"
  for format in canvas moodle blackboard brightspace gradescope csv json; do
    $AG export "$lab" --format "$format" --gradebook "$BOOK" \
      --roster "$(roster_for "$format")" -o "out/$lab/export/$lab-$format"
  done
  echo "$lab: results, feedback, report and exports in out/$lab/"
done
$AG status lab01-tensors --gradebook "$BOOK"
