"""English and Welsh: the switch, its memory, Accept-Language, <html lang>, and catalogues that are
complete for the pages residents read."""
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
# The resident pages whose every word goes through the catalogue. Not yet: e-mails and the
# subscription pages (docs/translations.md says so); staff pages stay English.
TRANSLATED_TEMPLATES = ["base.html", "_language_switch.html", "error.html", "public/home.html", "public/beat.html",
                        "public/find.html", "public/_find_form.html", "public/_meeting_item.html",
                        "public/_you_said_we_did.html", "public/room.html", "public/_schedule.html",
                        "public/_about_me.html", "public/_pulse.html", "public/_review.html", "public/summary.html",
                        "public/poster.html", "public/moderation_policy.html", "subscriptions/_form.html"]
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
