"""Moderation over the live protocol: who may act, who hears what, and that every act is audited."""
import pytest
from sqlalchemy import select

from pact.extensions import db
from pact.models import AuditEntry, Issue, Meeting, ModerationMode, Participant, StaffSession, Stage, Visibility, utcnow
from tests.helpers import call, received, sign_in


def names(sock):
    return [n for n, _ in received(sock)]


def last_words(sock):
    """What a socket the server has closed received before it closed (get_received refuses then)."""
    return [(m["name"], m["args"][0] if m["args"] else None) for m in sock.queue if m["namespace"] == "/meeting"]


def audit_actions():
    db.session.expire_all()
    return [(e.action, e.target) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def post(sock, text, **extra):
    ack = call(sock, "post_issue", {"text": text, **extra})
    assert ack["ok"], ack
    return ack


# --- forged commands -------------------------------------------------------------------------------

OFFICER_COMMANDS = [
    ("moderate", {"issue_id": None, "action": "hide", "reason": "forged"}),
    ("moderate", {"issue_id": None, "action": "approve"}),
    ("moderate", {"issue_id": None, "action": "restore"}),
    ("mute", {"participant_id": None}),
    ("unmute", {"participant_id": None}),
    ("remove", {"participant_id": None}),
    ("set_moderation", {"mode": "premoderated"}),
    ("reply", {"issue_id": None, "reply": "report_101"}),
    ("answer", {"issue_id": None, "text": "forged answer"}),
    ("set_stage", {"stage": "voting"}),
]


def _fill(payload, issue_id, participant_id):
    filled = dict(payload)
    if "issue_id" in filled:
        filled["issue_id"] = issue_id
    if "participant_id" in filled:
        filled["participant_id"] = participant_id
    return filled


def _unchanged(meeting, issue_id, victim_id):
    db.session.expire_all()
    issue, victim = db.session.get(Issue, issue_id), db.session.get(Participant, victim_id)
    m = db.session.get(Meeting, meeting.id)
    assert issue.visibility is Visibility.PUBLIC and issue.answer is None
    assert not victim.muted and not victim.removed
    assert m.stage is Stage.LIVE and m.moderation is ModerationMode.OPEN


@pytest.mark.parametrize("event,payload", OFFICER_COMMANDS, ids=[f"{e}-{p.get('action', '')}" for e, p in OFFICER_COMMANDS])
def test_a_resident_forging_an_officer_command_is_refused_and_audited(resident, meeting, event, payload):
    victim, victim_ack = resident("Victim")
    forger, forger_ack = resident("Forger")
    issue_id = post(victim, "Broken street lights on the estate")["issue"]["id"]
    received(victim)
    ack = call(forger, event, _fill(payload, issue_id, victim_ack["participant"]["id"]))
    assert ack["ok"] is False and ack["error"] == "forbidden" and ack["message"], ack
    _unchanged(meeting, issue_id, victim_ack["participant"]["id"])
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "refused_command")).all()
    assert entry.target == event and entry.actor_role == "resident" and entry.actor_name == "Forger"
    assert entry.meeting_id == meeting.id and entry.reason
    assert [n for n in names(victim) if n not in ("presence", "tallies")] == []


def test_an_officer_of_another_beat_is_refused_and_named_in_the_audit(app, connect, make_beat, make_user, resident,
                                                                      meeting):
    alice, alice_ack = resident("Alice")
    issue_id = post(alice, "Speeding vans near the school")["issue"]["id"]
    outsider = make_user("other@example.org", "officer", [make_beat("hilltop", "Hilltop")], name="PC Other")
    http = app.test_client()
    sign_in(http, outsider.email)
    sock = connect(http)
    assert call(sock, "join", {"meeting_id": meeting.id})["error"] == "forbidden"
    assert call(sock, "join", {"meeting_id": meeting.id, "display_name": "Off duty"})["ok"]
    for event, payload in OFFICER_COMMANDS:
        ack = call(sock, event, _fill(payload, issue_id, alice_ack["participant"]["id"]))
        assert ack["error"] == "forbidden", (event, ack)
    _unchanged(meeting, issue_id, alice_ack["participant"]["id"])
    refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "refused_command")).all()
    assert len(refused) == len(OFFICER_COMMANDS)
    assert {e.actor_name for e in refused} == {"PC Other <other@example.org>"}


def test_an_inspector_sees_held_posts_but_cannot_moderate(app, connect, make_user, beat, resident, meeting):
    alice, _ = resident("Alice")
    held = post(alice, "Text me on 07700 900123")["issue"]
    inspector = make_user("insp@example.org", "inspector", [beat], name="Insp Khan")
    http = app.test_client()
    sign_in(http, inspector.email)
    sock = connect(http)
    ack = call(sock, "join", {"meeting_id": meeting.id})
    assert ack["participant"]["role"] == "inspector"
    assert [i["status"] for i in ack["state"]["issues"]] == ["held"]
    assert call(sock, "moderate", {"issue_id": held["id"], "action": "approve"})["error"] == "forbidden"


