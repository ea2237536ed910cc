"""Suggestions read the room's public issues from a per-process cache: what a caller's version
token may skip, and what it may never hide (issue #13, item 5)."""
from pact.extensions import db
from pact.meetings import duplicates
from pact.meetings.moderation import moderate_issue
from pact.models import Issue, Participant, ParticipantRole, Visibility


def _room(meeting, *texts):
    author = Participant(meeting=meeting, display_name="Author", role=ParticipantRole.RESIDENT, token_hash="t")
    db.session.add(author)
    issues = [Issue(meeting=meeting, author=author, visibility=Visibility.PUBLIC, text=t) for t in texts]
    db.session.add_all(issues)
    db.session.commit()
    return issues


def _suggested(meeting, text, token=None):
    return [i for i, _, _ in duplicates.similar_issues(meeting, text, token=token)]


def test_without_a_token_every_change_to_the_public_set_is_seen(meeting):
    speeding, = _room(meeting, "Cars speeding on Mill Lane every night")
    assert _suggested(meeting, "speeding mill lane") == [speeding.id]
    speeding.visibility = Visibility.HIDDEN
    db.session.commit()
    assert _suggested(meeting, "speeding mill lane") == []


def test_a_new_token_rereads_and_an_old_one_ages_out(meeting, monkeypatch):
    speeding, = _room(meeting, "Cars speeding on Mill Lane every night")
    assert _suggested(meeting, "speeding mill lane", token=(-1, 0, 1)) == [speeding.id]
    speeding.visibility = Visibility.HIDDEN
    db.session.commit()
    # The caller said nothing changed (its event is not delivered yet): the cached answer stands…
    assert _suggested(meeting, "speeding mill lane", token=(-1, 0, 1)) == [speeding.id]
    # …until the hide's event moves the token,
    assert _suggested(meeting, "speeding mill lane", token=(-1, 0, 2)) == []
    # and a lost event is bounded by the token's age: past it, the set is checked again.
    speeding.visibility = Visibility.PUBLIC
    db.session.commit()
    monkeypatch.setattr(duplicates, "TOKEN_MAX_AGE", 0.0)
    assert _suggested(meeting, "speeding mill lane", token=(-1, 0, 2)) == [speeding.id]


def test_a_redacted_public_post_is_suggested_only_in_its_redacted_words(meeting, officer):
    van, = _room(meeting, "Cars speeding on Mill Lane every night, the white van AB12 CDE")
    assert duplicates.similar_issues(meeting, "speeding mill lane")[0][1].endswith("AB12 CDE")
    moderate_issue(meeting, van.id, "redact", raw_text="Cars speeding on Mill Lane every night, the white van",
                   user=officer, now=van.created_at)
    db.session.commit()
    for token in (None, (-2, 0, 0)):  # this process's copy is dropped, and the set's aggregate moved
        assert [t for _, t, _ in duplicates.similar_issues(meeting, "speeding mill lane", token=token)] == [
            "Cars speeding on Mill Lane every night, the white van"]


def test_the_aggregate_read_back_matches_the_one_computed_from_the_texts(meeting):
    """Else every age check would re-read the room: the cache would work, but for nothing."""
    _room(meeting, "Cars speeding on Mill Lane every night", "Litter in the park by the swings")
    duplicates.similar_issues(meeting, "speeding mill lane")
    public = (Issue.meeting_id == meeting.id, Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None))
    assert duplicates._aggregate(public) == duplicates._rooms[meeting.id].aggregate
