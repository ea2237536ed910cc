"""The room's page-script messages in the reader's language, rendered into `data-messages`.

The scripts (static/room.js, pulse.js, notify.js, stream.js, hybrid.js, closing.js) read
`PACT.room.messages.KEY` and fill `%(name)s` placeholders themselves (room.js `PACT.room.t`), so
each message is written once here, marked with `gettext` for Babel, and never copied into a script.
Staff-only controls stay English.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext


def room_messages() -> dict[str, str]:
    """Key → translated text for every resident-visible message the room's scripts show."""
    messages = {
        # connection
        "connected": gettext("Connected"),
        "offline_reconnecting": gettext("Offline — reconnecting…"),
        "reconnecting": gettext("Reconnecting…"),
        "offline": gettext("You are offline; we will reconnect and you can try again."),
        "timeout": gettext("No answer from the server. Please try again."),
        "no_reply": gettext("No answer from the server."),
        # stages and issue states
        "stage_scheduled": gettext("Scheduled"),
        "stage_live": gettext("Live — raise and support issues"),
        "stage_voting": gettext("Voting on priorities"),
        "stage_closed": gettext("Closed"),
        "stage_cancelled": gettext("Cancelled"),
        "status_held": gettext("Waiting for a moderator"),
        "status_hidden": gettext("Hidden by a moderator"),
        "status_merged": gettext("Merged with another issue"),
        "status_answered": gettext("Answered"),
        # announcements and notices
        "new_issue": gettext("New issue from %(author)s: %(text)s"),
        "answer_announced": gettext("Answer from %(by)s: %(text)s"),
        "stage_now": gettext("The meeting is now: %(stage)s"),
        "closed_notice": gettext("The meeting has closed. "),
        "read_summary": gettext("Read the summary"),
        "muted_you": gettext("A moderator has muted you: you can watch but not post or vote."),
        # the issue list
        "no_issues_match": gettext("No issues match."),
        "no_issues": gettext("No issues yet."),
        "shown": gettext("%(shown)s of %(total)s shown"),
        "votes_left": gettext("You have %(left)s of %(total)s priority votes left."),
        "police_staff": gettext("Police staff"),
        "your_issue": gettext("Your issue"),
        "raised_by": gettext("raised by %(name)s"),
        "answer_from": gettext("Answer from %(by)s"),
        "priority_vote_one": gettext("%(num)s priority vote"),
        "priority_votes": gettext("%(num)s priority votes"),
        "person_shares": gettext("%(num)s person shares this"),
        "people_share": gettext("%(num)s people share this"),
        "support_count": gettext("%(num)s support"),
        "remove_priority_vote": gettext("Remove my priority vote"),
        "vote_priority": gettext("Vote as a priority"),
        "share_undo": gettext("I share this (undo)"),
        "share": gettext("I share this"),
        "priority_vote_given": gettext("Priority vote given."),
        "thanks_share": gettext("Thanks: you share this."),
        "priority_vote_taken_back": gettext("Priority vote taken back."),
        "support_taken_back": gettext("Support taken back."),
        # joining and posting
        "enter_name": gettext("Enter a display name to join."),
        "joined_as": gettext("You have joined as %(name)s."),
        "choose_new_name": gettext("Choose your new name. What you posted and supported stays under the old one."),
        "characters": gettext("%(count)s of %(limit)s characters"),
        "already_support": gettext("You already support this one."),
        "support_instead": gettext("Support this one instead"),
        "supported_instead": gettext("Thanks: you now support “%(text)s” instead of posting it again."),
        "write_first": gettext("Write your issue first."),
        "posted": gettext("Your issue was posted."),
        "call_999": gettext("Call 999"),
        "samaritans": gettext("Samaritans 116 123"),
        "call_101": gettext("Call 101"),
        # pulse.js, notify.js, hybrid.js
        "pulse_choose": gettext("Choose an answer to at least one question."),
        "pulse_saved": gettext("Thank you: your answers are saved. You can change them."),
        "notify_saved": gettext("Thank you: we will e-mail you once, when it is answered."),
        # closing.js: residents' verdicts on the last meeting's priorities
        "verdict_question": gettext("Was it dealt with?"),
        "verdict_dealt_with": gettext("Dealt with"),
        "verdict_not_dealt_with": gettext("Not dealt with"),
        "verdict_thanks_dealt_with": gettext("Thanks: you said it was dealt with."),
        "verdict_thanks_not_dealt_with": gettext("Thanks: you said it was not dealt with."),
        "verdict_counts": gettext("Residents say: %(dealt_with)s dealt with, %(not_dealt_with)s not dealt with"),
        "raised_in_room": gettext("Raised in the room"),
        "online_and_room": gettext("Online: %(online)s · In the room: %(room)s"),
        # an issue passed to a partner agency (ISSUE `referred_to`); %(partner)s is "the council"…
        "referred_to": gettext("Referred to %(partner)s"),
    }
    for key, name in (current_app.config.get("REFERRAL_PARTNERS") or {}).items():
        messages["partner:" + key] = gettext(name)  # the setting's words, in Welsh where the catalogue has them
    return {key: str(text) for key, text in messages.items()}
