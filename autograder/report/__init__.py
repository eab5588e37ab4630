"""Report stage: feedback pages for students and a class report for the instructor, read from the gradebook.

``write_feedback(book.results(lab), book.artifacts, out_dir, lab=lab)`` writes one HTML page
and one Markdown twin per graded submission; ``write_class_report(book.results(lab), out_file, lab=lab,
questions=bundle.questions)`` writes one page for the whole class. Pages are rendered from the Jinja2
templates in ``templates/`` and are self-contained: they work offline. The library logs; the CLI prints.
"""

from autograder.report.classroom import class_data, class_report_html, write_class_report
from autograder.report.student import feedback_html, feedback_markdown, late_text, slugify, write_feedback

__all__ = [
    "class_data",
    "class_report_html",
    "feedback_html",
    "feedback_markdown",
    "late_text",
    "slugify",
    "write_class_report",
    "write_feedback",
]
