"""Constants of Blink Audio Doctor."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

DOMAIN: Final = "blink_audio_doctor"
BLINK_DOMAIN: Final = "blink"
LOGGER = logging.getLogger(__package__)

# Config entry data
CONF_MODE: Final = "mode"
MODE_LINKED: Final = "linked"
MODE_OWN: Final = "own"
CONF_BLINK_ENTRY_ID: Final = "blink_entry_id"
CONF_LOGIN: Final = "login"  # blinkpy login attributes (tokens, hardware_id), never the password
CONF_ACCOUNT_ID: Final = "account_id"

# Options
CONF_MIN_WIFI_BARS: Final = "min_wifi_bars"
CONF_MIN_WIFI_DBM: Final = "min_wifi_dbm"
CONF_MIN_SYNC_LINK_BARS: Final = "min_sync_link_bars"
CONF_MIN_DOWNLOAD_MBPS: Final = "min_download_mbps"
CONF_MIN_UPLOAD_MBPS: Final = "min_upload_mbps"
CONF_MAX_LATENCY_MS: Final = "max_latency_ms"
CONF_MAX_PACKET_LOSS_PCT: Final = "max_packet_loss_pct"
CONF_UNHEALTHY_AFTER: Final = "unhealthy_after"
CONF_NOTIFICATIONS: Final = "notifications"
CONF_PLUGS: Final = "plugs"  # serial -> switch entity id
CONF_SCAN_INTERVAL: Final = "scan_interval"  # own sign-in only

DEFAULT_SCAN_INTERVAL: Final = 300
MIN_SCAN_INTERVAL: Final = 300  # Blink flags accounts that poll faster (research: blinkpy #720)
# The Blink coordinator of HA core polls every 300 s; data older than three polls is stale.
STALE_AFTER_POLLS: Final = 3
CORE_POLL_INTERVAL: Final = timedelta(seconds=300)

# Identifier prefix of the per-entry "Internet" service device (not a Blink serial number).
SERVICE_DEVICE_PREFIX: Final = "internet_"
