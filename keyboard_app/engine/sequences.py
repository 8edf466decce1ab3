"""The one allocator of the KV cache's sequence ids.

Sequence 0 holds the user's text (the main sequence). The others are lent: to the word search for
candidate words, to the alternative continuations. A borrowed sequence starts as a copy of the main
sequence's cells (free in a unified cache). The cache holds only as many cells as the model has
positions, so whenever the main sequence is about to change, every lent sequence is taken back and
its cells dropped; a borrower notices through `generation` that what it held is gone.
"""

from __future__ import annotations

from keyboard_app.engine.backend import DecodingBackend

MAIN_SEQ = 0


class SequencePool:
    """Hands out the backend's sequence ids 1..n_seq-1 and takes them back."""

    def __init__(self, backend: DecodingBackend) -> None:
        self._backend = backend
        self._free = list(range(1, backend.n_seq))
        self._lent: set[int] = set()
        self.generation = 0  # grows each time every lent sequence is taken back

    def borrow(self, source: int = MAIN_SEQ) -> int | None:
        """A free sequence holding a copy of `source`'s cells, or None when all are lent."""
        if not self._free:
            return None
        seq = self._free.pop()
        self._lent.add(seq)
        self._backend.share(source, seq)
        return seq

    def reuse(self, seq: int, source: int = MAIN_SEQ) -> None:
        """Give a borrowed sequence a fresh copy of `source`'s cells (its own are dropped)."""
        self._check_lent(seq)
        self._backend.forget(seq)
        self._backend.share(source, seq)

    def give_back(self, seq: int) -> None:
        self._check_lent(seq)
        self._backend.forget(seq)
        self._lent.remove(seq)
        self._free.append(seq)

    def take_back_all(self) -> None:
        """Every lent sequence comes back, its cells dropped (the main sequence is about to change,
        or a borrower needs them all)."""
        for seq in sorted(self._lent):
            self._backend.forget(seq)
        self._free = list(range(1, self._backend.n_seq))
        self._lent.clear()
        self.generation += 1

    def _check_lent(self, seq: int) -> None:
        if seq not in self._lent:
            raise ValueError(f"sequence {seq} is not lent out")
