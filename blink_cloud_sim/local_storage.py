"""Local storage (USB stick in a Sync Module 2): the manifest endpoints blinkpy 0.25.9 calls.

blinkpy asks for a manifest when the homescreen says `local_storage_status: active`:
`POST .../sync_modules/{sm}/local_storage/manifest/request` answers a command (blinkpy waits for
it), `GET .../manifest/request/{id}` answers the manifest, and
`POST .../manifest/{manifest}/clip/request/{clip}` prepares a clip for download (a command).
Their real failure is HTTP 406 (scenario `local_storage_406`, or `inject_fault` with the endpoint
names in `server.ENDPOINTS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .inventory import Inventory
    from .model import SyncModule

MANIFEST_VERSION = "1.0"


def manifest(world: Inventory, module: SyncModule, request_id: int) -> dict[str, Any]:
    """Return the manifest for a request: its id and the stored clips (none are simulated)."""
    _ = world
    return {
        "version": MANIFEST_VERSION,
        "manifest_id": str(module.sync_id * 1000 + request_id % 1000),
        "clips": [],
    }
