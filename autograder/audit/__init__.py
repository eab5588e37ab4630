"""Check-quality audit for course authors: grade generated and authored wrong answers, find the holes.

``audit_lab(course, "lab01-tensors")`` returns an :class:`AuditReport`; see docs/audit.md.
"""

from autograder.audit.lab import AuditError
from autograder.audit.report import AuditReport, QuestionAudit
from autograder.audit.run import audit_lab

__all__ = ["AuditError", "AuditReport", "QuestionAudit", "audit_lab"]
