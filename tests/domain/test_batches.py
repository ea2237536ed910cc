"""The batch writes a big meeting's hot path uses (group commit): many joins or votes in one
statement, each one answered as the one-at-a-time path would have answered it."""
from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings import issues, moderation, voting
from pact.meetings.participants import admit_newcomers, join_resident, newcomer
from pact.models import Participant, ParticipantRole, Stage, Vote, VoteKind, utcnow


def test_newcomers_are_admitted_together_and_each_gets_an_id(meeting):
    arrivals = [newcomer(meeting.id, f"  Resident {n}  ", address_hash="addr")[0] for n in range(5)]
    ids = admit_newcomers(arrivals, now=utcnow())
    db.session.commit()
    assert len(set(ids)) == 5 and None not in ids
    people = {p.id: p for p in db.session.scalars(select(Participant))}
    assert [people[i].display_name for i in ids] == [f"Resident {n}" for n in range(5)]  # trimmed, in order
    assert {people[i].role for i in ids} == {ParticipantRole.RESIDENT}
    assert {people[i].token_hash for i in ids} == {a.token_hash for a in arrivals}


def test_a_batch_leaves_out_closed_missing_meetings_and_removed_browsers(make_meeting, meeting):
    closed = make_meeting(stage=Stage.CLOSED, title="Last month")
    removed, _ = join_resident(meeting, "Troll", now=utcnow(), device_hash="device-1")
    removed.removed = True
    db.session.commit()
    batch = [
        newcomer(meeting.id, "Alice")[0],
        newcomer(closed.id, "Bob")[0],
        newcomer(987654, "Carol")[0],
        newcomer(meeting.id, "Troll again", device_hash="device-1")[0],
        newcomer(meeting.id, "Dan", device_hash="device-2")[0],
    ]
    ids = admit_newcomers(batch, now=utcnow())
    db.session.commit()
    assert [i is not None for i in ids] == [True, False, False, False, True]
    assert db.session.scalar(select(func.count(Participant.id))) == 3  # the troll, Alice, Dan


def test_support_votes_in_one_batch_are_each_decided(meeting, officer):
    alice, _ = join_resident(meeting, "Alice", now=utcnow())
    bob, _ = join_resident(meeting, "Bob", now=utcnow())
    muted, _ = join_resident(meeting, "Muted", now=utcnow())
    author, _ = join_resident(meeting, "Dee", now=utcnow())
    muted.muted = True
    first = issues.post_issue(meeting, author, "Speeding on Mill Lane", None, now=utcnow()).issue
    second = issues.post_issue(meeting, author, "Broken streetlight by the shops", None, now=utcnow()).issue
    hidden = issues.post_issue(meeting, author, "Something a moderator hid", None, now=utcnow()).issue
    moderation.moderate_issue(meeting, hidden.id, "hide", "off topic", user=officer, now=utcnow())
    db.session.commit()
    wanted = [
        (alice.id, first.id), (bob.id, first.id),
        (bob.id, first.id),  # the same vote twice in one batch: only the first counts
        (bob.id, second.id), (muted.id, first.id), (alice.id, hidden.id), (alice.id, 99999),
        (author.id, first.id),  # no one supports their own issue
    ]
    answers = voting.cast_support_votes(wanted, now=utcnow())
    db.session.commit()
    assert answers == [True, True, False, True, False, False, False, False]
    assert voting.tallies(meeting.id, VoteKind.SUPPORT) == {first.id: 2, second.id: 1}
    # A vote already in the database is refused in a later batch too, as the voter's own repeat
    # (decided in the batch, refused `duplicate` without the checked path) …
    assert voting.cast_support_votes([(alice.id, first.id)], now=utcnow()) == [voting.ALREADY]
    # … but only when nothing else stands in the way: a muted voter's repeat goes the checked path,
    # which says `muted`.
    alice.muted = True
    db.session.commit()
    assert voting.cast_support_votes([(alice.id, first.id), (bob.id, second.id)], now=utcnow()) == [
        False, voting.ALREADY]


def test_batched_votes_exclude_staff_and_stages_without_support_votes(make_meeting, meeting, officer):
    from pact.meetings.participants import join_staff

    alice, _ = join_resident(meeting, "Alice", now=utcnow())
    issue = issues.post_issue(meeting, alice, "Parking on the verge", None, now=utcnow()).issue
    staff, _ = join_staff(meeting, officer, now=utcnow())
    voting_meeting = make_meeting(stage=Stage.VOTING, title="Choosing")
    carol, _ = join_resident(voting_meeting, "Carol", now=utcnow())
    db.session.commit()
    assert voting.cast_support_votes([(staff.id, issue.id), (carol.id, issue.id)], now=utcnow()) == [False, False]
    db.session.commit()
    assert db.session.scalar(select(func.count(Vote.id))) == 0
