"""The one error intake raises, kept apart so every intake module (archives, notebooks, downloads) can raise it."""


class IntakeError(Exception):
    """The file cannot be graded; the message is one line meant for the instructor and the student."""
