"""English and Welsh: the switch, its memory, Accept-Language, <html lang>, and catalogues that are
complete for the pages residents read."""
import html as markup
import re
from datetime import UTC
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "pact" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# Every template is either a resident's (every word through the catalogue: checked below), a staff
# page (English by design), or an e-mail (branch `mail` translates those). A new template must be
# put in one of the three, so a resident page cannot slip through unchecked.
STAFF_TEMPLATES = {"admin/", "auth/", "inspector/", "officer/", "staff/", "evidence/_charts.html",
                   "evidence/_figures.html", "evidence/overview.html", "evidence/pack.html", "evidence/referrals.html",
                   "subscriptions/address_admin.html"}
MAIL_TEMPLATES = {"mail/"}
ALL_TEMPLATES = sorted(p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*.html"))


def _in(name: str, group: set[str]) -> bool:
    return any(name == g or (g.endswith("/") and name.startswith(g)) for g in group)


TRANSLATED_TEMPLATES = [n for n in ALL_TEMPLATES if not _in(n, STAFF_TEMPLATES | MAIL_TEMPLATES)]
ALLOWED_LITERALS = {"PACT", "Live", "999", "101"}  # names and numbers that are the same in both languages


def extracted_ids() -> set[str]:
    method_map = [("pact/**.py", "python"), ("templates/**.html", "jinja2"), ("static/*.js", "javascript")]
    found = extract_from_dir(str(ROOT), method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2),
                                                               "N_": None, "_l": None})
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_every_marked_string_has_a_welsh_translation_and_the_mo_is_current():
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    translated = {m.id: m.string for m in catalog if m.id and m.string}
    missing = sorted(extracted_ids() - set(translated))
    assert missing == [], "run `make translations` and translate these in messages.po"
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    with MO.open("rb") as handle:
        shipped = {m.id: m.string for m in read_mo(handle) if m.id}
    assert shipped == {m.id: m.string for m in read_mo(compiled) if m.id}, "messages.mo is stale: make translations"


