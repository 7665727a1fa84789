"""The benchmarks' timing helper: calls in turn, so two timings see the same spells of a shared machine."""

from benchmarks.measure import best_of_each


def test_calls_alternate_after_one_warm_up_each():
    calls = []
    times = best_of_each([lambda: calls.append("whole"), lambda: calls.append("network")], repeats=3)
    assert calls == ["whole", "network"] * 4  # the warm-ups, then three rounds
    assert len(times) == 2 and all(0 <= t < 1 for t in times)
