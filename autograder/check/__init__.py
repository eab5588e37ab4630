"""Check stage: run a lab's otter test files against data from the student's process."""