# --- hide, restore, approve ----------------------------------------------------------------------

def test_hide_tells_residents_only_that_it_went_and_the_author_why(officer_sock, resident, make_meeting, meeting):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    elsewhere, _ = resident("Elsewhere", target=make_meeting(title="Other meeting"))
    issue_id = post(alice, "The man at the chip shop is a crook")["issue"]["id"]
    for sock in (alice, bob, officer_sock, elsewhere):
        received(sock)
    ack = call(officer_sock, "moderate", {"issue_id": issue_id, "action": "hide", "reason": "Personal accusation"})
    assert ack["ok"] and ack["issue"]["status"] == "hidden"
    [(_, to_bob)] = [(n, p) for n, p in received(bob) if n == "issue_updated"]
    assert to_bob["status"] == "hidden" and to_bob["text"] == "" and to_bob["author"] == ""
    assert "moderation_reason" not in to_bob
    mine = [p for n, p in received(alice) if n == "issue_updated"][-1]
    assert mine["status"] == "hidden" and mine["moderation_reason"] == "Personal accusation" and mine["mine"]
    staff = [p for n, p in received(officer_sock) if n == "issue_updated"][-1]
    assert staff["text"] == "The man at the chip shop is a crook" and staff["status"] == "hidden"
    assert [n for n in names(elsewhere) if n != "presence"] == []
    state = call(bob, "sync")["state"]
    assert all(i["id"] != issue_id for i in state["issues"])
    own = [i for i in call(alice, "sync")["state"]["issues"] if i["id"] == issue_id]
    assert own and own[0]["moderation_reason"] == "Personal accusation"
    assert call(bob, "vote", {"issue_id": issue_id})["error"] == "not_found"
    # Restoring brings it back for everyone, and both acts are in the log.
    assert call(officer_sock, "moderate", {"issue_id": issue_id, "action": "restore"})["ok"]
    [restored] = [p for n, p in received(bob) if n == "issue_posted"]  # back in the list, like a new post
    assert restored["text"] == "The man at the chip shop is a crook" and restored["status"] == "open"
    assert audit_actions()[-2:] == [("hide", f"issue:{issue_id}"), ("restore", f"issue:{issue_id}")]


@pytest.mark.parametrize("action,payload,code", [
    ("restore", {}, "wrong_state"),
    ("approve", {}, "wrong_state"),
    ("delete", {}, "invalid_payload"),
    ("hide", {"reason": "x" * 501}, "too_long"),
    ("hide", {"reason": 5}, "invalid_payload"),
    ("hide", {"issue_id": 999999}, "not_found"),
])
def test_bad_moderation_is_refused_and_changes_nothing(officer_sock, resident, action, payload, code):
    alice, _ = resident("Alice")
    issue_id = post(alice, "Overflowing bins on Park Road")["issue"]["id"]
    ack = call(officer_sock, "moderate", {"issue_id": issue_id, "action": action, **payload})
    assert ack["ok"] is False and ack["error"] == code and ack["message"], ack
    db.session.expire_all()
    assert db.session.get(Issue, issue_id).visibility is Visibility.PUBLIC
    assert [a for a, _ in audit_actions()] == []


# --- a held post against every read path -----------------------------------------------------------

SECRET = "Ring Dave on 07700 900123, he knows who did it"


