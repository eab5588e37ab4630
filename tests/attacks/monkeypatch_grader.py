# Attack: make every comparison and every otter check pass from inside the notebook.
import builtins

import numpy as np
import numpy.testing

np.array_equal = lambda *a, **k: True
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: np.True_
numpy.testing.assert_array_equal = lambda *a, **k: None
numpy.testing.assert_allclose = lambda *a, **k: None
try:
    import otter.test_files.exception_test as et
    from otter.test_files.abstract_test import TestCaseResult

    def run_all_passing(self, global_environment):
        self.test_case_results = [TestCaseResult(test_case=tc, message="ok", passed=True) for tc in self.test_cases]

    et.ExceptionTestFile.run = run_all_passing
    et.test_case.call_func = lambda self, env: None
except Exception as exc:
    print("otter patch failed:", exc)
try:
    import autograder.feedback as fb

    fb.expect = lambda *a, **k: None
    import autograder.feedback.ladder as rec

    rec.expect = lambda *a, **k: None
    rec.explain = lambda *a, **k: None
except Exception as exc:
    print("autograder patch failed:", exc)


class AlwaysEqual(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool) if np.ndim(other) else True


builtins.AssertionError = type("AssertionError", (Exception,), {})
