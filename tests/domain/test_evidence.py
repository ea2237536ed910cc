"""Every evidence figure against scripted meetings whose figures are known (see evidence_script.py)."""
import json

import pytest
from sqlalchemy import delete

from pact.evidence import attendance, followthrough, pulse
from pact.evidence.demographics import participation_profile
from pact.evidence.report import csv_rows, evidence_report
from pact.extensions import db
from pact.meetings import issues, moderation, priorities, progress, stages
from pact.meetings.errors import DomainError
from pact.meetings.participants import hash_secret, join_resident
from pact.meetings.reporting import Filters
from pact.models import Stage
from tests.domain.evidence_script import TODAY, at, join, script_first, script_second

PARTNERS = {"council": "the council"}


@pytest.fixture
def scripted(beat, officer):
    first, things = script_first(beat, officer)
    second, people = script_second(beat)
    db.session.commit()
    return first, second, things, people


def test_attendance_of_the_first_meeting(scripted):
    first, second, _, _ = scripted
    figures = attendance.meeting_attendance([first, second])
    one = figures[first.id].as_dict()
    assert one["peak_watching"] == 7
    assert one["unique_watched"] == 4  # browsers a, b, c and Cat without a key
    assert one["participants"] == 3 and one["posted"] == 3 and one["voted"] == 2
    assert one["first_time_participants"] == 3 and one["returning_participants"] == 0
    assert one["issues_raised"] == 3 and one["issues_answered"] == 2  # held and hidden are not raised
    assert one["share_answered"] == pytest.approx(2 / 3)
    assert one["median_minutes_to_answer"] == 21.0  # 12 and 30 minutes
    assert one["holds"] == {"phone_number": 1} and one["hidden_posts"] == 1


def test_first_timers_and_returning_across_meetings(scripted):
    first, second, _, _ = scripted
    two = attendance.meeting_attendance([second])[second.id]  # earlier meetings count though not asked for
    assert (two.participants, two.returning_participants, two.first_time_participants) == (3, 1, 2)


def test_returning_is_per_beat(scripted, make_beat):
    from pact.meetings.directory import schedule_meeting

    other = schedule_meeting(make_beat("hillside", "Hillside"), "Hillside PACT", at(scripted[1].starts_at, 60),
                             stage=Stage.LIVE)
    join(other, "Ann", "a")
    db.session.flush()
    assert attendance.meeting_attendance([other])[other.id].returning_participants == 0


def test_follow_through(scripted):
    first, second, _, _ = scripted
    ft = followthrough.follow_through([first.id, second.id], today=TODAY)
    assert ft[first.id].as_dict() | {} == {
        "priorities_agreed": 3, "done_on_time": 1, "done_late": 1, "overdue": 0, "late": 1, "carried_over": 1,
        "in_hand": 0, "on_time_share": pytest.approx(1 / 3), "verdicts": None, "dealt_with_share": None,
    }
    assert ft[second.id].priorities_agreed == 0


def test_overdue_counts_as_late(beat, officer):
    first, things = script_first(beat, officer)
    progress.post_progress(things["priorities"][1], "in_progress", "Still at it", user=officer,
                           now=at(first.starts_at, 1e4))
    ft = followthrough.follow_through([first.id], today=TODAY)[first.id]
    assert (ft.done_late, ft.overdue, ft.late) == (0, 1, 1)


def test_verdicts_are_withheld_below_five_and_shown_from_five(scripted):
    first, second, things, people = scripted
    speeding = things["priorities"][0]
    extra = [join(second, f"R{n}", f"r{n}") for n in range(2)]
    verdicts = ["dealt_with", "dealt_with", "not_dealt_with", "dealt_with"]
    for person, verdict in zip(people + extra[:1], verdicts, strict=True):
        progress.record_verdict(second, person, speeding.id, verdict, now=at(second.starts_at, 3))
    assert followthrough.follow_through([first.id], today=TODAY)[first.id].as_dict()["verdicts"] is None
    progress.record_verdict(second, extra[1], speeding.id, "dealt_with", now=at(second.starts_at, 4))
    shown = followthrough.follow_through([first.id], today=TODAY)[first.id].as_dict()
    assert shown["verdicts"] == 5 and shown["dealt_with_share"] == pytest.approx(4 / 5)


