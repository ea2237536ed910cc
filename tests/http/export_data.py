"""Fixed plain data for the renderers, so their output can be compared with known-good files."""
from datetime import UTC, date, datetime

AGREED = datetime(2026, 3, 4, 20, 15, 30, tzinfo=UTC)
UPDATED = datetime(2026, 3, 20, 9, 5, 0, tzinfo=UTC)

ROWS = [
    {"beat": "Riverside", "beat_slug": "riverside", "meeting_id": 7, "meeting_title": "March PACT",
     "meeting_date": "2026-03-04", "position": 1, "priority": "Speeding on Mill Lane, \"every night\"", "votes": 12,
     "action": "Speed checks <twice> a week & report back", "owner": "PC Jones", "review_on": "2026-04-01",
     "status": "In progress", "latest_progress": "Two checks done;\n14 drivers stopped.", "latest_progress_on": "2026-03-20",
     "agreed_at": AGREED, "action_at": UPDATED},
    {"beat": "Riverside", "beat_slug": "riverside", "meeting_id": 7, "meeting_title": "March PACT",
     "meeting_date": "2026-03-04", "position": 2, "priority": "=HYPERLINK(\"http://evil.example\",\"click\")", "votes": 5,
     "action": "-1+1 leaflets @ the school", "owner": "@pcsokhan", "review_on": "",
     "status": "Open", "latest_progress": "+44 calls logged", "latest_progress_on": "",
     "agreed_at": AGREED, "action_at": None},
    {"beat": "Riverside", "beat_slug": "riverside", "meeting_id": 7, "meeting_title": "March PACT",
     "meeting_date": "2026-03-04", "position": 3, "priority": "\tTabbed start, café noise", "votes": 0,
     "action": "\rCR start", "owner": "", "review_on": "", "status": "Open", "latest_progress": "",
     "latest_progress_on": "", "agreed_at": AGREED, "action_at": None},
]

BEAT = {"slug": "riverside", "name": "Riverside"}
MEETINGS = [
    {"id": 8, "title": "April PACT; bring questions, please", "starts_at": datetime(2026, 4, 1, 18, 30, tzinfo=UTC),
     "url": "http://localhost/meetings/8"},
    {"id": 9, "title": "May PACT", "starts_at": datetime(2026, 5, 6, 18, 30, tzinfo=UTC),
     "url": "http://localhost/meetings/9"},
]
NOW = datetime(2026, 3, 21, 12, 0, 0, tzinfo=UTC)

FEED = {"id": "http://localhost/beats/riverside", "title": "Riverside: PACT priorities and progress",
        "link": "http://localhost/beats/riverside", "self_link": "http://localhost/beats/riverside/feed.atom",
        "updated": datetime(2026, 1, 1, tzinfo=UTC), "author": "Riverside neighbourhood team",
        "subtitle": "What residents raised, what the meeting agreed, and what was done."}
ENTRIES = [
    {"id": "http://localhost/meetings/7/summary", "link": "http://localhost/meetings/7/summary",
     "title": "Agreed priorities: March PACT", "updated": AGREED, "author": None,
     "summary": "The meeting agreed these priorities:\n1. Speeding <on> Mill Lane & more"},
    {"id": "http://localhost/beats/riverside#progress-3", "link": "http://localhost/beats/riverside#priority-1",
     "title": "In progress: Speeding on Mill Lane", "updated": UPDATED, "author": "PC Jones",
     "summary": "Progress (In progress): Two checks done."},
]
REVIEW = date(2026, 4, 1)
