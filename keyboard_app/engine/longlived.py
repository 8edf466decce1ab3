"""Keeping the engine's tables out of the garbage collector's way.

A loaded predictor holds about 400,000 Python objects that live as long as it does: the
dictionary, the spelling index, the word trigrams, the piece table. Python's cyclic garbage
collector walks every one of them at each full collection, and it holds the interpreter while it
does: measured here, 110 ms for one idle predictor, up to 850 ms with eight typists on a server
(`bench server`), in the middle of keystrokes, the GUI's included. Once they are loaded they are
moved out of its sight (`gc.freeze`). Reference counting still frees whatever is released later;
only a reference cycle among those objects waits for the next load, which collects first. While
loading, the collector waits: loading allocates much and frees little.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


@contextmanager
def loading() -> Iterator[None]:
    """Around loading a predictor (also as a decorator): no collection meanwhile, then `settle`.
    A collector that was off before (a script's choice, or another load in progress) stays off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        settle()


def settle_late() -> None:
    """Freeze what a background build made after the load froze the rest (the correction index:
    about 180,000 objects, which otherwise cost each full collection about 50 ms while typing).
    Only where a load froze objects: a script that builds one by itself keeps its collector."""
    if gc.get_freeze_count():
        gc.freeze()


def release() -> None:
    """Give every frozen object back to the collector (the engine has stopped)."""
    gc.unfreeze()


def settle() -> None:
    """Collect what is garbage now, then freeze every object still alive (see the module)."""
    started = time.perf_counter()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    log.debug(
        "%d objects frozen in %.0f ms",
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )
