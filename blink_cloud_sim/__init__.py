"""Blink cloud simulator: a stateful fake of the Blink cloud for tests, the demo and benchmarks.

The unmodified blinkpy (and Home Assistant's own `blink` integration) talk to it over real HTTP
once `harness.redirect_blinkpy(server.url)` is active. Not shipped by HACS.

Running it:
    python -m blink_cloud_sim --scenario demo --port 8765

    async with SimServer(World.from_scenario("default")) as sim:
        with redirect_blinkpy(sim.url):
            ...  # Blink()/Auth() now reach sim.url

Scenarios: `default` (one of each family, healthy, no 2FA), `demo` (healthy doorbell, Outdoor
camera with 1 Wi-Fi bar / -80 dBm, hung offline Mini, one Sync Module; 2FA "202"), `families`
(every product type, standalone Mini and doorbell networks; 2FA "412"), or any YAML file with the
same keys. `make_world(num_cameras=N)` builds benchmark worlds.

Python control API (methods of `World`; `server.world` on a running server):
    power_off(serial)                 device offline at once
    power_on(serial)                  online again after its boot_seconds (world clock);
                                      a reboot also clears set_status(serial, False)
    is_powered(serial) / is_online(serial)
    set_signals(serial, *, wifi_bars=None, wifi_dbm=None, lfr_bars=None, lfr_dbm=None)
    set_status(serial, online)        camera or sync module reachable or not
    set_sync_module(serial, *, online=None, wifi_bars=None, last_hb=None)
    set_poor_connection(serial, flag) liveview options.poor_connection
    set_join_time(serial, seconds)    live-view join time (world clock; default 2)
    set_never_joins(serial, flag)     the live view fails with 523 after 30 s
    set_media(*, handshake_ms=None, reachable=None)
                                      TLS media listener: handshake delay, or closed (refused)
    delete_camera(serial) / add_camera_back(serial) -> new camera id (same serial)
    inject_fault(endpoint, *, status=None, delay=None, timeout=False, malformed=False,
                 count=None) -> Fault    endpoint = name from server.ENDPOINTS or path regex
    clear_faults(), reset(), clear_log(), expire_tokens(), set_token_lifetime(seconds),
    advance(seconds) (ManualClock only), snapshot()
    request_log (list of RequestLogEntry: method, path, query, endpoint, template, status, time)
    request_counts() -> {template: n}, endpoint_counts() -> {endpoint name: n}

HTTP control API (JSON; never logged, never faulted): POST /_sim/<name> with the keyword
arguments as a JSON object, e.g. POST /_sim/power_off {"serial": "G8T..."}, POST
/_sim/inject_fault {"endpoint": "homescreen", "status": 503, "count": 1}; names: power_off,
power_on, set_signals, set_status, set_sync_module, set_poor_connection, set_join_time,
set_never_joins, set_media, delete_camera,
add_camera_back, inject_fault, clear_faults, reset, clear_log, expire_tokens,
set_token_lifetime, advance, set_tcp_close_delay. GET /_sim/log, /_sim/counts,
/_sim/endpoint_counts, /_sim/state, /_sim/faults, /_sim/info, /_sim/media_ca (PEM of the media
server's CA), /_sim/is_powered?serial=...,
/_sim/is_online?serial=.... Answers are {"ok": true, "result": ...}; errors 400/404 with
{"error": "..."}.

Probe endpoints: GET /__down?bytes=N (N zero bytes, streamed, capped at 200 MB), POST /__up
(answers {"bytes": received}); both honour faults. `SimServer.tcp_port` accepts TCP
connections and closes them (after `world.tcp_close_delay` seconds). `SimServer.media_port` is the
live views' TLS media server; `SimServer.media_client_context()` trusts its certificate.
"""

from __future__ import annotations

from .server import ENDPOINT_NAMES, ENDPOINTS, SimServer
from .world import (
    DEFAULT_EXPIRES_IN,
    Fault,
    ManualClock,
    RequestLogEntry,
    SimError,
    UnknownDeviceError,
    World,
    make_world,
)

__all__ = [
    "DEFAULT_EXPIRES_IN",
    "ENDPOINTS",
    "ENDPOINT_NAMES",
    "Fault",
    "ManualClock",
    "RequestLogEntry",
    "SimError",
    "SimServer",
    "UnknownDeviceError",
    "World",
    "make_world",
]
