"""Every endpoint the simulator serves: method, path template, name, and whether it needs a token.

The names are what faults (`World.inject_fault`) and the request log's `endpoint` use.
"""

from __future__ import annotations

from dataclasses import dataclass

_ACCOUNT = "/api/v1/accounts/{account_id}"
_CAMERA = "/network/{network_id}/camera/{camera_id}"
_OWL = _ACCOUNT + "/networks/{network_id}/owls/{camera_id}"
_DOORBELL = _ACCOUNT + "/networks/{network_id}/doorbells/{camera_id}"
_LOCAL_STORAGE = _ACCOUNT + "/networks/{network_id}/sync_modules/{sync_id}/local_storage"


@dataclass(frozen=True)
class Endpoint:
    """One simulated endpoint: method, path template, name, and whether it needs a token."""

    method: str
    template: str
    name: str
    auth: bool = True


ENDPOINTS: tuple[Endpoint, ...] = (
    # OAuth host (api.oauth.blink.com)
    Endpoint("GET", "/oauth/v2/authorize", "oauth_authorize", auth=False),
    Endpoint("GET", "/oauth/v2/signin", "oauth_signin_page", auth=False),
    Endpoint("POST", "/oauth/v2/signin", "oauth_signin", auth=False),
    Endpoint("POST", "/oauth/v2/2fa/verify", "oauth_2fa_verify", auth=False),
    Endpoint("POST", "/oauth/token", "oauth_token", auth=False),
    # REST host (rest-{tier}.immedia-semi.com)
    Endpoint("GET", "/api/v1/users/tier_info", "tier_info"),
    Endpoint("GET", "/api/v3/accounts/{account_id}/homescreen", "homescreen"),
    Endpoint("GET", "/networks", "networks"),
    Endpoint("GET", "/api/v1/camera/usage", "camera_usage"),
    Endpoint("GET", "/user", "user"),
    Endpoint("GET", "/network/{network_id}", "network_status"),
    Endpoint("GET", "/network/{network_id}/syncmodules", "syncmodules"),
    Endpoint("POST", "/network/{network_id}/update", "network_update"),
    Endpoint("GET", "/network/{network_id}/cameras", "cameras"),
    Endpoint("GET", "/events/network/{network_id}", "sync_events"),
    Endpoint("GET", _CAMERA, "camera_status_result"),
    Endpoint("GET", _CAMERA + "/config", "camera_config"),
    Endpoint("POST", _CAMERA + "/update", "camera_update_config"),
    Endpoint("GET", _CAMERA + "/signals", "camera_signals"),
    Endpoint("POST", _CAMERA + "/status", "camera_status"),
    Endpoint("POST", _CAMERA + "/enable", "camera_enable"),
    Endpoint("POST", _CAMERA + "/disable", "camera_disable"),
    Endpoint("POST", _CAMERA + "/thumbnail", "camera_snap"),
    Endpoint("POST", _CAMERA + "/clip", "camera_record"),
    Endpoint(
        "POST",
        "/api/v6/accounts/{account_id}/networks/{network_id}/cameras/{camera_id}/liveview",
        "camera_liveview",
    ),
    Endpoint("GET", _OWL + "/config", "owl_config"),
    Endpoint("POST", _OWL + "/config", "owl_update_config"),
    Endpoint("POST", _OWL + "/status", "owl_status"),
    Endpoint("POST", _OWL + "/thumbnail", "owl_snap"),
    Endpoint("POST", _OWL + "/clip", "owl_record"),
    Endpoint("POST", _OWL + "/lights/{state}", "owl_lights"),
    Endpoint(
        "POST",
        "/api/v2/accounts/{account_id}/networks/{network_id}/owls/{camera_id}/liveview",
        "owl_liveview",
    ),
    Endpoint("GET", _DOORBELL + "/config", "doorbell_config"),
    Endpoint("POST", _DOORBELL + "/status", "doorbell_status"),
    Endpoint("POST", _DOORBELL + "/enable", "doorbell_enable"),
    Endpoint("POST", _DOORBELL + "/disable", "doorbell_disable"),
    Endpoint("POST", _DOORBELL + "/thumbnail", "doorbell_snap"),
    Endpoint("POST", _DOORBELL + "/clip", "doorbell_record"),
    Endpoint(
        "POST",
        "/api/v2/accounts/{account_id}/networks/{network_id}/doorbells/{camera_id}/liveview",
        "doorbell_liveview",
    ),
    Endpoint("POST", _LOCAL_STORAGE + "/manifest/request", "local_storage_manifest_request"),
    Endpoint("GET", _LOCAL_STORAGE + "/manifest/request/{request_id}", "local_storage_manifest"),
    Endpoint(
        "POST",
        _LOCAL_STORAGE + "/manifest/{manifest_id}/clip/request/{clip_id}",
        "local_storage_clip_request",
    ),
    Endpoint("GET", "/network/{network_id}/command/{command_id}", "command_status"),
    Endpoint("POST", "/network/{network_id}/command/{command_id}/done", "command_done"),
    Endpoint("POST", "/network/{network_id}/command/{command_id}/done/", "command_done"),
    Endpoint("POST", _ACCOUNT + "/networks/{network_id}/state/arm", "arm"),
    Endpoint("POST", _ACCOUNT + "/networks/{network_id}/state/disarm", "disarm"),
    Endpoint("GET", _ACCOUNT + "/notifications/configuration", "notifications"),
    Endpoint("POST", _ACCOUNT + "/notifications/configuration", "set_notifications"),
    Endpoint("GET", _ACCOUNT + "/media/changed", "media_changed"),
    Endpoint("GET", "/api/v2/videos/count", "video_count"),
    Endpoint(
        "GET",
        "/api/v3/media/accounts/{account_id}/networks/{network_id}/{product}/{camera_id}"
        "/thumbnail/thumbnail.jpg",
        "thumbnail_image",
    ),
    Endpoint("POST", "/api/v4/account/{account_id}/client/{client_id}/logout", "logout"),
    # Speed-test style probe endpoints (no Blink token needed).
    Endpoint("GET", "/__down", "probe_down", auth=False),
    Endpoint("POST", "/__up", "probe_up", auth=False),
)
ENDPOINT_NAMES = frozenset(e.name for e in ENDPOINTS)
