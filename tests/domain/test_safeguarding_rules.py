"""Safeguarding rules by category, the normaliser, a check that fails, and a fixed corpus sample."""
from datetime import timedelta
from pathlib import Path

import pytest

from pact.config import Defaults
from pact.extensions import db
from pact.meetings import issues, moderation, safeguarding
from pact.meetings.errors import DomainError
from pact.meetings.participants import join_resident
from pact.meetings.safeguarding import Policy, check_post, reasons
from pact.meetings.safeguarding.normalise import normalise, spoken_digits
from pact.meetings.safeguarding.queue import hold_counts, is_overdue, waiting_holds
from pact.models import AuditEntry, Visibility, utcnow

FORCE = Policy.build(Defaults.SAFEGUARDING_WORDS)


def first(text, policy=FORCE):
    found = reasons(text, policy)
    return found[0] if found else None


# The five sentences of issue #10 that went public at once.
@pytest.mark.parametrize("text,code", [
    ("Someone is trying car door handles on Elm Road right now, I can see them from my window", "emergency"),
    ("My neighbour is being hit by her partner, I can hear it through the wall", "emergency"),
    ("There is a fire and someone is hurt, come now", "emergency"),
    ("Kids are setting the bins alight behind the flats right now", "emergency"),
    ("I can't go on any more, I've decided to end it tonight", "welfare"),
])
def test_the_sentences_that_went_public_are_held(text, code):
    assert first(text) == code


@pytest.mark.parametrize("text", [
    "my daughter is missing, she's 7, last seen by the swings",
    "man collapsed at the bus station, someone call an ambulance",
    "there's a man waving a machete at people by the park gates",
    "sum1 tryin car doors on oak st rn",
    "mae tân yn y fflatiau, dewch yn gyflym",  # Welsh: fire in the flats, come quickly
    "mae rhywun yn torri i mewn nawr",  # someone is breaking in now
    "mae fy mab ar goll, mae'n 6 oed",  # my son is missing
])
def test_emergencies_in_english_welsh_and_text_speak(text):
    assert first(text) in ("emergency", "welfare")


@pytest.mark.parametrize("text", [
    "i'm going to kill myself after this meeting", "my son keeps talking about suicide",
    "i've been self harming again", "everyone would be better off without me", "dw i eisiau lladd fy hun",
    "mae fy ffrind yn sôn am hunanladdiad",
])
def test_welfare(text):
    assert first(text) == "welfare"


@pytest.mark.parametrize("text", [
    "Dave Smith on Elm Road deals drugs from his car", "Mr Patel stole my bike", "Kyle at the chippy is dealing",
    "it was Gary who smashed the bus shelter",
])
def test_a_named_person_accused_is_held(text):
    assert first(text) == "accusation"


@pytest.mark.parametrize("text", [
    "07700 900123", "+44 7700 900123", "0044 7700 900 123", "07700.900.123", "(0161) 496 0000",
    "0 7 7 0 0 9 0 0 1 2 3", "oh seven seven double oh nine oh oh one two three", "07700 9OO 123",
    "０７７００ ９００１２３", "07700\u200b900\u200b123",
])
def test_phone_numbers_in_every_form(text):
    assert first(f"ring me on {text} about it") == "phone_number"


@pytest.mark.parametrize("text", [
    "jo@example.org", "name at example dot co dot uk", "jo [at] example [dot] com", "jo(at)example(dot)co(dot)uk",
    "dave.wilson at gmail dot com", "ｊｏ＠ｅｘａｍｐｌｅ．ｃｏｍ",
])
def test_email_addresses_also_disguised(text):
    assert first(f"email {text} please") == "email_address"


@pytest.mark.parametrize("text", [
    "AB12 CDE", "ab12cde", "Ab12-Cde", "A-B-1-2-C-D-E", "A123 BCD", "ABC 123D", "reg LIZ 1234", "reg xyz 12",
])
def test_vehicle_registrations_of_every_format(text):
    assert first(f"the car {text} parks on the pavement") == "vehicle_registration"


@pytest.mark.parametrize("text", [
    "14 Mill Lane", "flat 3, Tower House", "2/1 Glasgow Road", "72 Heol y Coed", "SW1A 1AA", "cf10 1aa",
    "at number 12",
])
def test_addresses_are_a_number_with_a_street_or_a_postcode(text):
    assert first(f"problems at {text} every night") == "street_address"


