"""The evidence page, packs, CSVs and referrals over HTTP: who may see what, and what the files hold.
Renderers (SVG, CSV) are tested without HTTP first."""
import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from pact import charts, export
from pact.evidence.report import CSV_COLUMNS
from pact.extensions import db
from pact.meetings.directory import schedule_meeting
from pact.models import AuditEntry, Referral, ReferralStatus, Stage
from tests.domain.evidence_script import FIRST, script_first, script_second
from tests.helpers import csrf_token, sign_in

CONTRACT_COLUMNS = ["beat", "meeting_id", "meeting_date", "peak_watching", "participants", "returning_participants",
                    "first_time_participants", "posted", "voted", "issues_raised", "issues_answered",
                    "median_minutes_to_answer", "priorities_agreed", "pulse_responses"]


# --- renderers, no HTTP ------------------------------------------------------------------------

def test_bar_chart_is_accessible_svg_with_a_summary():
    chart = charts.bar_chart("c1", "Residents <joined>", [("2026-11-01", 3), ("2026-12-01", None), ("2027-01-05", 9)])
    root = ET.fromstring(chart.svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{ns}title").text == "Residents <joined>"
    assert len(root.findall(f"{ns}rect")) == 2  # the withheld meeting has no bar
    assert "from 3 (2026-11-01) to 9 (2027-01-05)" in chart.summary and "1 meeting without a figure" in chart.summary
    assert chart.points == [("2026-11-01", "3"), ("2026-12-01", "withheld or none"), ("2027-01-05", "9")]
    assert "<script" not in chart.svg and "http://" not in chart.svg.replace("http://www.w3.org/2000/svg", "")


def test_empty_chart_says_so():
    assert charts.bar_chart("c", "Share", []).summary == "Share: no figures to show for this selection."


def test_table_csv_is_formula_safe():
    body = export.table_csv(["a", "b"], [{"a": "=SUM(A1)", "b": 3}, {"a": "@x", "b": ""}])
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows == [["a", "b"], ["'=SUM(A1)", "3"], ["'@x", ""]]


# --- routes ------------------------------------------------------------------------------------

@pytest.fixture
def world(app, beat, officer, make_beat, make_user):
    """Two beats: the scripted meetings on Riverside; one meeting on Hillside."""
    first, things = script_first(beat, officer)
    first.title = "=HYPERLINK(\"http://evil.example\")"
    script_second(beat)
    hill = make_beat("hillside", "Hillside")
    schedule_meeting(hill, "Hillside PACT", FIRST, stage=Stage.CLOSED)
    db.session.commit()
    return {"first": first, "things": things, "hill": hill,
            "inspector": make_user("insp@example.org", "inspector", [beat, hill], name="Insp Patel"),
            "hill_officer": make_user("pc.hill@example.org", "officer", [hill], name="PC Hill")}


def signed_in(app, email):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def read_csv(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_evidence_csv_has_the_contract_columns_and_known_figures(world, staff_client):
    response = staff_client.get("/export/evidence.csv?beat=riverside")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0].keys())[:len(CONTRACT_COLUMNS)] != [] and set(CONTRACT_COLUMNS) <= set(rows[0].keys())
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    first, second = rows
    assert (first["participants"], first["first_time_participants"], first["returning_participants"]) == ("3", "3", "0")
    assert (second["participants"], second["first_time_participants"],
            second["returning_participants"]) == ("3", "2", "1")
    assert (first["issues_raised"], first["issues_answered"], first["median_minutes_to_answer"]) == ("3", "2", "21.0")
    assert first["meeting_title"].startswith("'=") and first["holds"] == "phone_number=1"
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "export_evidence")) is not None


@pytest.mark.parametrize("who,query,status", [
    ("pc.jones@example.org", "beat=riverside", 200),
    ("pc.jones@example.org", "beat=hillside", 403),
    ("pc.jones@example.org", "beat=nowhere", 400),
    ("pc.hill@example.org", "beat=riverside", 403),
    ("insp@example.org", "beat=riverside&beat=hillside", 200),
    ("pc.jones@example.org", "from=2026-13-01", 400),
])
@pytest.mark.parametrize("path", ["/export/evidence.csv", "/inspector/evidence", "/export/referrals.csv"])
def test_scope(app, world, who, query, status, path):
    assert signed_in(app, who).get(f"{path}?{query}").status_code == status


@pytest.mark.parametrize("path", ["/export/evidence.csv", "/inspector/evidence", "/export/referrals.csv",
                                  "/inspector/evidence/pack?beat=riverside&quarter=2026-Q4"])
