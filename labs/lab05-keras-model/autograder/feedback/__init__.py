"""Feedback for wrong answers: the true finding about a student's value, naming a cause only when confirmed.

One library by concept: ``compare`` (equality), ``slips`` (re-enacted mistakes), ``shapes`` and ``values``
(what is observably wrong), ``ladder`` (:func:`explain`/:func:`expect`), ``transforms`` and ``axes``
(families of slips), ``calls`` (calling student functions), ``exceptions`` (errors as evidence), and the
concept modules for slices, products, counting and Keras records. Facts about one lab live beside its
checks (``solutions/LAB/``), never here.
"""

from autograder.model import Finding

from .calls import attempt, call_student, prefetch
from .ladder import expect, explain
from .slips import Slip, common_cause, confirmed, reenact

__all__ = ["Finding", "Slip", "attempt", "call_student", "common_cause", "confirmed", "expect", "explain", "prefetch",
           "reenact"]
