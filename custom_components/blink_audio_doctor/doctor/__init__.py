"""The doctor: pure logic that judges Blink two-way audio, without Home Assistant.

Modules: ``model`` (snapshots, thresholds, findings, verdicts), ``capabilities`` (what each
product type can do), ``snapshot`` (blinkpy objects and raw payloads to snapshots), ``rules``
(the health model), ``hysteresis`` (debouncing verdicts across evaluations) and ``probes``
(network measurements; asyncio and aiohttp only).
"""
