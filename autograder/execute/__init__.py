"""Execute stage: run a submission's cells in a sandbox and export data only."""