def test_pulse_small_number_rule_and_replacing(scripted):
    _, second, _, people = scripted
    stages.change_stage(second, Stage.VOTING, now=at(second.starts_at, 30))
    people += [join(second, f"R{n}", f"r{n}") for n in range(2)]
    for person, (listened, confidence) in zip(people[:4], [(5, 4), (4, None), (2, 2), (1, 3)], strict=False):
        pulse.record_pulse(second, person, listened, confidence, now=at(second.starts_at, 31))
    shown = pulse.pulse_figures([second.id])[second.id].public()
    assert shown["responses"] == 4 and shown["listened"]["mean"] is None and shown["confidence"]["mean"] is None
    pulse.record_pulse(second, people[4], 3, 5, now=at(second.starts_at, 32))
    pulse.record_pulse(second, people[0], 5, 5, now=at(second.starts_at, 33))  # replaces (5, 4)
    shown = pulse.pulse_figures([second.id])[second.id].public()
    assert shown["responses"] == 5
    assert shown["listened"] == {"answers": 5, "mean": 3.0, "agree_share": pytest.approx(2 / 5)}
    assert shown["confidence"]["mean"] is None  # only 4 answered the confidence question


@pytest.mark.parametrize("listened,confidence,code", [
    (0, 3, "invalid_payload"), (6, None, "invalid_payload"), (True, 2, "invalid_payload"), ("3", 3, "invalid_payload"),
    (None, None, "empty"),
])
def test_pulse_refusals(scripted, listened, confidence, code):
    _, second, _, people = scripted
    stages.change_stage(second, Stage.VOTING, now=at(second.starts_at, 30))
    with pytest.raises(DomainError) as info:
        pulse.record_pulse(second, people[0], listened, confidence, now=at(second.starts_at, 31))
    assert info.value.code == code


def test_pulse_only_while_voting_or_closed(scripted):
    _, second, _, people = scripted
    with pytest.raises(DomainError) as info:
        pulse.record_pulse(second, people[0], 3, 3, now=at(second.starts_at, 31))
    assert info.value.code == "wrong_stage"


def test_report_totals_per_beat_and_csv_rows(scripted, beat):
    first, second, _, _ = scripted
    report = evidence_report(Filters([beat], None, None), today=TODAY, partners=PARTNERS)
    assert [r["meeting_id"] for r in report["meetings"]] == [first.id, second.id]
    (mine,) = report["beats"]
    assert mine["meetings"] == 2 and mine["participants"] == 6 and mine["first_time_participants"] == 5
    assert mine["returning_participants"] == 1 and mine["share_answered"] == pytest.approx(2 / 3)
    rows = csv_rows(report)
    assert rows[0]["holds"] == "phone_number=1" and rows[0]["listened_mean"] == ""
    assert rows[0]["median_minutes_to_answer"] == 21.0 and rows[1]["median_minutes_to_answer"] == ""


def test_participation_profile_withholds_small_numbers(beat):
    from pact.evidence.demographics import import_population
    from pact.meetings.directory import schedule_meeting

    meeting = schedule_meeting(beat, "Profile PACT", at(TODAY_START, 0), stage=Stage.LIVE)
    for n in range(6):
        person, _ = join_resident(meeting, f"P{n}", now=TODAY_START)
        person.age_band, person.postcode_district = ("65-74" if n < 5 else "16-24"), "LS6"
    rows = "beat,age_band,share\n" + "".join(f"riverside,{b},{s}\n" for b, s in
                                             zip(["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"],
                                                 ["20%", "20%", "15%", "15%", "10%", "10%", "10%"], strict=False))
    assert import_population(rows, now=TODAY_START) == {"riverside": 7}
    db.session.flush()
    profile = participation_profile(attendance.meeting_attendance([meeting]).values(), [beat.id])
    bands = {b["band"]: b for b in profile["bands"]}
    assert profile["answered"] == 6 and bands["65-74"]["count"] == 5 and bands["65-74"]["share"] == pytest.approx(5 / 6)
    assert bands["16-24"]["count"] is None and bands["16-24"]["population_share"] == pytest.approx(0.2)
    assert profile["districts"] == [("LS6", 6)]


