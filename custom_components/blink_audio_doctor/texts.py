"""Texts our Python assembles (finding lines, measured figures) from the translations.

A counted unit has one text per plural category (`unit_bars_one`, `unit_bars_other`): Home
Assistant's translation loader logs an error for every ICU plural (`{n, plural, ...}`) in a
language other than English, so the plural is chosen here instead.
"""

from __future__ import annotations


def plural_category(language: str, count: float) -> str:
    """The plural category of `count` in our languages (French counts 0 like 1)."""
    if language.split("-", maxsplit=1)[0] == "fr":
        return "one" if 0 <= count < 2 else "other"  # noqa: PLR2004
    return "one" if count == 1 else "other"


def format_text(template: str, **values: object) -> str:
    """`template` with its placeholders filled (a missing one stays as it is)."""
    text = template
    for key, value in values.items():
        text = text.replace(f"{{{key}}}", str(value))
    return text


def figure(value: object) -> str:
    """A measured number as people write it (`10`, not `10.0`); `?` when there is none."""
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else "?"
