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
    """Ask for one e-mail when this issue is answered, and nothing else.

    Sender: the joined resident who raised the issue.
    Payload: `{"issue_id": int, "email": str}`.
    Errors: `rate_limited`, `not_found`, `forbidden` (not your issue), `wrong_stage` (closed), `empty`,
    `invalid_email`.
    Receives: the resident the ack `{"ok": true, "issue_id"}`; nobody else is told anything. The address
    gets one e-mail when an officer answers, and is erased once it is sent."""
    limits.check("watch", participant=ctx.participant.id)
    issue = get_issue(ctx.meeting, data["issue_id"])
    watch_answer(issue, ctx.participant, data["email"], now=utcnow(), language=current_language())
    return {"ok": True, "issue_id": issue.id}, []
