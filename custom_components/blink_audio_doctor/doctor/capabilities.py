"""What each Blink product type can do, as far as two-way audio and its diagnosis go.

Product types are Blink's own ``type`` strings (research/blinkpy.md section 2.5). A type that is
not listed here has no capability (``None``): the doctor then says "unknown model" rather than
guess that an unfamiliar camera is healthy.

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
    def reports_wifi_dbm(self) -> bool:
        """Return whether Blink reports the camera's Wi-Fi in dBm (config endpoint)."""
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

CAPABILITIES: Mapping[str, Capability] = MappingProxyType(
    {
        cap.product_type: cap
        for cap in (
            # The first-generation cameras have no speaker: Talk cannot work on them.
            _cap(
                "white",
                "Blink Indoor (1st gen)",
                talk=False,
                power=PowerSource.BATTERY,
                family=_SYNC,
                needs_sync_module=True,
                battery=True,
            ),
            _cap(
                "xt",
                "Blink XT",
                talk=False,
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
"""Known product types; anything else is an unknown model."""

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


def sync_module_capability() -> SyncModuleCapability:
    """Return the capability shared by every Sync Module (``sm1``, ``sm2``): plug powered."""
    return SYNC_MODULE


def supports_plug_power_cycle(product_type: object) -> bool:
    """Return whether a smart-plug power cycle can restart a camera of this type.

    Unknown types return ``False``: we never cut power to a device we cannot vouch for.
    """
    capability = capability_for(product_type)
    return capability is not None and capability.plug_power_cycle


_SYNC_MODULE_CAMERA_FIELDS = frozenset({"wifi_dbm", "sync_link_bars"})


def camera_can_report(camera: CameraSnapshot, field: str) -> bool:
    """Return whether a camera's model can report a snapshot field at all.

    Used to create only the sensors a camera can fill: dBm and Sync Module link bars exist
    for sync-module cameras only, a battery state for battery-powered models only. For an
    unknown product type the family read from the homescreen decides; when that is unknown
    too, whether the field currently has a value.

    Args:
        camera: The camera's snapshot.
        field: A ``CameraSnapshot`` field name, e.g. ``wifi_dbm``.

    Returns:
        ``True`` when the field can carry a reading for this camera.
    """
    capability = capability_for(camera.product_type)
    if field == "battery_state":
        if capability is not None:
            return capability.battery_powered
        return camera.battery_state is not None
    if field in _SYNC_MODULE_CAMERA_FIELDS:
        family = capability.family if capability is not None else family_or_none(camera.family)
        if family is not None:
            return family is Family.SYNC_MODULE_CAMERA
        return getattr(camera, field, None) is not None
    return True


def family_or_none(value: object) -> Family | None:
    """Return the family named by ``value``, or ``None`` when it names none."""
    return _FAMILIES.get(value) if isinstance(value, str) else None


_FAMILIES: Mapping[str, Family] = MappingProxyType({family.value: family for family in Family})
