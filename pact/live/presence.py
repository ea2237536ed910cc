"""Who is watching: connected participants per meeting, counted once per person, not per tab."""
from __future__ import annotations

import threading
from collections import defaultdict


class Presence:
    """In-process record of sockets per meeting. Counts change quietly; the ticker announces them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: dict[str, tuple[int, int]] = {}  # sid → (meeting_id, participant_id)
        self._people: dict[int, defaultdict[int, int]] = {}  # meeting_id → participant_id → sockets
        self.changed: set[int] = set()

    def add(self, sid: str, meeting_id: int, participant_id: int) -> None:
        with self._lock:
            self._discard(sid)
            self._sockets[sid] = (meeting_id, participant_id)
            self._people.setdefault(meeting_id, defaultdict(int))[participant_id] += 1
            self.changed.add(meeting_id)

    def remove(self, sid: str) -> int | None:
        """Forget a socket; returns the meeting it was watching, if any."""
        with self._lock:
            return self._discard(sid)

    def _discard(self, sid: str) -> int | None:
        entry = self._sockets.pop(sid, None)
        if entry is None:
            return None
        meeting_id, participant_id = entry
        people = self._people[meeting_id]
        people[participant_id] -= 1
        if people[participant_id] <= 0:
            del people[participant_id]
        if not people:
            del self._people[meeting_id]
        self.changed.add(meeting_id)
        return meeting_id

    def watching(self, meeting_id: int) -> int:
        with self._lock:
            return len(self._people.get(meeting_id, ()))

    def sids_of(self, participant_id: int) -> list[str]:
        with self._lock:
            return [sid for sid, (_, pid) in self._sockets.items() if pid == participant_id]

    def take_changed(self) -> set[int]:
        with self._lock:
            changed, self.changed = self.changed, set()
            return changed