@pytest.mark.parametrize("text,fragment", [
    ("beat,band,share\n", "header"),
    ("beat,age_band,share\nriverside,10-15,1\n", "age band"),
    ("beat,age_band,share\nriverside,75+,lots\n", "not a number"),
    ("beat,age_band,share\nriverside,75+,0.5\n", "add up"),
    ("beat,age_band,share\nnowhere,75+,1\n", "nowhere"),
])
def test_population_import_refusals(beat, text, fragment):
    from pact.evidence.demographics import import_population

    with pytest.raises(DomainError) as info:
        import_population(text, now=TODAY_START)
    assert fragment in info.value.message


from datetime import UTC, datetime  # noqa: E402

TODAY_START = datetime(2026, 12, 2, 10, tzinfo=UTC)


def test_closed_meetings_are_counted_once_and_kept(scripted):
    from pact.models import MeetingFigures

    first, second, _, _ = scripted
    assert first.stage is Stage.CLOSED and second.stage is Stage.LIVE
    attendance.meeting_attendance([first, second])
    stored = {row.meeting_id for row in db.session.scalars(select(MeetingFigures))}
    assert stored == {first.id}  # the open meeting is counted afresh each time
    first.peak_watching = 99
    join(second, "Late", "late")
    again = attendance.meeting_attendance([first, second])
    assert again[first.id].participants == 3 and again[first.id].peak_watching == 99
    assert again[second.id].participants == 4
    assert again[first.id].as_dict() == attendance.count_attendance([first])[first.id].as_dict() | {"peak_watching": 99}


from sqlalchemy import select  # noqa: E402

# --- stored at the close, kept current after it ------------------------------------------------

def _kept(meeting):
    from pact.models import MeetingFigures

    db.session.expire_all()
    return db.session.get(MeetingFigures, meeting.id)


def test_closing_stores_the_meetings_figures(beat, officer):
    first, _ = script_first(beat, officer)  # closed by priorities.close_meeting
    kept = _kept(first)
    assert kept is not None and kept.version == attendance.FIGURES_VERSION
    assert attendance.Attendance(**json.loads(kept.data)).as_dict() == \
        attendance.count_attendance([first])[first.id].as_dict()
    assert pulse.PulseFigures.from_json(kept.pulse).responses == 0


def test_a_pulse_answer_after_the_close_updates_the_stored_figures(scripted, beat, officer):
    _, second, things, people = scripted
    people += [join(second, f"R{n}", f"r{n}") for n in range(3)]
    issue = issues.post_issue(second, people[0], "Parking on the verge", now=at(second.starts_at, 5)).issue
    stages.change_stage(second, Stage.VOTING, now=at(second.starts_at, 30))
    for person in people[:3]:
        pulse.record_pulse(second, person, 4, 4, now=at(second.starts_at, 31))
    priorities.close_meeting(second, [{"issue_id": issue.id, "action": "Letters"}], user=officer,
                             now=at(second.starts_at, 40))
    assert pulse.PulseFigures.from_json(_kept(second).pulse).responses == 3
    for person in people[3:5]:
        pulse.record_pulse(second, person, 5, 2, now=at(second.starts_at, 45))  # after the close
    kept = pulse.PulseFigures.from_json(_kept(second).pulse)
    assert kept.responses == 5 and kept.listened == (0, 0, 0, 3, 2)
    report = evidence_report(Filters([beat], None, None), today=TODAY, partners=PARTNERS)
    assert report["meetings"][1]["listened_mean"] == pytest.approx(4.4)  # read from the stored figures


