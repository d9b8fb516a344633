"""What each Blink product type can do, as far as two-way audio and its diagnosis go.

Product types are Blink's own ``type`` strings. Two-way audio is judged on a deny-list: every
camera is judged unless its model is known to have no speaker (``NO_SPEAKER``). A type that is
not listed here is judged by the family it was found in (``judged_capability``): an unknown
type under the homescreen's ``owls`` as a Mini, under ``doorbells`` as a doorbell, under
``cameras`` as a sync-module camera. Only the smart-plug power cycle still needs a listed type
(``capability_for``): power is never cut to a device we cannot vouch for.

The Mini Pan-Tilt has no row: no published payload names a ``type`` string of its own (the
simulator plays it as a Mini with a pan-tilt accessory). It is listed under ``owls``, so it is
judged as a Mini whatever its type is.

Power sources:

* ``plug``: mains only (Mini through its USB adapter, Wired Floodlight hard-wired). Cutting the
  power restarts the device, so a smart-plug power cycle is offered.
* ``battery``: AA batteries only as far as the doctor is concerned (original Indoor and XT).
* ``battery_or_usb``: runs on AA batteries and has a USB port that can power it (XT2, Indoor and
  Outdoor gen 3). With batteries fitted, cutting USB power does not restart it, so no plug cycle.
* ``doorbell_battery``: the Video Doorbell; wired to a doorbell transformer it still runs on its
  batteries, so cutting the transformer does not restart it either.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .model import CameraSnapshot


class Family(StrEnum):
    """How a device connects to Blink, which decides the fields it can report."""

    SYNC_MODULE_CAMERA = "sync_module_camera"
    MINI = "mini"
    DOORBELL = "doorbell"
    FLOODLIGHT = "floodlight"


class PowerSource(StrEnum):
    """Where a device gets its power (see the module docstring)."""

    PLUG = "plug"
    BATTERY = "battery"
    BATTERY_OR_USB = "battery_or_usb"
    DOORBELL_BATTERY = "doorbell_battery"


@dataclass(frozen=True, slots=True)
class Capability:
    """What one camera product type can do.

    Attributes:
        product_type: Blink's ``type`` string.
        model: Human-readable model name.
        has_two_way_audio: Whether the camera has a speaker and microphone for Talk.
        power_source: Where it gets its power.
        family: How it connects to Blink.
        needs_sync_module: Whether it cannot work without a Sync Module.
        battery_powered: Whether it runs on batteries and reports a battery state.
    """

    product_type: str
    model: str
    has_two_way_audio: bool
    power_source: PowerSource
    family: Family
    needs_sync_module: bool
    battery_powered: bool

    @property
    def wifi_always_reported(self) -> bool:
        """Return whether Blink always sends this model's Wi-Fi (homescreen ``signals.wifi``).

        Sync-module cameras only. Blink's homescreen carries no Wi-Fi for Minis, doorbells and
        floodlights (``owls[]`` and ``doorbells[]`` have no ``signals``); theirs comes from a
        config endpoint at best, and for a Mini from an unpublished one, so without it the
        reading is "not reported" rather than missing.
        """
        return self.family is Family.SYNC_MODULE_CAMERA

    @property
    def reports_sync_link(self) -> bool:
        """Return whether the camera has a radio link to a Sync Module (``signals.lfr``)."""
        return self.family is Family.SYNC_MODULE_CAMERA

    @property
    def plug_power_cycle(self) -> bool:
        """Return whether cutting power through a smart plug restarts the camera."""
        return self.power_source is PowerSource.PLUG


@dataclass(frozen=True, slots=True)
class SyncModuleCapability:
    """What a Sync Module can do (all Sync Module generations are plug powered).

    Attributes:
        power_source: Where it gets its power.
    """

    power_source: PowerSource = PowerSource.PLUG

    @property
    def plug_power_cycle(self) -> bool:
        """Return whether cutting power through a smart plug restarts the Sync Module."""
        return self.power_source is PowerSource.PLUG


def _cap(  # noqa: PLR0913 - one row of the capability table
    product_type: str,
    model: str,
    *,
    talk: bool,
    power: PowerSource,
    family: Family,
    needs_sync_module: bool,
    battery: bool,
) -> Capability:
    return Capability(product_type, model, talk, power, family, needs_sync_module, battery)


_SYNC = Family.SYNC_MODULE_CAMERA

NO_SPEAKER: Mapping[str, str] = MappingProxyType(
    {
        # EDN's review of the XT2 (2019): two-way audio arrived with the XT2; the XT and the
        # original Indoor before it have no speaker.
        "white": "original Blink Indoor: no speaker (EDN, Blink XT2 review, 2019)",
        "xt": "original Blink XT: no speaker (EDN, Blink XT2 review, 2019)",
    }
)
"""The deny-list: product types known to have no speaker, with where that is known."""

CAPABILITIES: Mapping[str, Capability] = MappingProxyType(
    {
        cap.product_type: cap
        for cap in (
            # The first-generation cameras have no speaker (NO_SPEAKER): Talk cannot work.
            _cap(
                "white",
                "Blink Indoor (1st gen)",
                talk="white" not in NO_SPEAKER,
                power=PowerSource.BATTERY,
                family=_SYNC,
                needs_sync_module=True,
                battery=True,
            ),
            _cap(
                "xt",
                "Blink XT",
                talk="xt" not in NO_SPEAKER,
                power=PowerSource.BATTERY,
                family=_SYNC,
                needs_sync_module=True,
                battery=True,
            ),
            _cap(
                "xt2",
                "Blink XT2",
                talk=True,
                power=PowerSource.BATTERY_OR_USB,
                family=_SYNC,
                needs_sync_module=True,
                battery=True,
            ),
            _cap(
                "catalina",
                "Blink Indoor / Outdoor (3rd gen)",
                talk=True,
                power=PowerSource.BATTERY_OR_USB,
                family=_SYNC,
                needs_sync_module=True,
                battery=True,
            ),
            _cap(
                "owl",
                "Blink Mini",
                talk=True,
                power=PowerSource.PLUG,
                family=Family.MINI,
                needs_sync_module=False,
                battery=False,
            ),
            _cap(
                "lotus",
                "Blink Video Doorbell",
                talk=True,
                power=PowerSource.DOORBELL_BATTERY,
                family=Family.DOORBELL,
                needs_sync_module=False,
                battery=True,
            ),
            # Both run on batteries and report a battery state (doorbell config
            # ``battery_state``, tests/fixtures/real/doorbell_config.json).
            _cap(
                "tulip",
                "Blink Video Doorbell (2nd gen)",
                talk=True,
                power=PowerSource.DOORBELL_BATTERY,
                family=Family.DOORBELL,
                needs_sync_module=False,
                battery=True,
            ),
            _cap(
                "orchid",
                "Blink Battery Doorbell 2K+",
                talk=True,
                power=PowerSource.DOORBELL_BATTERY,
                family=Family.DOORBELL,
                needs_sync_module=False,
                battery=True,
            ),
            _cap(
                "superior",
                "Blink Wired Floodlight Camera",
                talk=True,
                power=PowerSource.PLUG,
                family=Family.FLOODLIGHT,
                needs_sync_module=False,
                battery=False,
            ),
        )
    }
)
"""Known product types; any other is judged by its family (``judged_capability``)."""

# How an unlisted type is judged, by the family it was found in. Every sync-module camera and
# every doorbell Blink has sold runs on batteries; a Mini is plug powered.
_FAMILY_DEFAULTS: Mapping[Family, Capability] = MappingProxyType(
    {
        default.family: default
        for default in (
            _cap(
                "",
                "Blink camera",
                talk=True,
                power=PowerSource.BATTERY_OR_USB,
                family=_SYNC,
                needs_sync_module=True,
                battery=True,
            ),
            _cap(
                "",
                "Blink Mini",
                talk=True,
                power=PowerSource.PLUG,
                family=Family.MINI,
                needs_sync_module=False,
                battery=False,
            ),
            _cap(
                "",
                "Blink doorbell",
                talk=True,
                power=PowerSource.DOORBELL_BATTERY,
                family=Family.DOORBELL,
                needs_sync_module=False,
                battery=True,
            ),
            _cap(
                "",
                "Blink floodlight",
                talk=True,
                power=PowerSource.PLUG,
                family=Family.FLOODLIGHT,
                needs_sync_module=False,
                battery=False,
            ),
        )
    }
)

SYNC_MODULE: SyncModuleCapability = SyncModuleCapability()
"""Capability of every Sync Module (sm1, sm2)."""


def capability_for(product_type: object) -> Capability | None:
    """Return the capability of a product type, or ``None`` when it is unknown.

    Args:
        product_type: Blink's ``type`` string; anything else (``None``, numbers) is unknown.

    Returns:
        The capability, or ``None`` for types the doctor does not know.
    """
    if not isinstance(product_type, str):
        return None
    return CAPABILITIES.get(product_type.strip().lower())


def judged_capability(camera: CameraSnapshot) -> Capability:
    """Return what a camera is judged as: its listed type, else the default of its family.

    An unlisted type takes its family's defaults under its own type string; a camera whose
    family is unknown too is judged as a sync-module camera, the kind blinkpy assumes for
    any camera it finds outside ``owls`` and ``doorbells``. The power source of such a
    default is never used to cut power (``supports_plug_power_cycle`` reads the list only).
    """
    listed = capability_for(camera.product_type)
    if listed is not None:
        return listed
    family = family_or_none(camera.family) or Family.SYNC_MODULE_CAMERA
    default = _FAMILY_DEFAULTS[family]
    product_type = camera.product_type if isinstance(camera.product_type, str) else ""
    return Capability(
        product_type.strip().lower(),
        default.model,
        default.has_two_way_audio,
        default.power_source,
        default.family,
        default.needs_sync_module,
        default.battery_powered,
    )


def sync_module_capability() -> SyncModuleCapability:
    """Return the capability shared by every Sync Module (``sm1``, ``sm2``): plug powered."""
    return SYNC_MODULE


def supports_plug_power_cycle(product_type: object) -> bool:
    """Return whether a smart-plug power cycle can restart a camera of this type.

    Unknown types return ``False``: we never cut power to a device we cannot vouch for.
    """
    capability = capability_for(product_type)
    return capability is not None and capability.plug_power_cycle


_SYNC_MODULE_CAMERA_FIELDS = frozenset({"wifi_dbm", "wifi_bars", "sync_link_bars", "sync_link_dbm"})


def camera_can_report(camera: CameraSnapshot, field: str) -> bool:
    """Return whether every camera of this model reports a snapshot field.

    Used to create the sensors a camera fills from the start; the answer depends on the model
    only, never on the current value:

    * ``battery_state``: battery-powered models.
    * ``wifi_dbm``, ``wifi_bars``, ``sync_link_bars``, ``sync_link_dbm``: sync-module cameras
      (config ``wifi_strength``, homescreen ``signals.wifi`` and ``signals.lfr``,
      ``lfr_strength``); Blink's homescreen has no signals for Minis and doorbells.

    A doorbell's or Mini's dBm comes from a config response that may or may not carry it
    (``wifi_rssi``, ``lfr_rssi``, an unpublished Mini shape), so this returns ``False`` for
    them: their sensors are for the caller to add once a reading arrives.

    Args:
        camera: The camera's snapshot.
        field: A ``CameraSnapshot`` field name, e.g. ``wifi_dbm``.

    Returns:
        ``True`` when every camera of the model carries a reading in the field.
    """
    capability = judged_capability(camera)
    if field == "battery_state":
        return capability.battery_powered
    if field in _SYNC_MODULE_CAMERA_FIELDS:
        return capability.family is Family.SYNC_MODULE_CAMERA
    return True


def family_or_none(value: object) -> Family | None:
    """Return the family named by ``value``, or ``None`` when it names none."""
    return _FAMILIES.get(value) if isinstance(value, str) else None


_FAMILIES: Mapping[str, Family] = MappingProxyType({family.value: family for family in Family})
