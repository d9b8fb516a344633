"""Offline check of the integration's translations and icons (scripts/lint, scripts/test).

Enforces the rules of Home Assistant's hassfest (its translations and icons checks, which the
Validate workflow runs on GitHub) that can be checked without a network, plus what hassfest
cannot see from the files alone:

- a repair issue has a title and either a description or a fix flow, never both (the repair
  dialog shows the fix flow's own step texts);
- every text is free of HTML, URLs, quoted or invalid placeholders and surrounding spaces;
- every issue, exception, entity and device translation key that the code names with a literal
  (or a module-level constant) exists in every language;
- icons.json: only ``mdi:`` icons, an icon for every state of every enum sensor and for every
  action in services.yaml, no state icon equal to its default;
- every action in services.yaml has a name and a description.

Usage: python scripts/lib/check_translations.py [INTEGRATION_DIR]; exit status 1 on a finding.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
INTEGRATION = REPO / "custom_components/blink_audio_doctor"
PACKAGE = "custom_components.blink_audio_doctor"

# The same patterns as hassfest's translations check.
RE_TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
RE_PLACEHOLDER_IN_SINGLE_QUOTES = re.compile(r"'{\w+}'")
RE_COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
RE_HTML = re.compile(r"<[a-z/!][^>]*>", re.IGNORECASE)
RE_URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
FLOW_KEYS = {"flow_title", "step", "error", "abort", "progress", "create_entry", "initiate_flow"}
STEP_KEYS = {
    "title",
    "description",
    "data",
    "data_description",
    "menu_options",
    "menu_option_descriptions",
    "submit",
    "sections",
}
ISSUE_KEYS = {"title", "description", "fix_flow"}
ENTITY_ICON_KEYS = {"default", "state", "state_attributes", "range"}


def text_errors(where: str, value: Any) -> list[str]:
    """Hassfest's rules for one translated text."""
    if not isinstance(value, str):
        return [f"{where}: not a text"]
    errors: list[str] = []
    if RE_HTML.search(value):
        errors.append(f"{where}: contains HTML")
    if RE_PLACEHOLDER_IN_SINGLE_QUOTES.search(value):
        errors.append(f"{where}: placeholder in single quotes")
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(value) if field]
    except ValueError:
        errors.append(f"{where}: unbalanced braces")
        fields = []
    errors.extend(
        f"{where}: placeholder {{{f}}} is not an identifier" for f in fields if not f.isidentifier()
    )
    if RE_COMBINED_REFERENCE.search(value):
        errors.append(f"{where}: combined translation reference")
    if value != value.strip():
        errors.append(f"{where}: leading or trailing spaces")
    if RE_URL.search(value):
        errors.append(f"{where}: contains a URL (use a placeholder)")
    return errors


