"""The room page gives officers the moderation panel (ready-made replies from config), and residents none of it."""
import json
import re


def test_officers_get_the_moderation_panel_with_the_forces_replies(app_config, officer, meeting):
    from tests.helpers import fresh_app, sign_in

    replies = [{"key": "met_101", "label": "Met: report online", "text": "Report it at met.police.uk or call 101."}]
    with fresh_app({**app_config, "SAFEGUARDING_REPLIES": replies}, empty=False) as app:
        http = app.test_client()
        sign_in(http, officer.email)
        html = http.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="moderation-panel"' in html and "moderation.js" in html
    raw = re.search(r"data-replies='([^']*)'", html).group(1)
    assert json.loads(raw.replace("&#34;", '"').replace("&amp;", "&")) == replies
    assert f'href="/meetings/{meeting.id}/audit"' in html


def test_residents_get_no_moderation_panel(client, meeting):
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="moderation-panel"' not in html and "data-replies" not in html
    assert "moderation.js" in html  # residents still hear when the meeting switches to pre-moderation


def test_the_moderation_script_is_served(client):
    response = client.get("/static/moderation.js")
    assert response.status_code == 200 and b"staffControlHooks" in response.data
    response.close()
