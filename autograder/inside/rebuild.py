"""Inside a fresh sandbox (never the student's process): Keras models rebuilt from their records.

A check that calls ``model.predict`` or ``model.evaluate`` must see what the student built (architecture,
weights, compile settings), not methods the student's class may have overridden. The runner of a fresh child
rebuilds each model from the data the student's process exported, in Keras's safe mode (no code in the
architecture is deserialised), and answers the checks' calls on the rebuilt models.
"""

from __future__ import annotations

from typing import Any

from autograder.records import KerasModelRecord
from autograder.transport import Record


def rebuild(record: Any) -> Any:
    """A compiled Keras model with the record's architecture and weights; ValueError when it cannot be made."""
    import keras

    if not isinstance(record, Record) or record.type_name != KerasModelRecord.TYPE_NAME:
        raise ValueError("it is not a Keras model")
    architecture = record.attrs.get("architecture")
    if not isinstance(architecture, str):
        raise ValueError("its architecture could not be saved: build it from keras.Sequential and keras.layers")
    try:
        model = keras.models.model_from_json(architecture)
    except Exception as exc:
        raise ValueError(f"it could not be rebuilt from its architecture ({type(exc).__name__}): build it from "
                         "keras.Sequential and keras.layers, without classes of your own") from None
    weights = record.attrs.get("weights") or []
    if weights:
        model.set_weights(weights)
    config = record.attrs.get("compile_config")
    if isinstance(config, dict):
        model.compile_from_config(config)
    return model


def rebuild_all(values: dict[str, Any], names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """The rebuilt models by name, and the reason for each one that could not be rebuilt."""
    models: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in names:
        try:
            models[name] = rebuild(values.get(name))
        except Exception as exc:
            errors[name] = f"`{name}` {exc}"
    return models, errors