@pytest.mark.parametrize("text", [
    "Speeding on the A38 every morning", "lorries using the B4567 as a rat run", "The 42 bus is always late",
    "the 24-hour garage attracts boy racers", "Street lights out on Church Street", "The stabbing last year",
    "there was a fire at the flats in 2022", "What happened about the speeding priority from the last meeting?",
    "Meeting at 19:00 on 01.12.2026", "the number 7 bus", "goryrru ar yr A470 bob bore", "b4 5pm",
    "crimestoppers 0800 555 111", "Now that the lights are fixed, the fights have stopped",
])
def test_ordinary_posts_that_look_risky_stay_public(text):
    assert reasons(text, FORCE) == []


def test_the_word_list_catches_abuse_threats_and_masked_words():
    assert first("the pcso is a lazy bastard") == "word_list"
    assert first("the police are f*cking useless") == "word_list"
    assert first("I know where you live sergeant") == "word_list"
    assert first("the police are brilliant") is None


def test_the_normaliser():
    assert normalise("ｃａｌｌ") == "call"  # NFKC: full-width
    assert normalise("kil\u200bl my\u00adself") == "kill myself"  # zero-width space and soft hyphen removed
    assert normalise("Кids") == "Kids"  # Cyrillic К folded
    assert normalise("ѕсum") == "scum"
    assert normalise("tân  \n nawr") == "tan nawr"  # accents dropped, spaces collapsed
    assert spoken_digits("one or two kids") == "one or two kids"
    assert spoken_digits("oh seven seven oh oh nine oh oh one two three") == "07700900123"


def test_every_message_says_where_to_go():
    assert "999" in safeguarding.MESSAGES["emergency"]
    assert "999" in safeguarding.MESSAGES["welfare"] and "116 123" in safeguarding.MESSAGES["welfare"]
    assert set(safeguarding.MESSAGES) == set(safeguarding.CODES)


def test_a_check_that_raises_or_runs_too_long_holds_the_post(monkeypatch):
    def broken(_text):
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(safeguarding.personal, "has_phone_number", broken)
    assert check_post("Potholes on the A38").code == "check_failed"
    monkeypatch.undo()
    assert check_post("Potholes on the A38") is None
    assert check_post("Potholes on the A38", Policy.build(budget_ms=-1)).code == "check_failed"


# Posts no phrase rule holds (unseen heldout5 posts): the trained classifier (model.py) holds them.
@pytest.mark.parametrize("text,code", [
    ("A man in a grey tracksuit is going down Poplar Road opening car doors, he's just got into a red one", "emergency"),
    ("I can hear my neighbour being thrown against the wall and her kids screaming", "emergency"),
    ("I've made up my mind, this is the last week I'll be alive", "welfare"),
    ("I really can't face living anymore and I know how I'll do it", "welfare"),
    ("Donna Rafferty pinches bottles from the Spar every other day", "accusation"),
])
def test_the_classifier_holds_what_no_rule_does(text, code):
    clean = normalise(text)
    spoken = safeguarding.risk.prepare(clean)
    assert not (safeguarding.risk.is_emergency(spoken) or safeguarding.risk.is_welfare(spoken)
                or safeguarding.accusation.is_accusation(clean))
    assert first(text) == code


def test_a_missing_or_damaged_model_holds_the_post(monkeypatch, tmp_path):
    damaged = tmp_path / "model.bin.gz"
    damaged.write_bytes(b"not a model")
    monkeypatch.setattr(safeguarding.model, "MODEL_PATH", damaged)
    safeguarding.model.load.cache_clear()
    try:
        assert check_post("Potholes on the A38").code == "check_failed"
        monkeypatch.setattr(safeguarding.model, "MODEL_PATH", tmp_path / "absent.bin.gz")
        safeguarding.model.load.cache_clear()
        assert check_post("Potholes on the A38").code == "check_failed"
    finally:
        monkeypatch.undo()
        safeguarding.model.load.cache_clear()
    safeguarding.model.load()  # as the servers do before taking connections: loading is not the check's time
    assert check_post("Potholes on the A38") is None


