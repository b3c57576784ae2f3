"""Validating a composed config against pydantic models (an optional extra).

Layer: reads a finished `Composition`; nothing in composition depends on it.
"""

from hydria.repository.pydantic_schema import is_pydantic_model as is_pydantic_model
from hydria.repository.pydantic_schema import model_defaults as model_defaults
from hydria.validation.check import SchemaCheck as SchemaCheck
from hydria.validation.check import build_model as build_model
from hydria.validation.check import schema_checks as schema_checks
from hydria.validation.check import validate_composition as validate_composition

__all__ = [
    "SchemaCheck",
    "build_model",
    "is_pydantic_model",
    "model_defaults",
    "schema_checks",
    "validate_composition",
]
