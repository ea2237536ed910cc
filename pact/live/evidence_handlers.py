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
    """Answer the pulse questions: "Did you feel listened to?" and the confidence question (1–5 each).

    Sender: a joined resident (not muted), while `voting` or `closed`.
    Payload: `{"listened": int?, "confidence": int?}` (1–5; either may be left out; sending again replaces
    the answer).
    Errors: `invalid_payload` (not 1–5), `empty` (neither given), `wrong_stage`, `forbidden` (staff), `muted`,
    `duplicate` (send again).
    Receives: the resident the ack `{"ok": true}`; nobody else (answers are shown only in aggregate, on the
    evidence pages)."""
    pulse_answers.record_pulse(ctx.meeting, ctx.participant, data.get("listened"), data.get("confidence"),
                               now=utcnow())
    return {"ok": True}, []
