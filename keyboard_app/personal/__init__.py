"""The user's own words and phrases, learned on this machine and kept there. No Qt here.

`PersonalStore` owns the SQLite file; `learnable` turns text into what may be learned (secrets and
noise left out). See docs/personal.md.
"""

from __future__ import annotations

from keyboard_app.personal.errors import PersonalStoreError
from keyboard_app.personal.learning import learn_text, learnable, learnable_after
from keyboard_app.personal.results import Entry, Followers, Imported, NextCounts, Stats
from keyboard_app.personal.store import PersonalStore

__all__ = [
    "Entry",
    "Followers",
    "Imported",
    "NextCounts",
    "PersonalStore",
    "PersonalStoreError",
    "Stats",
    "learn_text",
    "learnable",
    "learnable_after",
]
