"""The benchmark's arithmetic: capacity and the long conversation's windows (bench/run.py)."""
from __future__ import annotations

from bench.run import Level, capacity, windows


def level(users: int, p95: float, errors: int = 0) -> Level:
    result = Level("product", 1, users, latencies_ms=[p95 / 2] * 94 + [p95] * 6, errors=errors, seconds=10)
    assert result.percentile(95) == p95
    return result


def test_capacity_is_the_most_staff_served_before_the_first_level_that_fails():
    assert capacity([level(5, 120), level(10, 180), level(20, 290), level(40, 450), level(80, 250)]) == 20
    assert capacity([level(5, 120), level(10, 150, errors=1), level(20, 200)]) == 5  # an error fails a level
    assert capacity([level(5, 301)]) == 0


def test_windows_are_medians_of_the_first_middle_and_last_fifty_turns():
    latencies = [10.0] * 50 + [20.0] * 100 + [30.0] * 100 + [40.0] * 50 + [50.0] * 200
    spans = windows(latencies)
    assert list(spans) == ["1-50", "226-275", "451-500"]
    assert list(spans.values()) == [10.0, 35.0, 50.0]  # turns 226-250 at 30 ms, 251-275 at 40 ms
    assert windows([5.0] * 60) == {"1-50": 5.0, "6-55": 5.0, "11-60": 5.0}
