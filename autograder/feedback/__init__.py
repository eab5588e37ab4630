"""Feedback for wrong answers: recognise the likely mistake and say how to fix it."""

from .recognise import Finding, expect, explain

__all__ = ["Finding", "expect", "explain"]