def test_a_held_post_reaches_no_resident_by_any_path(app, connect, officer_sock, resident, meeting, beat, client):
    alice, alice_ack = resident("Alice")
    bob, _ = resident("Bob")
    ack = post(alice, SECRET)
    held = ack["issue"]
    assert held["status"] == "held" and held["hold_reason"] == "phone_number"
    assert "phone number" in ack["message"] and "999" in ack["message"] and "101" in ack["message"]
    # Live events: staff see it, marked; residents get nothing at all.
    [to_staff] = [p for n, p in received(officer_sock) if n == "issue_posted"]
    assert to_staff["status"] == "held" and to_staff["text"] == SECRET
    assert [n for n in names(bob) if n not in ("presence",)] == []
    # An officer's ready-made reply reaches the author and staff only.
    assert call(officer_sock, "reply", {"issue_id": held["id"], "reply": "report_101"}) == {"ok": True}
    assert [n for n in names(bob) if n != "presence"] == []
    replied = [p for n, p in received(alice) if n == "issue_updated"][-1]
    assert replied["status"] == "held" and "101" in replied["answer"]["text"]
    # Snapshots: sync, a new join, a resume.
    assert SECRET not in str(call(bob, "sync"))
    newcomer = connect()
    assert SECRET not in str(call(newcomer, "join", {"meeting_id": meeting.id, "display_name": "Newcomer"}))
    assert SECRET not in str(received(newcomer))
    again = connect()
    resumed = call(again, "join", {"meeting_id": meeting.id, "resume_token": alice_ack["resume_token"]})
    assert [i["text"] for i in resumed["state"]["issues"]] == [SECRET]  # the author still sees their own post
    # Votes and tallies.
    assert call(bob, "vote", {"issue_id": held["id"]})["error"] == "not_found"
    # Pages, feeds and exports that exist.
    paths = [f"/meetings/{meeting.id}", f"/beats/{beat.slug}", "/"]
    paths += [p for p in (f"/meetings/{meeting.id}/summary", f"/beats/{beat.slug}/priorities.json",
                          f"/beats/{beat.slug}/feed.atom", f"/beats/{beat.slug}/calendar.ics")
              if app.url_map.bind("localhost").test(p)]
    for path in paths:
        body = client.get(path).get_data(as_text=True)
        assert "07700" not in body and "knows who did it" not in body, path
    # Approving publishes it: residents get it as a new post.
    assert call(officer_sock, "moderate", {"issue_id": held["id"], "action": "approve"})["ok"]
    [published] = [p for n, p in received(bob) if n == "issue_posted"]
    assert published["text"] == SECRET and published["status"] == "answered"
    assert ("approve", f"issue:{held['id']}") in audit_actions()


def test_a_held_post_that_is_hidden_is_never_announced_to_residents(officer_sock, resident):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    held = post(alice, "email me: jo@example.org")["issue"]
    received(bob)
    assert call(officer_sock, "moderate", {"issue_id": held["id"], "action": "hide", "reason": "Contact details"})["ok"]
    assert [n for n in names(bob) if n != "presence"] == []
    mine = [p for n, p in received(alice) if n == "issue_updated"][-1]
    assert mine["status"] == "hidden" and mine["moderation_reason"] == "Contact details"


def test_premoderation_holds_every_resident_post_until_approved(officer_sock, resident):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    assert call(officer_sock, "set_moderation", {"mode": "premoderated"}) == {"ok": True, "moderation": "premoderated"}
    [(_, notice)] = [(n, p) for n, p in received(bob) if n == "moderation_changed"]
    assert notice["moderation"] == "premoderated" and notice["message"]
    ack = post(alice, "Cars parked on the zig-zags every morning")
    assert ack["issue"]["status"] == "held" and "officer will check" in ack["message"]
    assert [n for n in names(bob) if n != "presence"] == []
    officer_post = post(officer_sock, "Welcome, everyone")
    assert officer_post["issue"]["status"] == "open"
    assert call(officer_sock, "set_moderation", {"mode": "sideways"})["error"] == "invalid_payload"
    assert call(officer_sock, "set_moderation", {"mode": "open"})["ok"]
    assert [a for a, _ in audit_actions() if a == "set_moderation"] == ["set_moderation", "set_moderation"]


# --- mute and remove -------------------------------------------------------------------------------

def test_mute_stops_posting_and_voting_at_once_and_unmute_restores(officer_sock, resident):
    alice, alice_ack = resident("Alice")
    bob, _ = resident("Bob")
    issue_id = post(bob, "Fly-tipping behind the garages")["issue"]["id"]
    pid = alice_ack["participant"]["id"]
    received(alice)
    assert call(officer_sock, "mute", {"participant_id": pid})["ok"]
    assert [n for n in names(alice) if n == "muted"] == ["muted"]
    assert [p for n, p in received(officer_sock) if n == "participant_updated"][-1]["muted"] is True
    assert call(alice, "post_issue", {"text": "Let me speak"})["error"] == "muted"
    assert call(alice, "vote", {"issue_id": issue_id})["error"] == "muted"
    assert call(alice, "sync")["ok"]  # can still watch
    assert call(officer_sock, "unmute", {"participant_id": pid})["ok"]
    assert "unmuted" in names(alice)
    assert call(alice, "vote", {"issue_id": issue_id}) == {"ok": True}
    assert [a for a, _ in audit_actions()] == ["mute", "unmute"]


def test_staff_cannot_be_muted_or_removed(officer_sock, staff_client, meeting):
    me = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id, Participant.user_id.isnot(None)))
    for event in ("mute", "remove"):
        assert call(officer_sock, event, {"participant_id": me.id})["error"] == "invalid_target"


