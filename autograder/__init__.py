"""Auto-graded labs for tensors and Keras."""

__version__ = "0.1.0"