def visible_literals(template: str) -> list[str]:
    text = re.sub(r"{#\s*staff-only\b.*?#}.*?{#\s*/staff-only\s*#}", " ", template, flags=re.S)  # English by design
    text = re.sub(r"{#.*?#}", " ", text, flags=re.S)
    text = re.sub(r"{%\s*trans\b.*?endtrans\s*%}", " ", text, flags=re.S)
    text = re.sub(r"{{.*?}}|{%.*?%}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    attributes = re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', text)
    text = re.sub(r"<[^>]+>", " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z'’]*", " ".join([text, *attributes]))
    return [w for w in words if w not in ALLOWED_LITERALS]


def test_the_resident_templates_include_every_page_residents_reach():
    assert {"base.html", "error.html", "public/room.html", "subscriptions/subscribe.html", "subscriptions/manage.html",
            "subscriptions/confirm.html", "subscriptions/unsubscribe.html", "subscriptions/privacy.html",
            "evidence/privacy.html", "evidence/_privacy_section.html"} <= set(TRANSLATED_TEMPLATES)


@pytest.mark.parametrize("name", TRANSLATED_TEMPLATES)
def test_resident_templates_hold_no_untranslatable_words(name):
    assert visible_literals((ROOT / "templates" / name).read_text(encoding="utf-8")) == []


def test_the_literal_check_sees_words():
    assert visible_literals('<p title="Hello">Plain words {{ _("marked") }}</p>') == ["Plain", "words", "Hello"]


def test_lang_cy_switches_and_is_remembered_then_en_switches_back(client, beat):
    page = client.get("/?lang=cy")
    html = page.get_data(as_text=True)
    assert '<html lang="cy">' in html and "Dod o hyd i'ch ardal" in html and "Mewn argyfwng ffoniwch" in html
    assert "pact_lang=cy" in page.headers["Set-Cookie"]
    remembered = client.get(f"/beats/{beat.slug}").get_data(as_text=True)
    assert '<html lang="cy">' in remembered and "Dywedoch chi, gwnaethom ni" in remembered
    back = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en-GB">' in back and "Find your beat" in back


def test_without_a_choice_the_browser_decides(client):
    welsh = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="cy">' in welsh and "Cyfarfodydd i ddod" in welsh
    other = client.get("/", headers={"Accept-Language": "fr-FR,fr"}).get_data(as_text=True)
    assert '<html lang="en-GB">' in other and "Upcoming meetings" in other


def test_an_unknown_language_is_ignored(client):
    page = client.get("/?lang=xx")
    assert '<html lang="en-GB">' in page.get_data(as_text=True) and "pact_lang" not in page.headers.get("Set-Cookie", "")


def test_error_pages_and_find_messages_in_welsh(client):
    missing = client.get("/beats/nowhere?lang=cy").get_data(as_text=True)
    assert "Mae'n ddrwg gennym" in missing and "Gwall 404" in missing
    refused = client.get("/find?postcode=hello").get_data(as_text=True)
    assert "Rhowch god post llawn" in refused


def test_a_translated_page_still_escapes_what_a_message_quotes(app):
    """Jinja marks `_()`'s result safe: messages (which may quote input) are translated in Python
    and escaped by the page like any other text."""
    from flask import render_template

    with app.test_request_context("/?lang=cy"):
        html = render_template("error.html", status=400, code="x", message="<script>alert(1)</script>")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_dates_are_written_in_the_readers_language(client, make_meeting):
    from datetime import datetime

    from pact.extensions import db
    from pact.models import Stage

    meeting = make_meeting(stage=Stage.SCHEDULED)
    meeting.starts_at = datetime(2027, 7, 6, 18, 0, tzinfo=UTC)  # 7pm BST
    db.session.commit()
    english = client.get(f"/beats/{meeting.beat.slug}?lang=en").get_data(as_text=True)
    assert "Tuesday 6 July 2027, 7pm" in english
    welsh = client.get(f"/beats/{meeting.beat.slug}?lang=cy").get_data(as_text=True)
    assert "Dydd Mawrth 6 Gorffennaf 2027, 19:00" in welsh


def test_the_room_in_welsh_with_its_scripts_messages(client, meeting):
    import html as markup
    import json

    page = client.get(f"/meetings/{meeting.id}?lang=cy").get_data(as_text=True)
    assert '<html lang="cy">' in page and "Ymuno â'r cyfarfod" in page and "Codi mater" in page
    assert "Ymddygiad gwrthgymdeithasol" in page and "Join the meeting" not in page  # categories too
    messages = json.loads(markup.unescape(re.search(r'data-messages="([^"]*)"', page).group(1)))
    assert messages["posted"] == "Mae eich mater wedi'i bostio." and messages["share"] == "Rwy'n rhannu hyn"
    english = client.get(f"/meetings/{meeting.id}?lang=en").get_data(as_text=True)
    assert '<html lang="en-GB">' in english and "Join the meeting" in english
    messages = json.loads(markup.unescape(re.search(r'data-messages="([^"]*)"', english).group(1)))
    assert messages["posted"] == "Your issue was posted."


def test_every_room_message_is_translated(app):
    """The scripts' messages go through the catalogue: in Welsh none is left as its English."""
    from pact.views.room_messages import room_messages

    with app.test_request_context("/?lang=en"):
        english = room_messages()
    with app.test_request_context("/?lang=cy"):
        welsh = room_messages()
    assert english.keys() == welsh.keys()
    assert [key for key in english if english[key] == welsh[key]] == []


def test_the_summary_and_poster_in_welsh(client, make_meeting):
    from pact.models import Stage

    closed = make_meeting(stage=Stage.CLOSED)
    summary = client.get(f"/meetings/{closed.id}/summary?lang=cy").get_data(as_text=True)
    assert '<html lang="cy">' in summary and "yr hyn a gytunwyd" in summary and "Blaenoriaethau a gytunwyd" in summary
    assert "Ni chytunwyd ar unrhyw flaenoriaethau" in summary and "Agreed priorities" not in summary
    poster = client.get(f"/meetings/{closed.id}/poster").get_data(as_text=True)  # the cookie remembers Welsh
    assert '<html lang="cy">' in poster and "Sganiwch y cod" in poster


def test_the_review_marker_is_one_that_make_translations_keeps():
    """A translator's comment (`# machine-drafted`), not an extracted one (`#.`), which pybabel update drops."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    entries = [m for m in catalog if m.id]
    marked = [m for m in entries if "machine-drafted" in m.user_comments]
    assert marked and not any("machine-drafted" in m.auto_comments for m in entries)


# --- page scripts: every word a resident reads comes from the server ------------------------------

STATIC = ROOT / "static"
STAFF_SCRIPTS = {"moderation.js"}  # officers only; staff pages stay English
RESIDENT_SCRIPTS = sorted(p.name for p in STATIC.glob("*.js") if p.name not in STAFF_SCRIPTS)


def script_words(js: str) -> list[str]:
    """String literals in a script that read as words for people, outside `// staff-only` … `// /staff-only`."""
    js = re.sub(r"//\s*staff-only\b.*?//\s*/staff-only", " ", js, flags=re.S)
    js = re.sub(r"/\*.*?\*/", " ", js, flags=re.S)
    js = re.sub(r"(?m)^\s*//.*$", " ", js)
    found = []
    for double, single in re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', js):
        text = double or single
        if not re.search(r"[A-Za-z]{2,}", text) or re.search(r"[#\[\]=/]", text):  # selectors, URLs
            continue
        capitalised = re.search(r"[A-Z][a-z]+", text) and (" " in text or re.fullmatch(r"[A-Z][a-z]+[.!?…:]?", text))
        # Prose punctuation, and a space: class names, selectors, event and storage keys have neither.
        prose = " " in text and re.search(r"[.,:?!…](\s|$)|\(\w", text)
        if capitalised or prose:
            found.append(text)
    return found


@pytest.mark.parametrize("name", RESIDENT_SCRIPTS)
def test_page_scripts_hold_no_words_of_their_own(name):
    """Messages come from pact/views/room_messages.py (or the page's data- attributes), never a copy in JS."""
    assert script_words((STATIC / name).read_text(encoding="utf-8")) == []


def test_the_script_check_sees_words():
    js = ('el("span", "muted small", "Was it dealt with? "); x = " (votes)"; b = "Save"; c = " hold-urgent";\n'
          'q = document.querySelector(\'li[data-id="\'); // staff-only\nq = "Merge";\n// /staff-only\nz = "Thanks: you"')
    assert script_words(js) == ["Was it dealt with? ", " (votes)", "Save", "Thanks: you"]


def test_every_message_a_script_reads_is_one_the_server_hands_it(app):
    from pact.views.room_messages import room_messages

    with app.test_request_context("/?lang=cy"):
        keys = set(room_messages())
    used = set()
    for name in RESIDENT_SCRIPTS:
        js = (STATIC / name).read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\("([a-z0-9_]+)"\s*[,)]', js)) | set(re.findall(r"\bmessages\.([a-z0-9_]+)", js))
    used |= {f"verdict_{v}" for v in ("dealt_with", "not_dealt_with")}  # closing.js builds these two keys
    used |= {f"verdict_thanks_{v}" for v in ("dealt_with", "not_dealt_with")}
    assert sorted(used - keys) == []


# --- refusals: every message a resident can be sent is marked for the catalogue ------------------

# Modules whose refusals reach residents; the staff-only refusals in them are listed by code.
RESIDENT_MODULES = ["pact/live/commands.py", "pact/live/handlers.py", "pact/live/payloads.py", "pact/live/limits.py",
                    "pact/live/notify_handlers.py", "pact/live/suggest_handlers.py", "pact/live/evidence_handlers.py",
                    "pact/live/closing_handlers.py", "pact/meetings/participants.py", "pact/meetings/issues.py",
                    "pact/meetings/voting.py", "pact/meetings/progress.py", "pact/meetings/stages.py",
                    "pact/meetings/text.py", "pact/meetings/names.py", "pact/meetings/lookup.py",
                    "pact/meetings/errors.py", "pact/evidence/pulse.py", "pact/notifications/tokens.py",
                    "pact/notifications/subscriptions.py", "pact/notifications/events.py", "pact/places/__init__.py",
                    "pact/places/postcodes.py", "pact/security.py", "pact/views/public.py", "pact/views/places.py",
                    "pact/views/sharing.py", "pact/views/subscriptions.py", "pact/views/reports.py"]
STAFF_ONLY = {  # (module, line's code or "forbidden"): only staff can be refused this way
    ("pact/live/commands.py", "forbidden"),  # a staff sign-in that ended
    ("pact/live/handlers.py", "invalid_payload"),  # set_stage
    ("pact/meetings/participants.py", "forbidden"),  # a staff account not on this beat
    ("pact/meetings/progress.py", "forbidden"), ("pact/meetings/progress.py", "invalid_status"),
    ("pact/meetings/stages.py", "wrong_stage"), ("pact/meetings/stages.py", "invalid_payload"),
    ("pact/evidence/pulse.py", "forbidden"),  # staff answering the pulse
    ("pact/places/postcodes.py", "invalid_file"),  # the CLI's import
    ("pact/views/reports.py", "forbidden"),  # the complete export is for staff
}


def unmarked_refusals(path: str) -> list[tuple[str, int, str]]:
    """DomainError / worded / forbidden / refusal calls whose message is not an N_() or a name."""
    import ast

    source = (ROOT / path).read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in ("DomainError", "worded") and len(node.args) >= 2:
            code, message = node.args[0], node.args[1]
        elif name == "forbidden" and node.args:
            code, message = ast.Constant("forbidden"), node.args[0]
        else:
            continue
        if isinstance(message, ast.BinOp):  # "…" % values or "…" + "…": unmarked when it starts with text
            message = message.left
        if isinstance(message, (ast.Constant, ast.JoinedStr)):
            label = code.value if isinstance(code, ast.Constant) else "?"
            found.append((path, node.lineno, label))
    return found


def test_every_refusal_a_resident_can_get_is_marked_for_translation():
    unmarked = [(path, line, code) for module in RESIDENT_MODULES for path, line, code in unmarked_refusals(module)
                if (path, code) not in STAFF_ONLY]
    assert unmarked == [], "wrap the message in N_() (worded(code, N_('… %(x)s …'), {…}) for values)"


def test_the_refusal_check_sees_f_strings(tmp_path, monkeypatch):
    import tests.http.test_languages as me

    (tmp_path / "bad.py").write_text('raise DomainError("muted", f"You cannot {doing}.")\n'
                                     'raise DomainError("empty", N_("Fine."))\n')
    monkeypatch.setattr(me, "ROOT", tmp_path)
    assert unmarked_refusals("bad.py") == [("bad.py", 1, "muted")]


# --- error pages, subscription pages, privacy, feeds and relative times in Welsh ------------------

def text(response) -> str:
    """The page as a reader sees its words (entities such as &#39; read as the characters they are)."""
    return markup.unescape(response.get_data(as_text=True))


def test_error_pages_in_welsh(app, client):
    def explode():
        raise RuntimeError("internals")

    app.add_url_rule("/explode-in-welsh", view_func=explode)
    client.get("/?lang=cy")
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Nid oes tudalen yn y cyfeiriad hwn" in text(missing)
    broken = client.get("/explode-in-welsh")
    assert broken.status_code == 500 and "Aeth rhywbeth o'i le ar ein hochr ni" in text(broken)
    wrong_method = client.delete("/")
    assert wrong_method.status_code == 405 and "Ni ellir defnyddio'r dudalen hon" in text(wrong_method)
    for page in (missing, broken, wrong_method):
        html = markup.unescape(page.get_data(as_text=True))
        assert '<html lang="cy">' in html and "Mae'n ddrwg gennym" in html and "Sorry" not in html


def test_a_csrf_failure_and_a_rate_limit_in_welsh(app, client, beat):
    csrf_app = app.config.get("WTF_CSRF_ENABLED", True)
    assert csrf_app is not False
    client.get("/?lang=cy")
    forged = client.post(f"/beats/{beat.slug}/subscribe", data={"email": "a@example.org"})
    assert forged.status_code == 400 and "Mae'r ffurflen hon wedi dod i ben" in text(forged)
    from tests.helpers import csrf_token

    token = csrf_token(client, f"/beats/{beat.slug}")
    answers = [client.post(f"/beats/{beat.slug}/subscribe", data={"email": "same@example.org", "csrf_token": token})
               for _ in range(4)]  # three an hour per address
    limited = answers[-1]
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert "Rydych chi'n gwneud hynny'n rhy aml. Arhoswch" in text(limited)


def test_the_subscription_pages_in_welsh(app, client, beat, observer):
    """Subscribe, confirm, manage, unsubscribe: each page in Welsh, with <html lang="cy">."""
    from pact.extensions import db
    from pact.models import Subscription, utcnow
    from pact.notifications import tokens
    from tests.helpers import csrf_token

    client.get("/?lang=cy")
    form = text(client.get(f"/beats/{beat.slug}/subscribe"))
    assert '<html lang="cy">' in form and f"E-byst am {beat.name}" in form and "Anfonwch ddolen gadarnhau ataf" in form
    token = csrf_token(client, f"/beats/{beat.slug}")
    sent = client.post(f"/beats/{beat.slug}/subscribe", data={"email": "alys@example.org", "csrf_token": token})
    assert "Edrychwch ar eich e-bost" in text(sent)
    bad = client.post(f"/beats/{beat.slug}/subscribe", data={"email": "not an address", "csrf_token": token})
    assert "Nid yw hynny'n edrych fel cyfeiriad e-bost" in text(bad)
    sub = db.session.scalar(db.select(Subscription))
    nonce = "welsh-test-nonce"
    sub.confirm_nonce, sub.confirm_expires_at = nonce, utcnow().replace(year=utcnow().year + 1)
    db.session.commit()
    sub_id = sub.id
    with app.app_context():  # links are signed with the app's key
        link = f"/subscriptions/confirm/{tokens.sign('confirm', sub_id, nonce)}"
    confirm = text(client.get(link))
    assert '<html lang="cy">' in confirm and "Cadarnhau fy e-byst" in confirm
    confirmed = text(client.post(link, data={"csrf_token": csrf_token(client, link)}))
    assert "Rydych wedi tanysgrifio" in confirmed
    db.session.expire_all()
    manage_nonce = db.session.get(Subscription, sub_id).manage_nonce
    with app.app_context():
        manage = f"/subscriptions/{tokens.sign('manage', sub_id, manage_nonce)}"
    page = text(client.get(manage))
    assert "Beth hoffech chi?" in page and "Nodiadau atgoffa cyn pob cyfarfod" in page and "Dad-danysgrifio a dileu" in page
    none_ticked = text(client.post(manage, data={"csrf_token": csrf_token(client, manage)}))
    assert "Ticiwch o leiaf un math o e-bost" in none_ticked
    leave = text(client.get(f"{manage}/unsubscribe"))
    assert f"Dad-danysgrifio o {beat.name}" in leave
    gone = text(client.post(f"{manage}/unsubscribe", data={"confirm": "yes"}))
    assert '<html lang="cy">' in gone and "Rydych wedi dad-danysgrifio" in gone
    spent = text(client.get(link))
    assert "Nid yw'r ddolen hon yn gweithio" in spent


def test_the_privacy_and_moderation_pages_in_welsh(client):
    privacy = text(client.get("/privacy?lang=cy"))
    assert '<html lang="cy">' in privacy and "Sut rydym yn defnyddio eich cyfeiriad e-bost" in privacy
    assert "Rydym yn defnyddio eich cyfeiriad e-bost dim ond" in privacy and "Pan fyddwch yn ymuno" in privacy
    assert "We use your e-mail address" not in privacy
    evidence = text(client.get("/evidence/privacy"))
    assert "Cyfrif trigolion newydd" in evidence and "When you join" not in evidence
    policy = text(client.get("/moderation-policy"))
    assert "Mae'r cyfarfodydd ar y wefan hon yn agored" in policy and "Meetings on this site are open" not in policy


def test_a_forces_own_privacy_notice_is_shown_as_written(app_config, migrated):
    from tests.helpers import fresh_app

    with fresh_app({**app_config, "PRIVACY_NOTICE": "Our own words.\n\nSecond part."}) as own:
        page = text(own.test_client().get("/privacy?lang=cy"))
    assert "<p>Our own words.</p>" in page and "<p>Second part.</p>" in page


def test_the_atom_feed_in_welsh(client, make_meeting):
    import feedparser

    from pact.extensions import db
    from pact.models import Stage

    meeting = make_meeting(stage=Stage.SCHEDULED)
    meeting.updated_at = meeting.created_at  # announced: it appears in the feed
    db.session.commit()
    feed = client.get(f"/beats/{meeting.beat.slug}/feed.atom?lang=cy")
    parsed = feedparser.parse(feed.data)
    assert not parsed.bozo and parsed.feed.title == f"{meeting.beat.name}: blaenoriaethau a chynnydd PACT"
    assert 'xml:lang="cy"' in feed.get_data(as_text=True)
    assert [e.title for e in parsed.entries] == [f"Cyfarfod wedi'i drefnu: {meeting.title}"]
    assert "Ymunwch o unrhyw borwr" in parsed.entries[0].summary


def test_the_calendar_and_the_qr_code_in_welsh(client, make_meeting):
    from pact.models import Stage

    meeting = make_meeting(stage=Stage.SCHEDULED)
    calendar = client.get(f"/meetings/{meeting.id}/calendar.ics?lang=cy").get_data(as_text=True).replace("\r\n ", "")
    assert f"X-WR-CALNAME:Cyfarfodydd PACT: {meeting.beat.name}" in calendar
    assert "Ymunwch ar-lein o unrhyw borwr" in calendar and "LOCATION:Ar-lein (PACT Live)" in calendar
    assert "Join online" not in calendar
    qr = client.get(f"/meetings/{meeting.id}/qr.svg").get_data(as_text=True)  # the cookie remembers Welsh
    assert f"Cod QR: {meeting.title}" in qr


def test_relative_times_in_welsh(app):
    from datetime import datetime, timedelta

    from pact.localtime import relative

    start = datetime(2027, 7, 6, 18, 0, tzinfo=UTC)
    with app.test_request_context("/?lang=cy"):
        assert relative(start, start - timedelta(days=2)) == "ymhen deuddydd"
        assert relative(start, start - timedelta(days=3)) == "ymhen 3 diwrnod"
        assert relative(start, start + timedelta(days=5)) == "5 diwrnod yn ôl"
        assert relative(start, start - timedelta(minutes=20)) == "ymhen 20 munud"
        assert relative(start, start) == "nawr"
    with app.test_request_context("/?lang=en"):
        assert relative(start, start - timedelta(days=3)) == "in 3 days"


def test_every_resident_page_says_lang_cy_to_a_welsh_browser(app, make_meeting, beat):
    from pact.models import Stage

    live, closed = make_meeting(), make_meeting(stage=Stage.CLOSED, title="Last month")
    pages = ["/", "/find?postcode=nonsense", f"/beats/{beat.slug}", f"/beats/{beat.slug}/subscribe",
             f"/meetings/{live.id}", f"/meetings/{closed.id}/summary", f"/meetings/{live.id}/poster",
             "/moderation-policy", "/privacy", "/evidence/privacy", "/no/such/page", "/subscriptions/1.nonsense"]
    welsh = app.test_client()
    welsh.environ_base["HTTP_ACCEPT_LANGUAGE"] = "cy"
    for path in pages:
        html = welsh.get(path).get_data(as_text=True)
        assert '<html lang="cy">' in html, path
        assert "Cymraeg" in html and "English" in html, path  # the switch, on every page
