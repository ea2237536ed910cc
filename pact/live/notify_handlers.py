"""`/meeting` event for e-mail: the author of an issue asks to be told when it is answered."""
from __future__ import annotations

from pact.i18n import current_language
from pact.live import limits
from pact.live.commands import Context, command
from pact.live.payloads import Field
from pact.meetings.issues import get_issue
from pact.models import utcnow
from pact.notifications.events import watch_answer


@command("notify_when_answered", {"issue_id": Field("int"), "email": Field("str")})
def notify_when_answered(ctx: Context, data):
    """Resident who raised the issue → server: `{"issue_id", "email"}`. One e-mail goes to that
    address when an officer answers, and nothing else; the address is erased once it is sent.

    Ack `{"ok": true, "issue_id"}` to the resident only; nobody else is told anything. Errors:
    `forbidden` (not your issue), `invalid_email`, `empty`, `wrong_stage` (closed), `rate_limited`."""
    limits.check("watch", participant=ctx.participant.id)
    issue = get_issue(ctx.meeting, data["issue_id"])
    watch_answer(issue, ctx.participant, data["email"], now=utcnow(), language=current_language())
    return {"ok": True, "issue_id": issue.id}, []
