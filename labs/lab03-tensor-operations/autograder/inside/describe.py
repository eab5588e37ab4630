"""Inside the sandbox: reduce the student's objects to data the checks can read.

Functions become references that checks call through probes; Keras models become a description
(architecture, compile settings, weights) whose ``predict``/``evaluate`` are probe references; a
History and the student's own objects (a batch-counting callback, say) become records of their data
attributes. Keras is only looked at when the student's code has imported it.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from autograder.records import HistoryRecord, KerasLayerRecord, KerasModelRecord, OptimizerRecord, as_record
from autograder.transport import FunctionRef, Opaque, Record

_MAX_ATTRS = 50
_FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType)


def _keras() -> Any:
    return sys.modules.get("keras")


def _name_of(thing: Any) -> Any:
    """A readable name for a Keras loss, metric, activation or optimizer given as a string or object."""
    if thing is None or isinstance(thing, (str, int, float, bool)):
        return thing
    for attr in ("name", "__name__"):
        value = getattr(thing, attr, None)
        if isinstance(value, str):
            return value
    return type(thing).__name__


def _shape(getter: Any) -> Any:
    try:
        shape = getter()
    except Exception:
        return None
    return tuple(shape) if isinstance(shape, (list, tuple)) else shape


def _layer(layer: Any) -> Record:
    try:
        config = layer.get_config()
    except Exception:
        config = {}
    activation = getattr(layer, "activation", None)
    record = KerasLayerRecord(
        class_name=type(layer).__name__,
        name=layer.name,
        units=getattr(layer, "units", None),
        activation=_name_of(activation) if activation is not None else None,
        built=bool(getattr(layer, "built", False)),
        output_shape=_shape(lambda: layer.output.shape),
        count_params=layer.count_params() if getattr(layer, "built", False) else 0,
        config=config,
    )
    return as_record(record, KerasLayerRecord.TYPE_PREFIX + type(layer).__name__)


def _optimizer(model: Any) -> Record | None:
    opt = getattr(model, "optimizer", None)
    if opt is None:
        return None
    try:
        learning_rate = float(opt.learning_rate.numpy() if hasattr(opt.learning_rate, "numpy") else opt.learning_rate)
    except Exception:
        learning_rate = None
    kind = type(opt).__name__
    return as_record(OptimizerRecord(kind, learning_rate), OptimizerRecord.TYPE_PREFIX + kind)


def _metric_names(model: Any) -> list[Any]:
    compiled = getattr(model, "_compile_config", None)
    config = getattr(compiled, "config", None) if compiled is not None else None
    metrics = (config or {}).get("metrics") if isinstance(config, dict) else None
    if metrics is None:
        return []
    metrics = metrics if isinstance(metrics, (list, tuple)) else [metrics]
    return [_name_of(m) for m in metrics]


def keras_model(name: str, model: Any) -> Record:
    """A model's architecture, compile settings and weights; predict/evaluate stay callable via probes."""
    built = bool(model.built)
    record = KerasModelRecord(
        class_name=type(model).__name__,
        built=built,
        layers=[_layer(layer) for layer in model.layers],
        count_params=model.count_params() if built else 0,
        input_shape=_shape(lambda: model.input_shape) if built else None,
        output_shape=_shape(lambda: model.output_shape) if built else None,
        compiled=getattr(model, "optimizer", None) is not None,
        optimizer=_optimizer(model),
        loss=_name_of(getattr(model, "loss", None)),
        metrics=_metric_names(model),
        weights=list(model.get_weights()) if built else [],
        predict=FunctionRef(f"{name}.predict"),
        evaluate=FunctionRef(f"{name}.evaluate"),
        architecture=_quietly(model.to_json),
        compile_config=_quietly(model.get_compile_config) if getattr(model, "optimizer", None) is not None else None,
    )
    return as_record(record, KerasModelRecord.TYPE_NAME)


def _quietly(getter: Any) -> Any:
    """What ``getter`` returns, or None when the student's model cannot say (then it cannot be rebuilt)."""
    try:
        return getter()
    except Exception:
        return None


def _history(value: Any) -> Record:
    record = HistoryRecord(
        history={str(k): [float(x) for x in v] for k, v in dict(value.history).items()},
        params={str(k): v for k, v in dict(getattr(value, "params", {}) or {}).items()},
        epoch=[int(e) for e in getattr(value, "epoch", [])],
    )
    return as_record(record, HistoryRecord.TYPE_NAME)


def _plain_object(name: str, value: Any, depth: int) -> Record | Opaque:
    attrs: dict[str, Any] = {}
    for key, attr in list(vars(value).items())[:_MAX_ATTRS]:
        if key.startswith("_"):
            continue
        attrs[key] = exportable(f"{name}.{key}", attr, depth + 1)
    return Record(f"{type(value).__module__}.{type(value).__qualname__}", attrs)


def exportable(name: str, value: Any, depth: int = 0) -> Any:
    """What the checks receive for the student's global ``name``."""
    if isinstance(value, _FUNCTION_TYPES):
        return FunctionRef(name)
    keras = _keras()
    if keras is not None:
        if isinstance(value, keras.Model):
            return keras_model(name, value) if depth == 0 else Opaque("keras.Model")
        if isinstance(value, keras.callbacks.History):
            return _history(value)
    if isinstance(value, types.ModuleType):
        return Opaque(f"module {value.__name__}")
    if depth < 2 and hasattr(value, "__dict__") and _is_student_or_simple(value):
        return _plain_object(name, value, depth)
    return value


def _is_student_or_simple(value: Any) -> bool:
    module = type(value).__module__
    return module == "__main__" or isinstance(value, types.SimpleNamespace) or module.startswith("keras")
