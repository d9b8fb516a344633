"""The options form in sections, read and filled as the frontend does."""

from __future__ import annotations

from typing import Any

import probatio as vol
from homeassistant.data_entry_flow import section


def form_fields(result: Any) -> dict[str, Any]:
    """Field name -> its schema key, inside sections or not."""
    fields: dict[str, Any] = {}
    for key, value in result["data_schema"].schema.items():
        if isinstance(value, section):
            fields |= {str(inner): inner for inner in value.schema.schema}
        else:
            fields[str(key)] = key
    return fields


def form_defaults(result: Any) -> dict[str, Any]:
    """Field name -> the default the form shows (fields without one left out)."""
    return {
        name: key.default()
        for name, key in form_fields(result).items()
        if callable(getattr(key, "default", None)) and key.default() is not vol.UNDEFINED
    }


def nested(result: Any, flat: dict[str, Any]) -> dict[str, Any]:
    """Flat field values put into the form's sections, as the frontend sends them."""
    answer: dict[str, Any] = {}
    for key, value in result["data_schema"].schema.items():
        if isinstance(value, section):
            inner = {str(k) for k in value.schema.schema}
            answer[str(key)] = {name: v for name, v in flat.items() if name in inner}
        elif str(key) in flat:
            answer[str(key)] = flat[str(key)]
    return answer
