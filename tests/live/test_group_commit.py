"""Group commit (pact/live/group_commit.py) with real threads and the real database: requests that
arrive together share a batch, each gets its own answer, and a failed batch writes nothing."""
import threading

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pact.extensions import db
from pact.live.group_commit import GroupCommit
from pact.meetings.participants import Newcomer, admit_newcomers, newcomer
from pact.models import Participant, utcnow


def _submit_all(app, group, requests):
    answers, errors = {}, {}

    def worker(n, request):
        with app.app_context():
            try:
                answers[n] = group.submit(request)
            except Exception as exc:
                errors[n] = exc

    threads = [threading.Thread(target=worker, args=(n, r)) for n, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers, errors


def _admit_recording(sizes):
    def write(batch: list[Newcomer]):
        sizes.append(len(batch))
        return admit_newcomers(batch, now=utcnow())

    return write


def test_requests_arriving_together_share_batches_and_each_gets_its_answer(app, meeting):
    sizes: list[int] = []
    group = GroupCommit(_admit_recording(sizes), window=0.05)
    arrivals = [newcomer(meeting.id, f"Resident {n}")[0] for n in range(20)]
    answers, errors = _submit_all(app, group, arrivals)
    assert errors == {}
    assert sum(sizes) == 20 and len(sizes) < 20, sizes  # batched, nothing lost or repeated
    saved = dict(db.session.execute(select(Participant.token_hash, Participant.id)).all())
    assert {n: saved[arrivals[n].token_hash] for n in range(20)} == answers  # each got its own id


def test_a_failed_batch_fails_every_request_in_it_and_writes_nothing(app, meeting):
    sizes: list[int] = []
    group = GroupCommit(_admit_recording(sizes), window=0.2)
    clash = newcomer(meeting.id, "Twin")[0]  # the same resume token twice breaks a unique constraint
    answers, errors = _submit_all(app, group, [clash, clash, newcomer(meeting.id, "Bystander")[0]])
    assert sizes == [3] and answers == {}
    assert {type(e) for e in errors.values()} == {IntegrityError}
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    # The next batch is written normally.
    with app.app_context():
        assert group.submit(newcomer(meeting.id, "Later")[0]) is not None
    assert db.session.scalar(select(func.count(Participant.id))) == 1
