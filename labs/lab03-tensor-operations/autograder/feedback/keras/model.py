"""The network itself, read from its record: built or not, input shape, layers, units, activations, parameters.

Every finding states what the record shows (the model has no weights, its last layer has 9 units, it uses
'linear'); the task's numbers are passed in by the check and never printed by the recognisers that compare
the layers one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from ..compare import Options
from ..exceptions import failure_of, raised_finding
from ..slips import Slip, confirmed
from .records import as_record, is_model, number, what

_ACTIVATION_TIPS = {
    "linear": "has no activation (linear), so it gives raw scores that can be negative and do not sum to 1",
    "relu": "uses relu, which gives scores that are 0 or above but do not sum to 1",
    "sigmoid": "uses sigmoid, which squashes each output on its own, so a row of outputs does not sum to 1",
    "tanh": "uses tanh, which gives scores between -1 and 1 that do not sum to 1",
}


def not_a_model(name: str, model: Any) -> Finding | None:
    """Missing (with the cell's exception when it raised), not a model, or a model without layers."""
    if model is None or model is Ellipsis:
        failure = failure_of(name) if model is None else None
        if failure is not None:
            return raised_finding(name, failure)
        return Finding(FindingCode.MISSING, f"`{name}` is not set yet: replace the `...` with your code and run the "
                       "cell.")
    if not is_model(model):
        return Finding(FindingCode.TYPE, f"`{name}` is {what(model)}, not a Keras model: build it with "
                       "`keras.Sequential([...])` (note the parentheses) and keep the model itself in the variable.")
    if not model.layers:
        return Finding(FindingCode.LENGTH, f"`{name}` has no layers yet: add the layers, in order, inside "
                       "`keras.Sequential([...])`.")
    return None


def input_fix(n_features: int | None) -> str:
    shape = f"({n_features},)" if n_features else "(n_features,)"
    return f"`keras.Input(shape={shape})` as the first entry of the list in `keras.Sequential([...])`"


def unbuilt(name: str, n_features: int | None) -> Finding:
    return Finding(FindingCode.SHAPE, f"`{name}` is not built: no layer knows the shape of the input, so the model "
                   f"has no weights yet (0 parameters). Start it with {input_fix(n_features)}.", "input_shape",
                   confirmed=True)


def _wrong_input(name: str, input_shape: tuple, n_features: int) -> Finding:
    sample = tuple(input_shape[1:])
    if len(sample) > 1 and int(np.prod([s or 0 for s in sample])) == n_features:
        extra = (f"its {' × '.join(map(str, sample))} numbers per sample are the {n_features} features of one flat "
                 "row here, so use")
    elif len(sample) > 1 and sample[-1] == n_features:
        extra = (f"one sample here is a row of {n_features} features, and the shape given to `keras.Input` is that "
                 "of ONE sample, without the number of samples (Keras adds the batch axis, `None`): use")
    else:
        extra = f"each sample here has {n_features} features: use"
    return Finding(FindingCode.SHAPE, f"`{name}` expects inputs of shape {input_shape}, but {extra} "
                   f"{input_fix(n_features)}.", "input_shape")


def _wrong_output(name: str, last: Any, n_classes: int, activation: str) -> Finding | None:
    units = last.attrs.get("units")
    if units is None:
        return Finding(FindingCode.TYPE, f"The last layer of `{name}` is a {last.class_name}: end with a Dense layer, "
                       "one unit per class.", "layers[-1]")
    if units != n_classes:
        return Finding(FindingCode.SHAPE, f"The last layer of `{name}` has {units} units, but there are "
                       f"{n_classes} classes: the output layer needs exactly one unit per class.", "layers[-1]")
    used = last.attrs.get("activation")
    if used != activation:
        tip = _ACTIVATION_TIPS.get(used, f"uses {used}")
        return Finding(FindingCode.VALUES, f"The last layer of `{name}` {tip}. A cross-entropy loss needs class "
                       f"probabilities: use `activation='{activation}'` on the output layer.", "layers[-1]",
                       confirmed=True)
    return None


def explain_model(name: str, model: Any, n_classes: int, *, n_features: int | None = None,
                  output_activation: str = "softmax") -> Finding | None:
    """A built classifier for ``n_features`` inputs with one ``output_activation`` unit per class.

    Recognises: not a model, no layers, unbuilt (no input shape), an input shape that includes the number
    of samples or is not flat, wrong output units, and a linear/relu/sigmoid/tanh output.
    """
    model = as_record(model, name)
    problem = not_a_model(name, model)
    if problem is not None:
        return problem
    if not model.built or not model.attrs.get("count_params"):
        return unbuilt(name, n_features)
    input_shape = model.attrs.get("input_shape")
    if n_features and isinstance(input_shape, tuple) and tuple(input_shape[1:]) != (n_features,):
        return _wrong_input(name, input_shape, n_features)
    return _wrong_output(name, model.layers[-1], n_classes, output_activation)


def explain_layers(name: str, model: Any, units: Sequence[int], activations: Sequence[str]) -> Finding | None:
    """The model's layers have the asked units and activations, in order; the asked numbers are never printed."""
    model = as_record(model, name)
    problem = not_a_model(name, model)
    if problem is not None:
        return problem
    layers = model.layers
    if len(layers) != len(units):
        return Finding(FindingCode.LENGTH, f"`{name}` has {len(layers)} layers, which is not the number the task asks "
                       "for: count the Dense layers (`keras.Input` does not count as a layer).", "layers")
    got_units = [layer.attrs.get("units") for layer in layers]
    if sorted(got_units, key=str) == sorted(units, key=str) and got_units != list(units):
        return Finding(FindingCode.SCRAMBLED, f"The layers of `{name}` have the sizes the task asks for, but not in "
                       "its order: check which layer comes first.", "layers", confirmed=True)
    for number_, (layer, want_units, want_act) in enumerate(zip(layers, units, activations, strict=True), start=1):
        label = f"Layer {number_} of `{name}` ({layer.class_name} `{layer.name}`)"
        if layer.attrs.get("units") != want_units:
            return Finding(FindingCode.SHAPE, f"{label} has {layer.attrs.get('units')} units, which is not what the "
                           "task asks for: check the layer sizes and their order.", f"layers[{number_ - 1}]")
        if layer.attrs.get("activation") != want_act:
            return Finding(FindingCode.VALUES, f"{label} uses the activation '{layer.attrs.get('activation')}', "
                           "which is not the one the task asks for: pass it with `activation=...`.",
                           f"layers[{number_ - 1}]")
    return None


def layer_sizes(model: Any) -> list[tuple[int, int]] | None:
    """(inputs, units) of each Dense layer of a built model record, or None when they cannot be read."""
    shape = model.attrs.get("input_shape")
    if not isinstance(shape, tuple) or len(shape) != 2 or not isinstance(shape[1], int):
        return None
    sizes, n_in = [], shape[1]
    for layer in model.layers:
        units = layer.attrs.get("units")
        if not isinstance(units, int):
            return None
        sizes.append((n_in, units))
        n_in = units
    return sizes


def count_slips(name: str, model: Any) -> list[Slip]:
    """Counts by hand that leave something out, each re-enacted from the model's own layer sizes."""
    sizes = layer_sizes(model)
    if not sizes:
        return []
    slips = [
        Slip(f"`{name}` counts the weights but not the biases: each Dense layer also has one bias per unit.",
             sum(i * o for i, o in sizes), FindingCode.SUM),
        Slip(f"`{name}` leaves out the first layer, whose weights connect the inputs to its units.",
             sum(i * o + o for i, o in sizes[1:]), FindingCode.SUM),
        Slip(f"`{name}` counts the units, not the parameters: every unit has one weight per input and a bias.",
             sum(o for _, o in sizes), FindingCode.SUM),
    ]
    return slips if len(sizes) > 1 else [slips[0], slips[2]]


def explain_param_count(name: str, n_params: Any, model: Any, *, n_features: int | None = None) -> Finding | None:
    """``n_params`` read with ``model.count_params()`` once the model was built; the count is never printed."""
    model = as_record(model)
    if n_params is Ellipsis:
        return Finding(FindingCode.MISSING, f"`{name}` is not set yet: replace the `...` with your code and run the "
                       "cell.")
    unbuilt_model = is_model(model) and (not model.built or not model.attrs.get("count_params"))
    if n_params is None:
        return _count_missing(name, unbuilt_model, n_features)
    count = number(n_params)
    if count is None or not count.is_integer():
        return Finding(FindingCode.TYPE, f"`{name}` should be a whole number, what the model's `count_params()` gives, "
                       f"but it is {what(n_params) if count is None else count}.")
    if count == 0:
        return unbuilt("model", n_features)
    if not is_model(model) or unbuilt_model or count == model.count_params:
        return None
    slip = confirmed(int(count), int(model.count_params), count_slips(name, model), Options())
    if slip is not None:
        return Finding(slip.code, f"{slip.message} Ask the model instead, with its `count_params()` method.",
                       confirmed=True)
    return Finding(FindingCode.VALUES, f"`{name}` is {int(count)}, which is not what the model's `count_params()` "
                   "gives: read it from the model rather than computing it by hand, and run the cell again after "
                   "changing the model.")


def _count_missing(name: str, unbuilt_model: bool, n_features: int | None) -> Finding:
    failure = failure_of(name)
    if failure is not None and "count_params" in failure.error and "built" in failure.error:
        return Finding(FindingCode.RAISED, f"`{name}` is not set: `count_params()` raised {failure.error}, "
                       "because the model was not built when that line ran: no layer knew the input shape. Start the "
                       "model with "
                       f"{input_fix(n_features)}, then count again.", failure.line.strip(), confirmed=True)
    if failure is not None:
        return raised_finding(name, failure)
    if unbuilt_model:
        return Finding(FindingCode.MISSING, f"`{name}` is not set, and the model is not built yet: "
                       f"`count_params()` only works on a built model. Start it with {input_fix(n_features)}.")
    return Finding(FindingCode.MISSING, f"`{name}` is not set yet: ask the model with its `count_params()` method.")
