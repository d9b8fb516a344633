"""The options form in sections, read and filled as the frontend does."""

from __future__ import annotations

from typing import Any

import probatio as vol
from homeassistant.data_entry_flow import section
from homeassistant.helpers import config_validation as cv


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


def frontend_start_values(result: Any) -> dict[str, Any]:
    """The values the frontend's options dialog starts with, from the form as it is sent.

    The same order of rules as the frontend: a field's suggested value, else its default, else
    (a section) its fields' values. What the dialog sends back unchanged is this.
    """
    serialized = vol.to_field_list(result["data_schema"], custom_serializer=cv.custom_serializer)
    return _start_values(serialized)


def _start_values(fields: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        suggested = (field.get("description") or {}).get("suggested_value")
        if suggested is not None:
            values[field["name"]] = suggested
        elif "default" in field:
            values[field["name"]] = field["default"]
        elif field.get("type") == "expandable":
            values[field["name"]] = _start_values(field["schema"])
    return values