def test_hiding_a_post_after_the_close_counts_the_meeting_again(beat, officer):
    first, things = script_first(beat, officer)
    assert _kept(first) and '"issues_raised": 3' in _kept(first).data
    moderation.moderate_issue(first, things["bins"].id, "hide", "Duplicate", user=officer, now=at(first.starts_at, 90))
    assert '"issues_raised": 2' in _kept(first).data and '"hidden_posts": 2' in _kept(first).data


def test_watching_a_closed_meeting_is_not_counted(beat, officer):
    first, _ = script_first(beat, officer)
    attendance.record_viewer(first, hash_secret("late"), now=at(first.starts_at, 600))
    assert attendance.count_attendance([first])[first.id].unique_watched == 4  # as at the close


def test_in_room_attendance_is_counted_apart_from_online(beat, officer, make_beat):
    """A scripted hybrid meeting: 2 residents online, 40 people in the hall, 1 issue from the floor."""
    from pact.meetings import hybrid
    from pact.meetings.directory import schedule_meeting
    from pact.meetings.participants import join_staff

    first, _ = script_first(beat, officer)  # online only: nobody counted in a room
    hall = schedule_meeting(beat, "January PACT (hybrid)", at(TODAY_START, 60 * 24 * 30), stage=Stage.LIVE)
    join(hall, "Ann", "a")  # back from the first meeting: a returning resident, online
    zoe = join(hall, "Zoe", "z")
    staff, _ = join_staff(hall, officer, now=hall.starts_at)
    hybrid.set_room_size(hall, 40, user=officer, now=at(hall.starts_at, 1))
    floor = hybrid.raise_from_floor(hall, staff, "Cars parked on the pavement", user=officer,
                                    now=at(hall.starts_at, 5)).issue
    online = issues.post_issue(hall, zoe, "Street lights out", now=at(hall.starts_at, 6)).issue
    hybrid.record_room_count(hall, floor.id, 25, user=officer, now=at(hall.starts_at, 7))
    priorities.close_meeting(hall, [{"issue_id": floor.id, "action": "Enforcement"}], user=officer,
                             now=at(hall.starts_at, 60))
    figures = attendance.meeting_attendance([first, hall])
    one = figures[hall.id].as_dict()
    assert (one["online"], one["participants"], one["in_room"], one["issues_raised_in_room"]) == (2, 2, 40, 1)
    assert one["returning_participants"] == 1 and one["first_time_participants"] == 1
    assert one["issues_raised"] == 1 and online.id  # residents' own (online) issues; the floor's apart
    assert figures[first.id].as_dict()["in_room"] == 0
    report = evidence_report(Filters([beat], None, None), today=TODAY, partners=PARTNERS)
    (mine,) = report["beats"]
    assert (mine["participants"], mine["in_room"], mine["issues_raised_in_room"]) == (5, 40, 1)
    assert report["total"]["in_room"] == 40
    other = make_beat("hillside", "Hillside")
    across = evidence_report(Filters([beat, other], None, None), today=TODAY, partners=PARTNERS)
    assert [b["in_room"] for b in across["beats"]] == [40, 0] and across["total"]["in_room"] == 40
    rows = {r["meeting_id"]: r for r in csv_rows(report)}
    assert rows[hall.id]["in_room"] == 40 and rows[first.id]["in_room"] == 0
    assert rows[hall.id]["issues_raised_in_room"] == 1


def test_evidence_refresh_counts_meetings_closed_before_figures_were_kept(app, beat, officer):
    from pact.models import MeetingFigures

    first, _ = script_first(beat, officer)
    db.session.execute(delete(MeetingFigures))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["evidence-refresh"])
    assert result.exit_code == 0 and "Evidence figures stored for 1 closed meeting." in result.output
    assert _kept(first) is not None
    again = app.test_cli_runner().invoke(args=["evidence-refresh"])
    assert "stored for 0 closed meetings" in again.output  # nothing missing
    every = app.test_cli_runner().invoke(args=["evidence-refresh", "--all", "--beat", beat.slug])
    assert "stored for 1 closed meeting." in every.output
    refused = app.test_cli_runner().invoke(args=["evidence-refresh", "--beat", "nowhere"])
    assert refused.exit_code == 1 and "not_found" in refused.output