def walk_texts(tree: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """Every leaf of a translation tree, with its dotted key."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from walk_texts(value, f"{prefix}.{key}")
    else:
        yield prefix, tree


def flow_errors(where: str, flow: Any) -> list[str]:
    """The shape hassfest requires of a data entry flow's texts."""
    if not isinstance(flow, dict) or not isinstance(flow.get("step"), dict):
        return [f"{where}: a flow needs a 'step' map"]
    errors = [f"{where}.{key}: not allowed in a flow" for key in flow if key not in FLOW_KEYS]
    for step_id, step in flow["step"].items():
        at = f"{where}.step.{step_id}"
        if not isinstance(step, dict):
            errors.append(f"{at}: not a map")
            continue
        errors.extend(f"{at}.{key}: not allowed in a step" for key in step if key not in STEP_KEYS)
        described = set(step.get("data_description", {}))
        errors.extend(
            f"{at}.data_description.{key}: not in data"
            for key in sorted(described - set(step.get("data", {})))
        )
    return errors


def issue_errors(language: str, issues: dict[str, Any]) -> list[str]:
    """A title, and a description or a fix flow (never both)."""
    errors: list[str] = []
    for key, issue in issues.items():
        at = f"{language}: issues.{key}"
        errors.extend(f"{at}.{extra}: not allowed" for extra in issue if extra not in ISSUE_KEYS)
        if "title" not in issue:
            errors.append(f"{at}: needs a title")
        if "fix_flow" in issue and "description" in issue:
            errors.append(
                f"{at}: an issue with a fix_flow must not have a description "
                "(put the text in the fix flow's step)"
            )
        elif "fix_flow" not in issue and "description" not in issue:
            errors.append(f"{at}: needs a description or a fix_flow")
        if "fix_flow" in issue:
            errors.extend(flow_errors(f"{at}.fix_flow", issue["fix_flow"]))
    return errors


def translation_errors(language: str, data: dict[str, Any]) -> list[str]:
    """Every hassfest rule this script checks for one language file."""
    errors = [e for path, text in walk_texts(data, language) for e in text_errors(path, text)]
    errors.extend(issue_errors(language, data.get("issues", {})))
    for flow in ("config", "options"):
        if flow in data:
            errors.extend(flow_errors(f"{language}: {flow}", data[flow]))
    for key, exception in data.get("exceptions", {}).items():
        if not RE_TRANSLATION_KEY.match(key) or set(exception) - {"message"}:
            errors.append(f"{language}: exceptions.{key}: a slug key with only a message")
    for platform, entities in data.get("entity", {}).items():
        for key, entity in entities.items():
            errors.extend(
                f"{language}: entity.{platform}.{key}.state.{state}: invalid key"
                for state in entity.get("state", {})
                if not RE_TRANSLATION_KEY.match(state)
            )
    return errors


def module_constants(modules: dict[str, ast.Module]) -> dict[str, str]:
    """Module-level NAME = "text" assignments of every module (keys named by constants)."""
    constants: dict[str, str] = {}
    for tree in modules.values():
        for node in tree.body:
            target: ast.expr | None = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            value = getattr(node, "value", None)
            if (
                isinstance(target, ast.Name)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                constants[target.id] = value.value
    return constants


def callee(node: ast.Call) -> str:
    """The called name: f(...) -> f, a.b.f(...) -> f."""
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else ""


def snake(name: str) -> str:
    """SensorEntityDescription -> sensor, BinarySensorEntityDescription -> binary_sensor."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name.removesuffix("EntityDescription")).lower()


def used_keys(integration: Path) -> set[str]:
    """Dotted translation keys the code names: issues.x, exceptions.x, entity.p.x, device.x."""
    modules = {
        path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in integration.rglob("*.py")
    }
    constants = module_constants(modules)

    def literal(node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return constants.get(node.id) if isinstance(node, ast.Name) else None

    keys: set[str] = set()
    for module, tree in modules.items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and any(
                    getattr(t, "id", getattr(t, "attr", "")) == "_attr_translation_key"
                    for t in node.targets
                )
                and (key := literal(node.value)) is not None
            ):
                keys.add(f"entity.{module}.{key}")
            if not isinstance(node, ast.Call):
                continue
            arguments = {kw.arg: kw.value for kw in node.keywords}
            key = literal(arguments.get("translation_key"))
            if key is None:
                continue
            name = callee(node)
            if name.endswith("EntityDescription"):
                keys.add(f"entity.{snake(name)}.{key}")
            elif name == "DeviceInfo":
                keys.add(f"device.{key}")
            elif name in {"async_create_issue", "create_issue"}:
                keys.add(f"issues.{key}")
            elif "translation_domain" in arguments:
                keys.add(f"exceptions.{key}")
    return keys


def enum_sensor_options() -> dict[str, list[str]]:
    """translation_key -> options of every enum sensor the sensor platform describes."""
    module = importlib.import_module(f"{PACKAGE}.sensor")
    options: dict[str, list[str]] = {}
    for value in vars(module).values():
        for description in value if isinstance(value, tuple) else (value,):
            if getattr(description, "device_class", None) == "enum" and description.options:
                options[description.translation_key] = list(description.options)
    return options


def icon_errors(
    icons: dict[str, Any], services: list[str], enums: dict[str, list[str]]
) -> list[str]:
    """Hassfest's icon rules, plus an icon for every enum state and every action."""
    errors = [
        f"icons.json{path}: not an mdi: icon"
        for path, icon in walk_texts(icons, "")
        if not (isinstance(icon, str) and icon.startswith("mdi:"))
    ]
    for platform, entities in icons.get("entity", {}).items():
        for key, entity in entities.items():
            at = f"icons.json: entity.{platform}.{key}"
            errors.extend(f"{at}.{x}: not allowed" for x in entity if x not in ENTITY_ICON_KEYS)
            states = entity.get("state", {})
            errors.extend(
                f"{at}.state.{state}: the same as the default icon"
                for state, icon in states.items()
                if icon == entity.get("default")
            )
            errors.extend(
                f"{at}.range.{bound}: not a number"
                for bound in entity.get("range", {})
                if not re.fullmatch(r"-?\d+(\.\d+)?", bound)
            )
    diagnosis_icons = icons.get("entity", {}).get("sensor", {})
    for key, options in enums.items():
        have = set(diagnosis_icons.get(key, {}).get("state", {}))
        errors.extend(
            f"icons.json: entity.sensor.{key}.state.{option}: missing (an enum sensor state)"
            for option in options
            if option not in have
        )
    errors.extend(
        f"icons.json: services.{name}: missing"
        for name in services
        if name not in icons.get("services", {})
    )
    return errors


def check(integration: Path, enums: dict[str, list[str]]) -> list[str]:
    """Every finding for the integration in ``integration``; empty when all is well."""
    services = list(yaml.safe_load((integration / "services.yaml").read_text(encoding="utf-8")))
    icons = json.loads((integration / "icons.json").read_text(encoding="utf-8"))
    errors = icon_errors(icons, services, enums)
    needed = used_keys(integration)
    for path in sorted((integration / "translations").glob("*.json")):
        language = path.stem
        data = json.loads(path.read_text(encoding="utf-8"))
        errors.extend(translation_errors(language, data))
        present = {dotted.removeprefix(".") for dotted, _ in walk_texts(data, "")}
        errors.extend(
            f"{language}: {key}: used in the code but not translated"
            for key in sorted(needed)
            if not any(p == key or p.startswith(f"{key}.") for p in present)
        )
        sensors = data.get("entity", {}).get("sensor", {})
        for key, options in enums.items():
            states = set(sensors.get(key, {}).get("state", {}))
            errors.extend(
                f"{language}: entity.sensor.{key}.state.{option}: missing"
                for option in options
                if option not in states
            )
        for name in services:
            action = data.get("services", {}).get(name, {})
            if not {"name", "description"} <= set(action):
                errors.append(f"{language}: services.{name}: needs a name and a description")
    return errors


def main() -> int:
    """Check the integration (or the directory given) and print every finding."""
    integration = Path(sys.argv[1]) if len(sys.argv) > 1 else INTEGRATION
    sys.path.insert(0, str(REPO))
    errors = check(integration, enum_sensor_options())
    for error in errors:
        print(error)
    print(f"translations and icons: {len(errors)} finding(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
