"""`/meeting` events for evidence: the resident's pulse at the close.

Same shape as handlers.py: parse (decorator) → authorise (in the service) → one service call →
commit (decorator) → ack.
"""
from __future__ import annotations

from pact.evidence import pulse as pulse_answers
from pact.live.commands import Context, command
from pact.live.payloads import Field
from pact.models import utcnow


@command("pulse", {"listened": Field("int", required=False), "confidence": Field("int", required=False)})
def pulse(ctx: Context, data):
    """Resident → server, in `voting` or `closed`: `{"listened": 1–5, "confidence": 1–5}`, either may be
    left out; sending again replaces the answer. Ack `{"ok": true}` to the resident only; nothing is
    broadcast (answers are shown only in aggregate, on the evidence pages).

    Errors: `invalid_payload` (not 1–5), `empty` (neither given), `wrong_stage`, `forbidden` (staff),
    `muted`."""
    pulse_answers.record_pulse(ctx.meeting, ctx.participant, data.get("listened"), data.get("confidence"),
                               now=utcnow())
    return {"ok": True}, []
