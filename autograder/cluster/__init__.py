"""Grading on a Dask cluster: the coordinator ships a lab to the workers, they grade, it records.

``coordinator`` runs in the ``autograder grade --scheduler`` process, the gradebook's only writer; ``worker``
runs inside each ``dask worker`` process (a plugin holding one ``Grader``, and the task it runs), which starts
the same sandboxes and check processes as local grading. What travels between them is ``protocol`` messages
as bytes: the lab bundle as a zip, one ``GradeTask`` per submission, one ``Graded`` per result.
"""

from autograder.cluster.coordinator import SCHEDULER_ENV, ClusterError, ClusterGrading, scheduler_address

__all__ = ["SCHEDULER_ENV", "ClusterError", "ClusterGrading", "scheduler_address"]
