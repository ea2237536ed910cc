"""`close` with priority titles over /meeting: the title goes public, the issue keeps its words."""
import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import Issue, Priority, Stage
from tests.helpers import call


def test_close_with_a_title_saves_it_as_the_priority_and_keeps_the_issue(resident, officer_sock, meeting):
    alice, _ = resident("Alice")
    raw = "speedin on mill lane evry nite"
    issue_id = call(alice, "post_issue", {"text": raw})["issue"]["id"]
    ack = call(officer_sock, "close", {"priorities": [
        {"issue_id": issue_id, "title": "Speeding on Mill Lane at night", "action": "Speed checks"}]})
    assert ack["ok"], ack
    db.session.expire_all()
    assert db.session.scalar(select(Priority.text)) == "Speeding on Mill Lane at night"
    assert db.session.get(Issue, issue_id).text == raw


@pytest.mark.parametrize("title, code", [("", "empty"), ("x" * 201, "too_long"), (["a"], "invalid_payload"),
                                         ("a\nb", "invalid_characters")])
def test_a_bad_title_is_refused_with_its_index_and_changes_nothing(resident, officer_sock, meeting, title, code):
    alice, _ = resident("Alice")
    first = call(alice, "post_issue", {"text": "Speeding on Mill Lane"})["issue"]["id"]
    second = call(alice, "post_issue", {"text": "Litter in the park"})["issue"]["id"]
    ack = call(officer_sock, "close", {"priorities": [{"issue_id": first, "action": "Checks"},
                                                      {"issue_id": second, "title": title, "action": "Pick"}]})
    assert ack["ok"] is False and ack["error"] == code and ack["index"] == 1, ack
    assert ack["message"].startswith("Priority 2: ")
    db.session.expire_all()
    assert meeting.stage is Stage.LIVE and db.session.scalar(select(func.count(Priority.id))) == 0
