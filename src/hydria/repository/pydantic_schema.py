"""Pydantic models as config schemas: recognising one, and the config it starts from.

pydantic is never imported here: a model can only exist if its user imported
pydantic already, so `sys.modules` answers "is this a model?" for free.
"""

from __future__ import annotations

import sys
import typing
from typing import Any

__all__ = ["is_pydantic_model", "model_defaults"]

MISSING = "???"


def _base_model() -> type | None:
    pydantic = sys.modules.get("pydantic")
    base = getattr(pydantic, "BaseModel", None)
    return base if isinstance(base, type) else None


def is_pydantic_model(obj: Any) -> bool:
    """Whether `obj` is a pydantic (v2) model class or instance."""
    base = _base_model()
    if base is None:
        return False
    return (isinstance(obj, type) and issubclass(obj, base)) or isinstance(obj, base)


def _model_class(annotation: Any) -> type | None:
    base = _base_model()
    if base is not None and isinstance(annotation, type) and issubclass(annotation, base):
        return annotation
    return None


def model_defaults(model: Any) -> dict[str, Any]:
    """The config a model schema contributes before any YAML is merged onto it.

    Fields with a default give it (in JSON form, so OmegaConf can hold it); required
    fields are `???`, so a config that never sets them fails with every missing key
    named; a required field typed as another model opens into that model's fields.
    An instance gives its own values.
    """
    if not isinstance(model, type):
        dumped: dict[str, Any] = model.model_dump(mode="json")
        return dumped
    content: dict[str, Any] = {}
    fields: dict[str, Any] = getattr(model, "model_fields", {})
    for name, field in fields.items():
        key = field.alias or name
        if not field.is_required():
            default = field.get_default(call_default_factory=True)
            if is_pydantic_model(default):
                default = default.model_dump(mode="json")
            content[key] = _jsonable(default)
            continue
        nested = _model_class(field.annotation)
        content[key] = model_defaults(nested) if nested is not None else MISSING
    return content


def _jsonable(value: Any) -> Any:
    """A default as JSON-like data (what pydantic would dump), for OmegaConf."""
    pydantic = sys.modules["pydantic"]
    try:
        dumped = pydantic.TypeAdapter(typing.Any).dump_python(value, mode="json")
    except Exception:  # not serialisable: let OmegaConf say what it cannot hold
        return value
    return dumped
