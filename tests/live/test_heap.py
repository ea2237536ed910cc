"""The garbage collector set for a server (pact/live/memory.py): start-up's objects frozen out of
every later collection, and full collections ten times rarer, young ones as before."""
import gc

import pytest

from pact.live.memory import heap_figures, settle_heap


@pytest.fixture
def restored_collector():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_settling_freezes_what_exists_and_spaces_full_collections(restored_collector):
    young, middle, _ = gc.get_threshold()
    before = heap_figures()
    settle_heap(100)
    after = heap_figures()
    assert after["frozen"] > before["frozen"] + 10_000  # this test process's modules at least
    assert gc.get_threshold() == (young, middle, 100)
    assert after["collections"][2] == before["collections"][2] + 1  # the one collection before freezing


def test_young_cycles_are_still_collected_after_settling(restored_collector):
    settle_heap(100)

    class Node:
        pass

    made = gc.get_stats()[0]["collected"]
    for _ in range(5_000):  # cyclic garbage: only the collector frees it
        a, b = Node(), Node()
        a.other, b.other = b, a
    assert gc.get_stats()[0]["collected"] > made  # freed by young collections, without a full one


def test_zero_leaves_cpythons_defaults(restored_collector):
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    settle_heap(0)
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == frozen
