"""The doctor: pure logic that judges Blink two-way audio, without Home Assistant.

Modules: ``model`` (snapshots, thresholds, findings, verdicts), ``capabilities`` (what each
product type can do), ``values`` (defensive readers of payload values and signal units),
``readings`` (config responses of cameras, doorbells and Minis), ``homescreen`` (the
homescreen's devices and Sync Modules), ``snapshot`` (blinkpy objects and raw payloads to
snapshots), ``rules`` (the health model), ``hysteresis`` (debouncing verdicts across
evaluations), ``probes`` (network measurements; asyncio and aiohttp only) and ``cli`` (the
diagnosis on saved files: ``python -m custom_components.blink_audio_doctor.doctor``).
"""
