"""The capability map: every known product type and what unknown ones get."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.blink_audio_doctor.doctor.capabilities import (
    CAPABILITIES,
    SYNC_MODULE,
    Family,
    PowerSource,
    camera_can_report,
    capability_for,
    family_or_none,
    supports_plug_power_cycle,
    sync_module_capability,
)

from . import (
    doorbell,
    floodlight,
    mini,
    sync_camera,
)

SYNC = Family.SYNC_MODULE_CAMERA

# product type: talk, power source, family, needs sync module, battery powered
EXPECTED = {
    "white": (False, PowerSource.BATTERY, SYNC, True, True),
    "xt": (False, PowerSource.BATTERY, SYNC, True, True),
    "xt2": (True, PowerSource.BATTERY_OR_USB, SYNC, True, True),
    "catalina": (True, PowerSource.BATTERY_OR_USB, SYNC, True, True),
    "owl": (True, PowerSource.PLUG, Family.MINI, False, False),
    "lotus": (True, PowerSource.DOORBELL_BATTERY, Family.DOORBELL, False, True),
    "superior": (True, PowerSource.PLUG, Family.FLOODLIGHT, False, False),
}


def test_map_lists_exactly_the_known_types() -> None:
    assert set(CAPABILITIES) == set(EXPECTED)


@pytest.mark.parametrize(("product_type", "expected"), EXPECTED.items())
def test_known_type(product_type: str, expected: tuple[Any, ...]) -> None:
    capability = capability_for(product_type)
    assert capability is not None
    assert capability.product_type == product_type
    assert capability.model.startswith("Blink ")
    assert (
        capability.has_two_way_audio,
        capability.power_source,
        capability.family,
        capability.needs_sync_module,
        capability.battery_powered,
    ) == expected
    sync = capability.family is SYNC
    assert capability.reports_wifi_dbm is sync
    assert capability.reports_sync_link is sync
    plug = capability.power_source is PowerSource.PLUG
    assert capability.plug_power_cycle is plug
    assert supports_plug_power_cycle(product_type) is plug


@pytest.mark.parametrize("product_type", [" Catalina ", "OWL", "Lotus"])
def test_lookup_ignores_case_and_spaces(product_type: str) -> None:
    capability = capability_for(product_type)
    assert capability is not None
    assert capability.product_type == product_type.strip().lower()


@pytest.mark.parametrize("product_type", ["sedona", "hawk", "", None, 5, ["owl"], {"type": "owl"}])
def test_unknown_type_has_no_capability(product_type: Any) -> None:
    assert capability_for(product_type) is None
    assert supports_plug_power_cycle(product_type) is False


def test_only_plug_powered_devices_can_be_power_cycled() -> None:
    assert {t for t in CAPABILITIES if supports_plug_power_cycle(t)} == {"owl", "superior"}


def test_sync_module_is_plug_powered() -> None:
    assert sync_module_capability() is SYNC_MODULE
    assert SYNC_MODULE.power_source is PowerSource.PLUG
    assert SYNC_MODULE.plug_power_cycle is True


@pytest.mark.parametrize(
    ("camera", "field", "expected"),
    [
        (sync_camera(), "wifi_dbm", True),
        (sync_camera(), "sync_link_bars", True),
        (sync_camera(), "battery_state", True),
        (sync_camera(), "wifi_bars", True),
        (mini(), "wifi_dbm", False),
        (mini(), "sync_link_bars", False),
        (mini(), "battery_state", False),
        (mini(), "wifi_bars", True),
        (doorbell(), "wifi_dbm", False),
        (doorbell(), "battery_state", True),
        (floodlight(), "sync_link_bars", False),
        # Unknown model: the homescreen family decides, else whether a value is there.
        (sync_camera(product_type="sedona"), "wifi_dbm", True),
        (mini(product_type="hawk"), "wifi_dbm", False),
        (sync_camera(product_type="sedona", family=None), "wifi_dbm", True),
        (sync_camera(product_type="sedona", family=None, wifi_dbm=None), "wifi_dbm", False),
        (sync_camera(product_type="sedona"), "battery_state", True),
        (sync_camera(product_type="sedona", battery_state=None), "battery_state", False),
    ],
)
def test_camera_can_report(camera: Any, field: str, expected: bool) -> None:
    assert camera_can_report(camera, field) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("mini", Family.MINI), ("sync_module_camera", SYNC), ("owl", None), (None, None), (1, None)],
)
def test_family_or_none(value: Any, expected: Family | None) -> None:
    assert family_or_none(value) is expected
