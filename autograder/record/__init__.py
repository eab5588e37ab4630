"""Record stage: the gradebook, and summaries read from it."""
