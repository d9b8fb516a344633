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
CONF_MAX_JOIN_S: Final = "max_join_s"
CONF_MAX_MEDIA_RTT_MS: Final = "max_media_rtt_ms"
CONF_NOTIFICATIONS: Final = "notifications"
CONF_PLUGS: Final = "plugs"  # serial -> switch entity id
CONF_SCAN_INTERVAL: Final = "scan_interval"  # own sign-in only
# Minutes between config reads of each Mini and doorbell (their only Wi-Fi dBm); 0 = never.
CONF_CONFIG_READ_MINUTES: Final = "config_read_minutes"
DEFAULT_CONFIG_READ_MINUTES: Final = 30

DEFAULT_SCAN_INTERVAL: Final = 300
MIN_SCAN_INTERVAL: Final = 300  # Blink flags accounts that poll faster
# The Blink coordinator of HA core polls every 300 s; data older than three polls is stale.
STALE_AFTER_POLLS: Final = 3

# Identifier prefix of the per-entry "Internet" service device (not a Blink serial number).
SERVICE_DEVICE_PREFIX: Final = "internet_"

# Network probes (options)
CONF_LATENCY_HOST: Final = "latency_host"  # empty: the Blink REST host of the account's region
CONF_LATENCY_PORT: Final = "latency_port"
CONF_SPEED_TEST_URL: Final = "speed_test_url"
CONF_SPEED_TEST_HOURS: Final = "speed_test_hours"  # 0 = only when asked
CONF_MAX_DOWNLOAD_MB: Final = "max_download_mb"
CONF_MAX_UPLOAD_MB: Final = "max_upload_mb"
CONF_MIRROR_DOWNLOAD: Final = "mirror_download_entity"
CONF_MIRROR_UPLOAD: Final = "mirror_upload_entity"
CONF_MIRROR_LATENCY: Final = "mirror_latency_entity"

# Sections of the options form (the options themselves are stored flat).
SECTION_THRESHOLDS: Final = "thresholds"
SECTION_PLUGS: Final = "smart_plugs"
SECTION_NETWORK: Final = "network_tests"
SECTION_MIRRORED: Final = "mirrored_sensors"

DEFAULT_LATENCY_PORT: Final = 443
# Daily, at most 20 + 10 MB: about 0.9 GB a month (30 runs x 30 MB), under 1 GB.
DEFAULT_SPEED_TEST_HOURS: Final = 24
DEFAULT_MAX_DOWNLOAD_MB: Final = 20
DEFAULT_MAX_UPLOAD_MB: Final = 10
LATENCY_INTERVAL: Final = timedelta(minutes=5)
LATENCY_SAMPLES: Final = 5
# Packet loss is failed connects over the last LOSS_WINDOW attempts (about 100 minutes at 5 a
# round), 1 % steps; the first round tries LOSS_MIN_ATTEMPTS, so one failure is 5 %, not 20 %.
LOSS_WINDOW: Final = 100
LOSS_MIN_ATTEMPTS: Final = 20
# A new entry gets its first speed test soon after it is added, not at the next start-up.
FIRST_SPEED_TEST_DELAY: Final = timedelta(minutes=10)

# Remediation actions (power cycle, guided re-add)
SERVICE_POWER_CYCLE: Final = "power_cycle"
SERVICE_RE_ADD_CAMERA: Final = "re_add_camera"
SERVICE_RUN_NETWORK_TEST: Final = "run_network_test"
SERVICE_RUN_DIAGNOSTICS: Final = "run_diagnostics"
SERVICE_TEST_TALK_PATH: Final = "test_talk_path"
ATTR_OFF_SECONDS: Final = "off_seconds"
ATTR_WAIT_FOR_ONLINE: Final = "wait_for_online"
ATTR_TIMEOUT: Final = "timeout"
ATTR_FORCE: Final = "force"
EVENT_POWER_CYCLE: Final = f"{DOMAIN}_power_cycle"
EVENT_RE_ADD: Final = f"{DOMAIN}_re_add"

DEFAULT_OFF_SECONDS: Final = 10  # the troubleshooting article's "unplug for 10 seconds"
MIN_OFF_SECONDS: Final = 5
MAX_OFF_SECONDS: Final = 600
DEFAULT_ONLINE_TIMEOUT: Final = 300
MIN_ONLINE_TIMEOUT: Final = 30
MAX_ONLINE_TIMEOUT: Final = 3600
POWER_CYCLE_COOLDOWN: Final = timedelta(minutes=10)
MAX_POWER_CYCLES_PER_HOUR: Final = 3
# Ask Blink for a device's status at most this often. Not 30: blinkpy refuses a refresh that
# comes exactly 30 s (its refresh rate) after the last one and would answer with old data.
STATUS_POLL_SECONDS: Final = 31
PLUG_SWITCH_ATTEMPTS: Final = 3
PLUG_CONFIRM_SECONDS: Final = 5  # how long a plug may take to report its new state
PLUG_RECOVERY_WINDOW: Final = timedelta(minutes=10)  # keep trying to turn a plug back on
PLUG_RECOVERY_RETRY_SECONDS: Final = 10

DEFAULT_RE_ADD_TIMEOUT: Final = 1800
MIN_RE_ADD_TIMEOUT: Final = 300
MAX_RE_ADD_TIMEOUT: Final = 86400
RE_ADD_CHECK_INTERVAL: Final = timedelta(minutes=1)
RE_ADD_ISSUE_PREFIX: Final = "re_add_"
# A speed test that fell due while Home Assistant was stopped runs this long after start-up.
STARTUP_GRACE: Final = timedelta(minutes=2)
# Network tests on request (action, button, repair) per entry and hour: each moves up to the
# options' download + upload budget, so an automation in a loop cannot pull gigabytes.
MAX_NETWORK_TESTS_PER_HOUR: Final = 4
# Talk-path tests (a live view each): they wake a camera (a battery camera spends battery) and
# send a few requests to Blink, so only on request, per camera and per account at most this often.
TALK_PATH_CAMERA_COOLDOWN: Final = timedelta(minutes=10)
MAX_TALK_PATH_TESTS_PER_HOUR: Final = 6
