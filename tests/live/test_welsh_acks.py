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


def _welsh_resident(app, resident, meeting, name="Alys"):
    browser = app.test_client()
    browser.get(f"/meetings/{meeting.id}?lang=cy")
    return resident(name, http_client=browser)


def test_refusals_with_values_come_back_in_welsh(app, resident, meeting):
    """Messages with values (worded templates) are translated, then filled: not_found, invalid_payload,
    invalid_category and rate_limited, with the numbers the resident needs."""
    alys, _ = _welsh_resident(app, resident, meeting)
    missing = call(alys, "vote", {"issue_id": 999999})
    assert missing["error"] == "not_found" and missing["message"] == "Nid yw'r mater yn bodoli (neu nid yw ar gael mwyach)."
    wrong = call(alys, "vote", {"issue_id": "seven"})
    assert wrong["error"] == "invalid_payload" and wrong["message"] == "Rhaid i 'issue_id' fod yn rhif cyfan."
    category = call(alys, "post_issue", {"text": "Sbwriel ar y stryd", "category": "dragons"})
    assert category["error"] == "invalid_category" and category["message"].startswith("Dewiswch gategori o'r rhestr")
    acks = [call(alys, "post_issue", {"text": f"Problem {n} ar ein ffordd ni"}) for n in range(6)]
    limited = acks[-1]
    assert limited["error"] == "rate_limited" and limited["retry_after"] >= 1
    assert limited["message"] == (f"Rydych chi'n gwneud hynny'n rhy aml. Arhoswch {limited['retry_after']} eiliad a "
                                  "rhowch gynnig arall arni.")


def test_a_muted_welsh_resident_is_told_in_welsh(app, resident, meeting, officer_sock):
    alys, ack = _welsh_resident(app, resident, meeting)
    assert call(officer_sock, "mute", {"participant_id": ack["participant"]["id"]})["ok"]
    refused = call(alys, "post_issue", {"text": "Rwy'n dal yma"})
    assert refused["error"] == "muted"
    assert refused["message"] == ("Mae cymedrolwr wedi eich tawelu yn y cyfarfod hwn, felly ni allwch bostio. "
                                  "Gallwch wylio o hyd.")


def test_every_hold_code_tells_a_welsh_author_in_welsh(app):
    """Each hold code's message has its own Welsh entry (not only emergency and welfare)."""
    from pact.i18n import translate
    from pact.meetings.safeguarding import CODES, MESSAGES

    with app.test_request_context("/?lang=cy"):
        welsh = {code: translate(MESSAGES[code]) for code in CODES}
    assert [code for code in CODES if welsh[code] == MESSAGES[code]] == []
    assert all("999" in welsh[code] for code in CODES)


def test_a_welsh_author_of_a_post_with_a_phone_number_is_told_in_welsh(app, resident, meeting):
    alys, _ = _welsh_resident(app, resident, meeting)
    held = call(alys, "post_issue", {"text": "Ffoniwch fi ar 07700 900123 am y sbwriel"})
    assert held["ok"] and held["hold"] == "phone_number"
    assert held["message"].startswith("Mae eich neges yn aros am swyddog") and "rhif ffôn" in held["message"]
