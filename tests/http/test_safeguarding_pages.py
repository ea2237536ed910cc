"""The moderation policy page (force-editable) and held posts on the officer's workspace."""
from datetime import timedelta

import pytest

from pact.extensions import db
from pact.meetings import issues
from pact.meetings.participants import join_resident
from pact.models import Stage, utcnow


def test_the_room_links_the_moderation_policy_with_the_numbers_to_call(client, meeting):
    room = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'href="/moderation-policy"' in room
    page = client.get("/moderation-policy")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'href="tel:999"' in body and "116 123" in body


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SAFEGUARDING_POLICY": "Our force's own words.\n\nA second paragraph.",
            "SAFEGUARDING_OVERDUE_MINUTES": 10}


def test_a_force_writes_its_own_policy(client):
    body = client.get("/moderation-policy").get_data(as_text=True)
    assert "<p>Our force&#39;s own words.</p>" in body and "<p>A second paragraph.</p>" in body


def test_the_workspace_lists_holds_emergency_first_and_flags_the_overdue(staff_client, make_meeting):
    scheduled = make_meeting(stage=Stage.SCHEDULED, title="January PACT")
    resident, _ = join_resident(scheduled, "Ann", now=utcnow())
    issues.post_issue(scheduled, resident, "ring me 07700 900123", now=utcnow() - timedelta(minutes=20))
    issues.post_issue(scheduled, resident, "there is a fire and someone is hurt, come now", now=utcnow())
    db.session.commit()
    body = staff_client.get("/officer/").get_data(as_text=True)
    assert "Held posts waiting (2)" in body and 'role="alert"' in body
    assert body.index('data-hold="emergency"') < body.index('data-hold="phone_number"')
    assert body.count("waiting too long") == 1
