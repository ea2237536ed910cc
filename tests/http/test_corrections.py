"""The officer's correction form: CSRF, who may use it, refusals that keep the input, and the exports."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from pact.extensions import db
from pact.meetings import issues, priorities
from pact.meetings.participants import join_resident
from pact.models import AuditEntry, Priority, PriorityCorrection, utcnow
from tests.helpers import csrf_token, sign_in

NOW = utcnow()


@pytest.fixture
def priority(meeting, officer):
    alice, _ = join_resident(meeting, "Alice", now=NOW)
    issue = issues.post_issue(meeting, alice, "speedin on mill lane", None, now=NOW).issue
    (agreed,) = priorities.close_meeting(meeting, [
        {"issue_id": issue.id, "title": "Speeding on Mill Lane", "action": "Speed cheks"}], user=officer, now=NOW)
    db.session.commit()
    return agreed


def form(priority, **changes):
    return {"title": priority.text, "action": priority.action, "owner": priority.owner or "",
            "review_on": "", **changes}


def test_an_officer_corrects_and_every_export_follows(staff_client, client, priority):
    path = f"/officer/priorities/{priority.id}/correct"
    page = staff_client.get(path).get_data(as_text=True)
    assert "Speed cheks" in page and "speedin on mill lane" in page  # the resident's words, for reference
    review = (NOW + timedelta(days=14)).date().isoformat()
    response = staff_client.post(path, data=form(priority, title="Speeding on Mill Lane at night",
                                                 action="Speed checks", owner="PC Jones", review_on=review,
                                                 csrf_token=csrf_token(staff_client, path)))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/meetings/{priority.meeting_id}/summary#priority-{priority.id}")
    db.session.expire_all()
    rows = db.session.scalars(select(PriorityCorrection).order_by(PriorityCorrection.id)).all()
    assert [(r.field, r.before, r.after) for r in rows] == [
        ("title", "Speeding on Mill Lane", "Speeding on Mill Lane at night"), ("action", "Speed cheks", "Speed checks"),
        ("owner", None, "PC Jones"), ("review_on", None, review)]
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "correct_priority")).all()) == 4
    summary = client.get(f"/meetings/{priority.meeting_id}/summary").get_data(as_text=True)
    assert "Speeding on Mill Lane at night" in summary and "updated on" in summary
    slug = priority.meeting.beat.slug
    exported = json.loads(client.get(f"/beats/{slug}/priorities.json").get_data(as_text=True))
    assert [(p["issue"], p["action"]) for p in exported] == [("Speeding on Mill Lane at night", "Speed checks")]
    feed = client.get(f"/beats/{slug}/feed.atom").get_data(as_text=True)
    assert "Speeding on Mill Lane at night" in feed
    csv = staff_client.get(f"/export/priorities.csv?beat={slug}").get_data(as_text=True)
    assert "Speeding on Mill Lane at night" in csv and "speedin on mill lane" not in csv


def test_a_refused_correction_keeps_the_input_and_changes_nothing(staff_client, priority):
    path = f"/officer/priorities/{priority.id}/correct"
    response = staff_client.post(path, data=form(priority, title="", action="My better action",
                                                 csrf_token=csrf_token(staff_client, path)))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Title: " in html and 'aria-invalid="true"' in html
    assert "My better action" in html
    response = staff_client.post(path, data=form(priority, csrf_token=csrf_token(staff_client, path)))
    assert response.status_code == 400 and "Nothing was changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Priority, priority.id).action == "Speed cheks"
    assert db.session.scalars(select(PriorityCorrection)).all() == []


def test_without_csrf_or_as_an_outsider_nothing_changes(app, staff_client, client, priority, make_user, make_beat):
    path = f"/officer/priorities/{priority.id}/correct"
    assert staff_client.post(path, data=form(priority, title="Forged")).status_code == 400
    assert client.get(path).status_code in (302, 401)
    make_user("pc.other@example.org", "officer", [make_beat("elsewhere", "Elsewhere")])
    outsider = app.test_client()
    sign_in(outsider, "pc.other@example.org")
    assert outsider.get(path).status_code == 403
    db.session.expire_all()
    assert db.session.get(Priority, priority.id).text == "Speeding on Mill Lane"
