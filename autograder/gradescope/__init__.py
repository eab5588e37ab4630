"""Gradescope: build an autograder zip per lab, and grade one submission inside Gradescope's container.

``package.make_gradescope_zip`` writes the zip (``autograder build`` calls it); ``run`` is the entry point
``run_autograder`` starts for each submission; ``results`` turns a graded submission into Gradescope's
``results.json``. See ``docs/gradescope.md``.
"""

from autograder.gradescope.package import make_gradescope_zip

__all__ = ["make_gradescope_zip"]
