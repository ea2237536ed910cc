"""Safeguarding holds: personal data, emergencies and the force's word list, with plain reasons."""
import pytest

from pact.meetings import safeguarding
from pact.meetings.safeguarding import Policy, assess, reasons


@pytest.mark.parametrize("text,code", [
    ("Call me on 07700 900123 about the parking", "phone_number"),
    ("ring 07700900123", "phone_number"),
    ("my number is +44 7700 900 123", "phone_number"),
    ("landline (0161) 496-0000 any time", "phone_number"),
    ("+44 (0)20 7946 0000", "phone_number"),
    ("email me at jo.bloggs+pact@example.co.uk", "email_address"),
    ("jo [at] example [dot] com", "email_address"),
    ("jo.bloggs at gmail dot com", "email_address"),
    ("The car AB12 CDE keeps speeding", "vehicle_registration"),
    ("white van ab12cde parked on the verge", "vehicle_registration"),
    ("old Escort A123 BCD dumped", "vehicle_registration"),
    ("reg ABC 123D again", "vehicle_registration"),
    ("The people at 14 Mill Lane are dealing", "street_address"),  # crime wording without urgency is no emergency
    ("Loud parties at 14 Mill Lane every night", "street_address"),
    ("noise from 3b, Acacia Avenue", "street_address"),
    ("22 Station Rd. has rubbish everywhere", "street_address"),
    ("Someone is breaking in next door right now", "emergency"),
    ("there's a fight happening now outside the Co-op", "emergency"),
    ("a man with a knife by the bus stop", "emergency"),
    ("my neighbour is not breathing", "emergency"),
    ("they said they're going to kill me", "emergency"),
])
def test_personal_data_and_emergencies_are_held(text, code):
    found = reasons(text)
    assert found and found[0] == code, found
    hold = assess(text)
    assert hold is not None and hold.code == code


@pytest.mark.parametrize("text", [
    "Speeding on Mill Lane every morning",
    "5 cars on Mill Lane parked on the pavement",
    "Drug dealing in the park after dark",
    "Kids riding bikes on the A12 AND the B1234, SLOW DOWN",
    "The 42 bus is always late, and 101 never answers",
    "Burglaries went up in 2023 and 2024",
    "Meeting at 19:00 on 01.12.2026",
    "Call 999 if you must but they take ages",
    "Graffiti at the underpass, 3 times this month",
    "Potholes on the M25",
])
def test_ordinary_posts_stay_public(text):
    assert assess(text) is None, reasons(text)


def test_every_hold_message_says_why_and_where_to_report():
    for code, message in safeguarding.MESSAGES.items():
        assert "999" in message and "101" in message and "online" in message, code
    assert "phone number" in assess("07700 900123").message
    assert "emergency" in assess("being attacked right now").message


def test_the_word_list_is_configurable_and_catches_simple_disguises():
    policy = Policy.build(words=["scumbag", "nonce*"])
    assert assess("what a SCUMBAG", policy).code == "word_list"
    assert assess("what a scumb4g", policy).code == "word_list"
    assert assess("nonces live there", policy).code == "word_list"
    assert assess("scumbags", policy) is None  # whole words unless the entry ends with *
    assert assess("what a scumbag") is None  # no list, no hold


def test_forces_change_the_wording_in_config():
    policy = Policy.build(messages={"phone_number": "Met wording: no numbers please. Call 101 or 999."})
    assert assess("07700 900123", policy).message == "Met wording: no numbers please. Call 101 or 999."
    assert assess("a@b.org", policy).message == safeguarding.MESSAGES["email_address"]


def test_ready_made_replies_are_looked_up_by_key():
    replies = [{"key": "k", "label": "K", "text": "Call 101."}]
    assert safeguarding.reply_text(replies, "k") == "Call 101."
    assert safeguarding.reply_text(replies, "missing") == ""
    assert all("101" in r["text"] or "999" in r["text"] or "Crimestoppers" in r["text"] for r in safeguarding.REPLIES)
