"""Code that runs inside the sandbox, in the same process as student code (or as the zygote it forks from).

Nothing here is trusted by the grader and nothing here may import the grader's side: only this package,
``autograder.protocol``, ``autograder.transport`` and ``autograder.model`` (a test enforces it). What it sends
back is data, as ``protocol`` messages; the grader validates every field before using it.
"""
