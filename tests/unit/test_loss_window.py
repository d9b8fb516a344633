"""Packet loss counted over the last 100 connect attempts, not per round of 5."""

from __future__ import annotations

from custom_components.blink_audio_doctor.doctor.loss_window import LossWindow
from custom_components.blink_audio_doctor.doctor.probes import LatencyResult


def round_of(attempts: int, failed: int) -> LatencyResult:
    loss = failed * 100 / attempts if attempts else None
    return LatencyResult(20.0, 1.0, loss, attempts - failed, attempts)


def test_one_failed_connect_is_one_percent_once_the_window_is_full() -> None:
    window = LossWindow(size=100, first_attempts=20)
    # The first round tries 20 connects, so one failure there is 5 %, not 20 %.
    assert window.attempts_for_round(5) == 20
    assert window.add(round_of(20, 1)) == 5.0
    assert window.attempts_for_round(5) == 5
    for _ in range(16):
        window.add(round_of(5, 0))
    assert window.add(round_of(5, 0)) == 1.0
    # The failure leaves the window after 100 more attempts.
    for _ in range(19):
        window.add(round_of(5, 0))
    assert window.add(round_of(5, 0)) == 0.0


def test_a_target_that_stops_answering_reaches_full_loss() -> None:
    window = LossWindow(size=10, first_attempts=10)
    assert window.add(round_of(10, 10)) == 100.0
    window = LossWindow(size=10, first_attempts=10)
    window.add(round_of(10, 0))
    assert window.add(round_of(5, 5)) == 50.0
    assert window.add(round_of(5, 5)) == 100.0


def test_a_host_that_does_not_resolve_changes_nothing() -> None:
    window = LossWindow()
    assert window.add(LatencyResult(None, None, None, 0, 0, "dns_error")) is None
    assert window.attempts_for_round(5) == 20
    window.add(round_of(20, 2))
    assert window.add(LatencyResult(None, None, None, 0, 0, "dns_error")) is None
    assert window.add(round_of(5, 0)) == 8.0
