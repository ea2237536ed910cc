"""`/meeting` event `suggest`: issues already raised that read like a draft ("support this one instead").

Same shape as handlers.py; it reads only, so it sends nothing to anyone but the asker.
"""
from __future__ import annotations

from pact.live import limits
from pact.live.commands import Context, command
from pact.live.payloads import Field
from pact.meetings import duplicates
from pact.meetings.text import LIMITS, clean_text
from pact.services import services

DRAFT_LIMIT = LIMITS["issue"]


@command("suggest", {"text": Field("str"), "exclude_id": Field("int", required=False)})
def suggest(ctx: Context, data):
    """Public issues that read like this draft ("support this one instead"); suggests only.

    Sender: a joined participant, while they type (debounced by the room page).
    Payload: `{"text": str, "exclude_id": int?}`.
    Errors: `rate_limited` (30 a minute), `too_long`, `invalid_characters`.
    Receives: the sender the ack `{"ok": true, "issues": [{"id", "text", "score"}]}` (at most 3, best
    first, score 0–100; empty when the text is short or nothing is close); nobody else."""
    limits.check("suggest", participant=ctx.participant_id)
    text = data["text"].strip()
    if not text:
        return {"ok": True, "issues": []}, []
    clean_text(text, field="draft", max_length=DRAFT_LIMIT)
    # The snapshot cache sees every public event of the room: while its token holds, no query.
    token = services().snapshots.public_version(ctx.meeting.id)
    found = duplicates.similar_issues(ctx.meeting, text, exclude_id=data.get("exclude_id"), token=token)
    return {"ok": True, "issues": [{"id": i, "text": t, "score": s} for i, t, s in found]}, []