def test_removed_resident_is_disconnected_and_cannot_come_back_from_that_browser(app, connect, officer_sock, meeting):
    browser = app.test_client()
    browser.get(f"/meetings/{meeting.id}")  # the room page sets the private pact_device cookie
    sock = connect(browser)
    joined = call(sock, "join", {"meeting_id": meeting.id, "display_name": "Troll"})
    pid = joined["participant"]["id"]
    received(sock)
    assert call(officer_sock, "remove", {"participant_id": pid, "reason": "Abuse"})["ok"]
    got = last_words(sock)
    removed = [payload for name, payload in got if name == "removed"]  # a coalesced presence may come first
    assert len(removed) == 1 and "999" in removed[0]["message"]
    assert not sock.is_connected("/meeting")
    again = connect(browser)
    assert call(again, "join", {"meeting_id": meeting.id, "display_name": "Totally new person"})["error"] == "forbidden"
    assert call(again, "join", {"meeting_id": meeting.id, "resume_token": joined["resume_token"]})["error"] == "forbidden"
    elsewhere = app.test_client()
    elsewhere.get(f"/meetings/{meeting.id}")
    assert call(connect(elsewhere), "join", {"meeting_id": meeting.id, "display_name": "Neighbour"})["ok"]
    assert ("remove", f"participant:{pid} Troll") in audit_actions()


# --- staff access ends on open sockets ------------------------------------------------------------

def test_signing_out_over_http_closes_the_officers_open_socket(officer_sock, staff_client):
    token = staff_client.get("/").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    assert staff_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not officer_sock.is_connected("/meeting")
    assert "signed_out" in [n for n, _ in last_words(officer_sock)]


def test_a_socket_that_outlived_its_sign_in_is_refused_everything(officer_sock, resident, officer):
    """As when the sign-out happened on another server process: the socket stays open, but the
    database says the sign-in is gone, so it is refused and sees no held post."""
    alice, alice_ack = resident("Alice")
    held = post(alice, "My reg is AB12 CDE")["issue"]
    for row in db.session.scalars(select(StaffSession).where(StaffSession.user_id == officer.id)):
        row.revoked_at = utcnow()
    db.session.commit()
    assert officer_sock.is_connected("/meeting")
    sync = call(officer_sock, "sync")
    assert sync["error"] == "forbidden" and "AB12" not in str(sync)
    assert call(officer_sock, "moderate", {"issue_id": held["id"], "action": "approve"})["error"] == "forbidden"
    assert call(officer_sock, "mute", {"participant_id": alice_ack["participant"]["id"]})["error"] == "forbidden"
    db.session.expire_all()
    assert db.session.get(Issue, held["id"]).visibility is Visibility.HELD
    assert [a for a, _ in audit_actions() if a != "hold"] == ["refused_command"] * 3


def test_losing_the_beat_closes_open_sockets_and_refuses_the_rest(app, officer_sock, make_user, officer, meeting):
    admin = make_user("admin@example.org", "admin", name="Admin")
    http = app.test_client()
    sign_in(http, admin.email)
    page = http.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    token = page.split('name="beats-csrf_token" type="hidden" value="')[1].split('"')[0]
    response = http.post(f"/admin/users/{officer.id}/beats", data={"beats-csrf_token": token})
    assert response.status_code == 302
    assert not officer_sock.is_connected("/meeting")
    assert "access_changed" in [n for n, _ in last_words(officer_sock)]


# --- abuse resistance ------------------------------------------------------------------------------

def test_the_same_text_twice_within_minutes_is_a_duplicate(resident):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    first = post(alice, "Street lights out on Elm Grove")
    again = call(alice, "post_issue", {"text": "street lights out on elm grove!"})
    assert again["error"] == "duplicate" and again["issue_id"] == first["issue"]["id"]
    copied = call(bob, "post_issue", {"text": "Street lights out on Elm Grove"})
    assert copied["error"] == "duplicate" and "Support" in copied["message"]
    assert db.session.scalar(select(db.func.count(Issue.id))) == 1


def test_a_word_on_the_forces_list_holds_the_post(resident):
    alice, _ = resident("Alice")
    ack = post(alice, "The kids on the corner are scum")
    assert ack["issue"]["status"] == "held" and ack["issue"]["hold_reason"] == "word_list"


def test_posting_too_fast_is_rate_limited_with_retry_after(resident):
    alice, _ = resident("Alice")
    codes = [call(alice, "post_issue", {"text": f"Problem number {n} on our road"}) for n in range(7)]
    assert [c["ok"] for c in codes[:5]] == [True] * 5
    assert codes[5]["error"] == "rate_limited" and codes[5]["retry_after"] >= 1


def test_sixty_joins_a_minute_from_one_address_pass(app, connect, meeting):
    """Sixty browsers behind one address (each opened the room page, which gives it a device cookie)."""
    for n in range(61):
        browser = app.test_client()
        browser.get(f"/meetings/{meeting.id}")
        assert call(connect(browser), "join", {"meeting_id": meeting.id, "display_name": f"Resident {n}"})["ok"]
