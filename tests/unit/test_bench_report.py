"""The benchmark's arithmetic: capacity, the long conversation's windows and the CPU time per
message (bench/run.py)."""
from __future__ import annotations

import math
import os
import subprocess
import sys
import time

import pytest

from bench.run import (
    Level,
    capacity,
    cpu_per_message,
    group_cpu_seconds,
    machine_cpu_seconds,
    machine_per_message,
    windows,
)


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


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="CPU time is read from Linux's /proc")
def test_a_process_groups_cpu_time_counts_its_busy_children_and_not_its_idle_ones():
    # A server's group: the process started in its own session and its workers.
    burn = ("import sys, time\n"
            "end = time.process_time() + 0.6\n"
            "while time.process_time() < end: pass\n"
            "print('spent', flush=True)\n"
            "sys.stdin.read()\n")
    script = ("import subprocess, sys\n"
              f"busy = [subprocess.Popen([sys.executable, '-c', {burn!r}], stdin=subprocess.PIPE, stdout=subprocess.PIPE)"
              " for _ in range(2)]\n"
              "idle = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'], stdin=subprocess.PIPE)\n"
              "for worker in busy: worker.stdout.readline()\n"
              "print('ready', flush=True)\n"
              "sys.stdin.read()\n")
    server = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              start_new_session=True)
    try:
        assert server.stdout.readline() == b"ready\n"  # the two busy workers have spent their 0.6 s each
        spent = group_cpu_seconds(server.pid)
        assert 1.2 <= spent < 1.2 + 1.5  # and the four interpreters' start-up; all idle now
        time.sleep(0.5)
        assert group_cpu_seconds(server.pid) - spent < 0.1  # idle processes cost nothing
        assert group_cpu_seconds(os.getpgid(0)) > 0 and server.pid != os.getpgid(0)
    finally:
        os.killpg(server.pid, 9)
        server.wait()


def test_cpu_per_message_is_the_time_of_all_levels_over_all_their_messages():
    busy = Level("product", 1, 10, answered=100, cpu_seconds={"rasa": 1.5, "actions": 0.5})
    quiet = Level("product", 1, 5, answered=50, cpu_seconds={"rasa": 0.3, "actions": 0.1})
    assert busy.cpu_ms_per_message("rasa") == 15.0
    assert cpu_per_message([busy, quiet]) == {"rasa": 12.0, "actions": 4.0}
    bare = Level("bare", 1, 5, answered=40, cpu_seconds={"rasa": 0.4})
    assert list(cpu_per_message([bare])) == ["rasa"] and math.isnan(bare.cpu_ms_per_message("actions"))
    assert math.isnan(Level("bare", 1, 5).cpu_ms_per_message("rasa"))  # no message, no figure


def test_the_machine_figures_are_its_busy_time_over_the_level_and_per_message():
    level = Level("product", 1, 40, answered=1000, wall_seconds=50.0,
                  machine={"busy": 80.0, "steal": 1.0, "loadgen": 4.0})
    assert level.busy_cores() == 1.6 and level.steal_cores() == 0.02
    assert level.machine_ms_per_message() == 80.0 and level.machine_ms_per_message("loadgen") == 4.0
    quiet = Level("product", 1, 5, answered=200, wall_seconds=50.0, machine={"busy": 16.0, "steal": 0.0, "loadgen": 0.8})
    assert machine_per_message([level, quiet]) == {"busy": 80.0, "loadgen": 4.0}
    unmeasured = Level("bare", 1, 5, answered=10)
    assert math.isnan(unmeasured.busy_cores()) and math.isnan(unmeasured.steal_cores())
    assert machine_per_message([unmeasured]) == {}


@pytest.mark.skipif(not os.path.isfile("/proc/stat"), reason="the machine's CPU time is read from Linux's /proc/stat")
def test_the_machines_busy_time_counts_a_busy_process():
    before = machine_cpu_seconds()
    end = time.process_time() + 0.5
    while time.process_time() < end:
        pass
    after = machine_cpu_seconds()
    assert after["busy"] - before["busy"] >= 0.4  # this process's half second, and whatever else ran
    assert after["steal"] >= before["steal"]
