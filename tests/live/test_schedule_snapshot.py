"""SNAPSHOT's meeting carries its schedule: starts_at, ends_at (offsets), stream and venue (CONTRACT "Time")."""
from datetime import timedelta

from pact.extensions import db
from pact.models import Meeting
from tests.helpers import call


def test_snapshot_meeting_has_times_stream_and_venue(connect, meeting):
    row = db.session.get(Meeting, meeting.id)
    row.ends_at = row.starts_at + timedelta(minutes=90)
    row.venue = "St Mary's Hall, Oak Road"
    row.stream_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    db.session.commit()
    ack = call(connect(), "join", {"meeting_id": meeting.id, "display_name": "Alice"})
    state = ack["state"]["meeting"]
    assert state["starts_at"].endswith("Z") and state["ends_at"].endswith("Z")
    assert state["venue"] == "St Mary's Hall, Oak Road"
    assert state["stream"] == {"provider": "youtube", "watch_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                               "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"}


def test_snapshot_without_a_stream_or_end_says_null(connect, meeting):
    state = call(connect(), "join", {"meeting_id": meeting.id, "display_name": "Bob"})["state"]["meeting"]
    assert state["stream"] is None and state["ends_at"] is None and state["venue"] is None


def test_a_cancelled_meeting_cannot_be_joined(connect, make_meeting):
    from pact.models import Stage

    meeting = make_meeting(stage=Stage.SCHEDULED)
    row = db.session.get(Meeting, meeting.id)
    row.stage, row.cancel_reason = Stage.CANCELLED, "The hall flooded."
    db.session.commit()
    ack = call(connect(), "join", {"meeting_id": meeting.id, "display_name": "Alice"})
    assert ack["ok"] is False and ack["error"] == "wrong_stage" and "The hall flooded." in ack["message"]
