from bot.channels.buttons import ButtonMemory
from bot.channels.limits import SeenOnce, SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_per_sender():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, 60, clock=clock)
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    clock.now += 30
    assert not limiter.allow("a")
    clock.now += 31  # the first two are now more than 60 s old
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert SlidingWindowLimiter(0).allow("a")  # 0 turns it off


def test_seen_once_forgets_after_the_ttl_and_stays_bounded():
    clock = FakeClock()
    seen = SeenOnce(ttl_seconds=600, max_size=3, clock=clock)
    assert seen.first_time("m1") and not seen.first_time("m1")
    clock.now += 601
    assert seen.first_time("m1")
    for key in ("m2", "m3", "m4", "m5"):
        assert seen.first_time(key)
    assert len(seen._seen) <= 3


def test_button_memory_answers_a_number_once():
    clock = FakeClock()
    memory = ButtonMemory(ttl_seconds=1800, clock=clock)
    memory.remember("zhangli", [{"title": "甲", "payload": "/a"}, {"title": "乙", "payload": "/b"}])
    assert memory.resolve("lisi", "2") == "2"          # other users are not affected
    assert memory.resolve("zhangli", " ２。") == "/b"   # full-width digit, trailing full stop
    assert memory.resolve("zhangli", "2") == "2"        # consumed
    memory.remember("zhangli", [{"title": "甲", "payload": "/a"}])
    assert memory.resolve("zhangli", "3") == "3"        # out of range: the text as typed
    memory.remember("zhangli", [{"title": "甲", "payload": "/a"}])
    clock.now += 1801
    assert memory.resolve("zhangli", "1") == "1"        # too old
