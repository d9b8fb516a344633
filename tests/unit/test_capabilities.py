"""The capability map: every known product type, the deny-list, and how unknown ones are judged."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.blink_audio_doctor.doctor.capabilities import (
    CAPABILITIES,
    NO_SPEAKER,
    SYNC_MODULE,
    Family,
    PowerSource,
    camera_can_report,
    capability_for,
    family_or_none,
    judged_capability,
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
    "tulip": (True, PowerSource.DOORBELL_BATTERY, Family.DOORBELL, False, True),
    "orchid": (True, PowerSource.DOORBELL_BATTERY, Family.DOORBELL, False, True),
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
    assert capability.wifi_always_reported is sync
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


def test_deny_list_names_exactly_the_models_without_speaker() -> None:
    assert set(NO_SPEAKER) == {"white", "xt"}
    assert all(NO_SPEAKER.values())  # each with where it is known
    assert {t for t, c in CAPABILITIES.items() if not c.has_two_way_audio} == set(NO_SPEAKER)


@pytest.mark.parametrize(
    ("camera", "family", "battery", "needs_sync_module"),
    [
        (mini(product_type="hawk"), Family.MINI, False, False),
        (doorbell(product_type="peony"), Family.DOORBELL, True, False),
        (sync_camera(product_type="sedona"), SYNC, True, True),
        (floodlight(product_type="lamp"), Family.FLOODLIGHT, False, False),
        # Neither type nor family known: blinkpy's plain camera, a sync-module camera.
        (sync_camera(product_type=None, family=None), SYNC, True, True),
        (sync_camera(product_type=7, family="spaceship"), SYNC, True, True),
    ],
)
def test_unknown_types_are_judged_by_family(
    camera: Any, family: Family, battery: bool, needs_sync_module: bool
) -> None:
    capability = judged_capability(camera)
    assert capability.has_two_way_audio is True
    assert (capability.family, capability.battery_powered) == (family, battery)
    assert capability.needs_sync_module is needs_sync_module
    expected_type = camera.product_type.lower() if isinstance(camera.product_type, str) else ""
    assert capability.product_type == expected_type
    # Judged, but never power-cycled: that still needs a listed type.
    assert supports_plug_power_cycle(camera.product_type) is False


def test_listed_types_are_judged_as_listed() -> None:
    assert judged_capability(doorbell(product_type="Tulip")) is CAPABILITIES["tulip"]
    assert judged_capability(mini(family="doorbell")) is CAPABILITIES["owl"]


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
        (sync_camera(), "sync_link_dbm", True),
        (mini(), "wifi_dbm", False),
        (mini(wifi_dbm=-60), "wifi_dbm", False),  # one Mini's config reading: not the model's
        (mini(), "sync_link_bars", False),
        (mini(), "sync_link_dbm", False),
        (mini(), "battery_state", False),
        (mini(), "wifi_bars", False),  # the homescreen has no bars for Minis
        (doorbell(), "wifi_bars", False),
        (doorbell(), "online", True),  # every model says whether it is online
        (doorbell(), "wifi_dbm", False),
        (doorbell(wifi_dbm=-54), "wifi_dbm", False),  # config wifi_rssi: added on reading
        (doorbell(sync_link_dbm=-70), "sync_link_dbm", False),
        (doorbell(), "sync_link_bars", False),
        (doorbell(), "battery_state", True),
        (floodlight(), "sync_link_bars", False),
        (floodlight(), "wifi_dbm", False),
        # Unknown model: judged by its family; without one, as a sync-module camera.
        (sync_camera(product_type="sedona"), "wifi_dbm", True),
        (mini(product_type="hawk"), "wifi_dbm", False),
        (doorbell(product_type="peony"), "battery_state", True),
        (sync_camera(product_type="sedona", family=None, wifi_dbm=None), "wifi_dbm", True),
        (sync_camera(product_type="sedona", battery_state=None), "battery_state", True),
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
