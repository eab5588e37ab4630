"""Recognise the usual mistakes of a first Keras workflow: build, compile, fit, read, predict, evaluate.

By concept: ``records`` (reading model, layer, optimizer and History records), ``model`` (layers, units,
activations, input shape, parameter count), ``compile`` (optimizer, learning rate, metrics, the loss against
the label format), ``history`` (the History and fit's schedule, why fit failed, values read from it),
``learning`` (did training learn), ``predictions`` (predict, classes, accuracy, evaluate), ``validation``
(what fit validated on) and ``curves`` (learning-curve figures). Every recogniser returns a
:class:`~autograder.model.Finding` or None. Facts about one lab live beside its checks, never here; nothing
here imports Keras.
"""

from .compile import explain_compile, explain_loss_labels
from .curves import explain_learning_curves
from .history import explain_fit_failure, explain_history, explain_history_key
from .learning import explain_learning
from .model import explain_layers, explain_model, explain_param_count
from .predictions import explain_accuracy, explain_classes, explain_evaluate, explain_predictions, scores
from .records import CATEGORICAL, SPARSE, accuracy_keys, as_record, class_numbers, loss_name
from .validation import explain_trained, explain_validation

__all__ = [
    "CATEGORICAL",
    "SPARSE",
    "accuracy_keys",
    "as_record",
    "class_numbers",
    "explain_accuracy",
    "explain_classes",
    "explain_compile",
    "explain_evaluate",
    "explain_fit_failure",
    "explain_history",
    "explain_history_key",
    "explain_layers",
    "explain_learning",
    "explain_learning_curves",
    "explain_loss_labels",
    "explain_model",
    "explain_param_count",
    "explain_predictions",
    "explain_trained",
    "explain_validation",
    "loss_name",
    "scores",
]
