"""A guided re-add as stored, and what HA's Blink's blinkpy objects tell about its camera.

Read only: nothing here writes to Blink or to HA's Blink entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from blinkpy.camera import BlinkCameraMini, BlinkDoorbell
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .const import CONF_BLINK_ENTRY_ID, DOMAIN, RE_ADD_ISSUE_PREFIX
from .coordinator import AccountCoordinator
from .doctor.model import CameraSnapshot
from .source import SourceUnavailableError, linked_blink

STATE_WAITING_FOR_DELETE = "waiting_for_delete"
STATE_DELETED = "deleted"
STATE_NOT_SEEN = "not_seen_yet"  # timed out; the issue stays open
STATES = (STATE_WAITING_FOR_DELETE, STATE_DELETED, STATE_NOT_SEEN)  # the first: new

ISSUE_KEY_OPEN = "re_add_camera"
ISSUE_KEY_NOT_SEEN = "re_add_not_seen"
ISSUE_KEY_RELOAD = "re_add_blink_reload"  # back, but HA's Blink shows it only after a reload

# blinkpy camera attributes worth recording before the camera is deleted (read, never written).
_SETTINGS = ("motion_enabled", "network_id", "sync_module", "battery", "temperature")


def re_add_issue_id(tracking_id: str) -> str:
    """Repair issue of one re-add."""
    return f"{RE_ADD_ISSUE_PREFIX}{tracking_id}"


def notification_id(tracking_id: str) -> str:
    """The notification a re-add leaves when it ends."""
    return f"{DOMAIN}_re_add_{tracking_id}"


@dataclass
class ReAdd:
    """One guided re-add, as stored."""

    tracking_id: str
    entry_id: str
    serial: str
    name: str | None
    device_id: str | None
    camera_id: str | None
    network_id: str | None
    product_type: str | None
    plug: str | None
    started_at: float
    deadline: float
    state: str = STATE_WAITING_FOR_DELETE
    settings: dict[str, Any] = field(default_factory=dict)

    def response(self) -> dict[str, Any]:
        """Response data of the re_add_camera action."""
        return {
            "tracking_id": self.tracking_id,
            "issue_id": re_add_issue_id(self.tracking_id),
            "timeout": self.deadline - self.started_at,
            "steps": self.steps(),
        }

    def steps(self) -> list[dict[str, str]]:
        """The steps the user follows (also the response data)."""
        restart = (
            f"Home Assistant power-cycles the camera through {self.plug}."
            if self.plug
            else "Unplug the camera (or take its batteries out) for about a minute, then power "
            "it again."
        )
        return [
            {
                "step": "delete",
                "text": f"In the Blink app, open {self.name}'s settings and delete the camera.",
            },
            {"step": "restart", "text": restart},
            {
                "step": "add_back",
                "text": "In the Blink app, tap + (Add a device), pick the model and scan or type "
                f"serial number {self.serial}; then follow the app.",
            },
            {
                "step": "wait",
                "text": "Blink Audio Doctor checks about once a minute and finishes by itself "
                "when the camera is back.",
            },
        ]


def recorded_settings(
    hass: HomeAssistant, entry: ConfigEntry, account: AccountCoordinator, camera: CameraSnapshot
) -> dict[str, Any]:
    """What blinkpy can tell about the camera's settings (JSON-safe values only)."""
    try:
        blink = (
            linked_blink(hass, entry.data[CONF_BLINK_ENTRY_ID])
            if account.linked
            else account.own_session.blink  # type: ignore[union-attr]
        )
        cameras = blink.cameras
    except SourceUnavailableError, AttributeError:
        return {}
    for blink_camera in cameras.values():
        if getattr(blink_camera, "serial", None) != camera.serial:
            continue
        attributes = getattr(blink_camera, "attributes", None)
        if not isinstance(attributes, Mapping):
            return {}
        return {
            key: attributes[key]
            for key in _SETTINGS
            if isinstance(attributes.get(key), str | int | float | bool)
        }
    return {}


def blink_needs_reload(
    hass: HomeAssistant, entry: ConfigEntry, account: AccountCoordinator, camera: CameraSnapshot
) -> bool:
    """Whether HA's Blink integration lacks a camera object for this re-added camera.

    blinkpy creates its camera objects when it sets up and refreshes each one by its camera
    id, except Minis and doorbells, which it refreshes from the homescreen by name: only
    those follow a new camera id without a reload of that integration.
    """
    if not account.linked:
        return False
    try:
        blink = linked_blink(hass, entry.data[CONF_BLINK_ENTRY_ID])
    except SourceUnavailableError:
        return False  # not running: it sets up anew, with the camera, when it comes back
    return not any(
        getattr(blink_camera, "serial", None) == camera.serial
        and (
            str(getattr(blink_camera, "camera_id", "")) == camera.camera_id
            or (
                isinstance(blink_camera, BlinkCameraMini | BlinkDoorbell)
                and getattr(blink_camera, "name", None) == camera.name
            )
        )
        for blink_camera in blink.cameras.values()
    )