# --- fixed regression sample of the corpus: every 7th post of dev (written with the rules, learnt by
# the classifier) and of heldout5 (written after the classifier's third freeze, never learnt) -------

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "safeguarding_corpus"
SAMPLED = ("dev", "heldout5")
# Misses the benchmark reports (docs/safeguarding.md): expected to fail, and told when they start to pass.
KNOWN_MISSES = {
    "dark grey polo s 432 wer parked illegally",  # an old-style plate in lower case: read as words
    # Ordinary posts the classifier holds: a past stabbing, a talk about suicide prevention.
    "there was a stabbing at the bus station a couple of years back, is it safer now?",
    "the bowls club wants a talk on suicide prevention and mental health",
}


def _sample():
    for name in SAMPLED:
        for path in sorted((CORPUS / name).glob("*.txt")):
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            for line in lines[::7]:
                marks = [pytest.mark.xfail(strict=True, reason="known miss")] if line in KNOWN_MISSES else []
                yield pytest.param(path.stem, line.replace("\\u200b", "\u200b"),
                                   id=f"{name}:{path.stem}:{line[:30]}", marks=marks)


@pytest.mark.parametrize("category,text", list(_sample()))
def test_corpus_sample(category, text):
    found = reasons(text, FORCE)
    assert (found == []) if category == "ordinary" else bool(found), (category, text, found)


# --- holds in the database: audit, queue order, counts, redaction -----------------------------------

def _post(meeting, name, text, at):
    author, _ = join_resident(meeting, name, now=at)
    return issues.post_issue(meeting, author, text, now=at, policy=FORCE)


def test_holds_are_audited_queued_urgent_first_counted_and_flagged_when_overdue(meeting, officer):
    start = utcnow() - timedelta(minutes=30)
    phone = _post(meeting, "Ann", "ring me 07700 900123", start)
    emergency = _post(meeting, "Bob", "there's a fire and someone is hurt, come now", start + timedelta(minutes=10))
    welfare = _post(meeting, "Cat", "i want to end my life", start + timedelta(minutes=20))
    public = _post(meeting, "Dan", "Potholes on the A38", start + timedelta(minutes=21))
    db.session.commit()
    assert (phone.hold, emergency.hold, welfare.hold, public.hold) == ("phone_number", "emergency", "welfare", None)
    assert [i.id for i in moderation.held_issues(meeting)] == [emergency.issue.id, welfare.issue.id, phone.issue.id]
    assert hold_counts(meeting) == {"phone_number": 1, "emergency": 1, "welfare": 1}
    audited = db.session.query(AuditEntry).filter_by(action="hold").all()
    assert sorted(e.hold_code for e in audited) == ["emergency", "phone_number", "welfare"]
    now = start + timedelta(minutes=27)
    waiting = waiting_holds(officer, now=now, overdue_after=timedelta(minutes=10))
    assert [(w.code, w.urgent, w.overdue) for w in waiting] == [
        ("emergency", True, True), ("welfare", True, False), ("phone_number", False, True)]
    assert is_overdue(phone.issue, now=now, overdue_after=timedelta(minutes=10))


def test_redact_publishes_the_edit_and_keeps_the_original_for_staff(meeting, officer):
    held = _post(meeting, "Ann", "Cars racing every night, ring me on 07700 900123", utcnow()).issue
    done = moderation.moderate_issue(meeting, held.id, "redact", "Phone number removed", user=officer, now=utcnow(),
                                     raw_text="Cars racing every night")
    assert done.issue.visibility is Visibility.PUBLIC and not done.was_public
    assert done.issue.text == "Cars racing every night"
    assert done.issue.original_text == "Cars racing every night, ring me on 07700 900123"
    entry = db.session.query(AuditEntry).filter_by(action="redact").one()
    assert "07700 900123" in entry.reason and "published: Cars racing every night" in entry.reason
    assert entry.hold_code == "phone_number"
    with pytest.raises(DomainError) as same:
        moderation.moderate_issue(meeting, held.id, "redact", user=officer, now=utcnow(), raw_text=held.text)
    assert same.value.code == "unchanged"
    with pytest.raises(DomainError) as empty:
        moderation.moderate_issue(meeting, held.id, "redact", user=officer, now=utcnow(), raw_text="  ")
    assert empty.value.code == "empty"


def test_the_default_policy_says_what_is_held_and_where_to_go():
    text = " ".join(safeguarding.policy_paragraphs(None))
    assert "personal details" in text and "999" in text and "116 123" in text and "audit log" in text
    assert safeguarding.policy_paragraphs("One.\n\nTwo") == ["One.", "Two"]
