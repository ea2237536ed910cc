"""A Welsh reader's socket: refusals and safeguarding holds come back in Welsh, chosen by the page's
language (the `pact_lang` cookie the socket's handshake carries, or its Accept-Language)."""
from tests.helpers import call

EMERGENCY = "There is a fire and someone is hurt, come now"


def test_a_welsh_socket_gets_welsh_refusals_and_a_welsh_emergency_hold(app, resident, meeting):
    browser = app.test_client()
    browser.get(f"/meetings/{meeting.id}?lang=cy")  # sets pact_lang=cy, as the switch does
    alice, _ = resident("Alice", http_client=browser)
    empty = call(alice, "post_issue", {"text": "   "})
    assert empty["error"] == "empty" and empty["message"] == "Mae'r mater yn wag. Ysgrifennwch rywbeth yn gyntaf."
    too_long = call(alice, "post_issue", {"text": "x" * 1001})
    assert too_long["error"] == "too_long" and too_long["message"].startswith("Mae'r mater yn 1,001 nod o hyd")
    held = call(alice, "post_issue", {"text": EMERGENCY})
    assert held["ok"] and held["hold"] == "emergency"
    assert held["message"].startswith("Nid yw eich neges wedi'i chyhoeddi") and "999" in held["message"]


def test_accept_language_decides_without_a_choice_and_english_stays_english(app, connect, meeting):
    welsh_browser = app.test_client()
    welsh_browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "cy-GB,cy;q=0.9"
    welsh = connect(welsh_browser)
    refused = call(welsh, "post_issue", {"text": "hello"})
    assert refused["error"] == "not_joined" and refused["message"] == "Ymunwch â'r cyfarfod yn gyntaf."
    english = connect()
    refused = call(english, "post_issue", {"text": "hello"})
    assert refused["message"] == "Join the meeting first."
    ack = call(english, "join", {"meeting_id": meeting.id, "display_name": "PC Smith"})
    assert ack["error"] == "reserved_name" and ack["message"].startswith("Names that look like a police title")


def test_a_welsh_reserved_name_refusal(app, connect, meeting):
    browser = app.test_client()
    browser.get(f"/meetings/{meeting.id}?lang=cy")
    sock = connect(browser)
    ack = call(sock, "join", {"meeting_id": meeting.id, "display_name": "PC Smith"})
    assert ack["error"] == "reserved_name" and ack["message"].startswith("Mae enwau sy'n edrych fel teitl")