def test_residents_see_nothing(client, world, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_csv_without_beats_covers_only_ones_own(app, world):
    rows = read_csv(signed_in(app, "pc.hill@example.org").get("/export/evidence.csv"))
    assert {r["beat"] for r in rows} == {"hillside"}


def test_evidence_page_shows_charts_tables_and_withheld_figures(world, staff_client):
    html = staff_client.get("/inspector/evidence?beat=riverside").get_data(as_text=True)
    assert html.count('role="img"') == 6 and "<script" not in html.split("<main")[1].split("</main>")[0]
    assert "Residents who joined, per meeting" in html and "Data table" in html
    assert "fewer than 5 answers" in html and "First-time residents" in html


def test_meeting_pack_is_for_staff_of_its_beat(app, world, staff_client):
    meeting_id = world["first"].id
    assert staff_client.get(f"/meetings/{meeting_id}/evidence").status_code == 200
    assert signed_in(app, "pc.hill@example.org").get(f"/meetings/{meeting_id}/evidence").status_code == 403
    assert signed_in(app, "insp@example.org").get(f"/meetings/{meeting_id}/evidence").status_code == 200


def test_quarter_pack(world, staff_client):
    html = staff_client.get("/inspector/evidence/pack?beat=riverside&quarter=2026-q4").get_data(as_text=True)
    assert "Evidence pack: Riverside: 2026-Q4" in html and "1 October 2026" in html
    assert staff_client.get("/inspector/evidence/pack?beat=riverside&quarter=2026-5").status_code == 400


def test_officer_refers_an_issue_and_residents_see_it(app, world, staff_client, client):
    first, issue = world["first"], world["things"]["litter"]
    token = csrf_token(staff_client, f"/meetings/{first.id}/referrals")
    response = staff_client.post(f"/meetings/{first.id}/referrals",
                                 data={"issue_id": issue.id, "partner": "council", "note": "Fly-tipping",
                                       "csrf_token": token})
    assert response.status_code == 302
    again = staff_client.post(f"/meetings/{first.id}/referrals",
                              data={"issue_id": issue.id, "partner": "council", "note": "x", "csrf_token": token})
    assert again.status_code == 409 and "already referred" in again.get_data(as_text=True)
    bad = staff_client.post(f"/meetings/{first.id}/referrals",
                            data={"issue_id": issue.id, "partner": "nasa", "note": "x", "csrf_token": token})
    assert bad.status_code == 400
    summary = client.get(f"/meetings/{first.id}/summary").get_data(as_text=True)
    assert "Referred to the council" in summary
    welsh = client.get(f"/meetings/{first.id}/summary?lang=cy").get_data(as_text=True)
    assert "Wedi&#39;i gyfeirio at y cyngor" in welsh or "Wedi'i gyfeirio at y cyngor" in welsh
    room = client.get(f"/meetings/{first.id}?lang=cy").get_data(as_text=True)  # the room's script's words
    messages = json.loads(html.unescape(re.search(r'data-messages="([^"]*)"', room).group(1)))
    assert (messages["referred_to"], messages["partner:council"]) == ("Wedi'i gyfeirio at %(partner)s", "y cyngor")
    referral = db.session.scalar(select(Referral))
    page = staff_client.get("/inspector/evidence?beat=riverside").get_data(as_text=True)
    assert "the council</th><td>1</td>" in page
    assert staff_client.post(f"/referrals/{referral.id}/status",
                             data={"status": "resolved", "csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status is ReferralStatus.RESOLVED
    rows = read_csv(staff_client.get("/export/referrals.csv?beat=riverside"))
    assert [(r["partner"], r["status"], r["note"]) for r in rows] == [("council", "resolved", "Fly-tipping")]
    other = signed_in(app, "pc.hill@example.org")
    assert other.post(f"/referrals/{referral.id}/status",
                      data={"status": "open",
                            "csrf_token": csrf_token(other, "/inspector/evidence")}).status_code == 403


# --- population import (CLI) -------------------------------------------------------------------

def test_population_import_from_the_command_line(app, beat, tmp_path):
    from pact.models import BeatPopulation

    good = tmp_path / "population.csv"
    good.write_text("\ufeffbeat,age_band,share\n" + "".join(
        f"riverside,{band},{share}\n" for band, share in
        zip(["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"],
            ["14%", "18%", "16%", "16%", "14%", "12%", "10%"], strict=True)),
        encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["population", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported 7 age bands for beat riverside." in result.output
    shares = {p.age_band: p.share for p in db.session.scalars(select(BeatPopulation))}
    assert shares["75+"] == pytest.approx(0.10) and len(shares) == 7
    bad = tmp_path / "bad.csv"
    bad.write_text("beat,age_band,share\nriverside,75+,0.3\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["population", "import", str(bad)])
    assert result.exit_code == 1 and "add up to 0.30" in result.output and "[invalid_csv]" in result.output
    assert len(list(db.session.scalars(select(BeatPopulation)))) == 7  # unchanged


def test_partners_come_from_configuration():
    from pact.config import load_environment

    config = {"REFERRAL_PARTNERS": {"council": "the council"}}
    load_environment(config, {"PACT_REFERRAL_PARTNERS": '{"water": "the water company"}'})
    assert config["REFERRAL_PARTNERS"] == {"water": "the water company"}


@pytest.mark.parametrize("path", ["/privacy", "/evidence/privacy"])
def test_privacy_notice_says_what_is_asked_and_why(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "When you take part in a meeting" in html and "first half of your postcode" in html
    assert "for up to a year" in html and "totals and averages of 5 or more" in html
