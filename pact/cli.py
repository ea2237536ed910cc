"""Command line: `flask --app wsgi beats|users|meetings create …`, `seed-demo`, `serve`."""
from __future__ import annotations

import os
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from pact import localtime
from pact.extensions import db
from pact.meetings.directory import create_beat, create_user, find_beat, update_user
from pact.meetings.errors import DomainError
from pact.models import ModerationMode, Role, utcnow
from pact.scheduling.operations import MeetingDetails, create_meeting

beats_cli = AppGroup("beats", help="Manage beats.")
users_cli = AppGroup("users", help="Manage staff accounts.")
meetings_cli = AppGroup("meetings", help="Schedule meetings.")
postcodes_cli = AppGroup("postcodes", help="The postcode directory behind \"find your beat\".")
population_cli = AppGroup("population", help="Beats' population profiles (evidence: who took part vs who lives there).")


def _run(fn):
    """Commit on success; on a refusal print the reason and exit 1, changing nothing."""
    try:
        result = fn()
        db.session.commit()
        return result
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.message} [{error.code}]") from None


@beats_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The beat's name as residents know it.")
def beats_create(slug: str, name: str) -> None:
    """`flask beats create SLUG --name NAME`: add a beat (refusals print their message and exit 1)."""
    beat = _run(lambda: create_beat(slug, name))
    click.echo(f"Created beat {beat.slug} ({beat.name}).")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--beat", "beats", multiple=True, help="Beat slug this user works on (repeatable).")
@click.option("--name", "display_name", default=None, help="Name shown to residents.")
@click.option("--password", default=None, help="Else $PACT_PASSWORD, else a prompt.")
def users_create(email: str, role: str, beats: tuple[str, ...], display_name: str | None, password: str | None) -> None:
    """`flask users create EMAIL --role … --beat …`: add a staff account; the password from --password,
    $PACT_PASSWORD or a prompt."""
    password = password or os.environ.get("PACT_PASSWORD")
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _run(lambda: create_user(email, role=role, password=password, display_name=display_name, beat_slugs=beats))
    click.echo(f"Created {user.role.value} {user.email}.")


@users_cli.command("update")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=None)
@click.option("--beat", "beats", multiple=True, help="Beat slug (repeatable): the account's beats become these.")
@click.option("--no-beats", is_flag=True, help="Take the account off every beat.")
@click.option("--name", "display_name", default=None, help="Name shown to residents.")
def users_update(email: str, role: str | None, beats: tuple[str, ...], no_beats: bool,
                 display_name: str | None) -> None:
    """Change an account's role, beats or name, e.g. to make an inspector of several beats."""
    beat_slugs = [] if no_beats else (list(beats) if beats else None)
    changes = _run(lambda: update_user(email, now=utcnow(), role=role, beat_slugs=beat_slugs,
                                       display_name=display_name))
    click.echo(f"Updated {email.strip().lower()}: {'; '.join(changes)}." if changes else "Nothing changed.")


def _parse_local(value: str | None, option: str) -> datetime | None:
    """A time as people say it, in PACT_TIMEZONE (not the server's zone)."""
    if value is None:
        return None
    try:
        return localtime.parse_local(value, field=option)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint=option) from None


@meetings_cli.command("create")
@click.argument("beat_slug")
@click.option("--title", required=True)
@click.option("--starts", required=True, help="Start, local time (PACT_TIMEZONE), e.g. 2026-12-01T19:00.")
@click.option("--ends", default=None, help="End, local time, e.g. 2026-12-01T20:30 (optional).")
@click.option("--description", default=None)
@click.option("--venue", default=None, help="Hall and address, for a hybrid or in-person meeting.")
@click.option("--stream", "stream_url", default=None, help="Live stream link (YouTube, Facebook, Vimeo, Teams…).")
@click.option("--dial-in", "dial_in", default=None, help="Phone number for residents without internet.")
@click.option("--votes", "votes_per_resident", default=3, show_default=True, help="Priority votes per resident.")
@click.option("--moderation", type=click.Choice(["open", "premoderated"]), default="open", show_default=True)
def meetings_create(beat_slug: str, title: str, starts: str, ends: str | None, description: str | None,
                    venue: str | None, stream_url: str | None, dial_in: str | None, votes_per_resident: int,
                    moderation: str) -> None:
    """Schedule a meeting; a start in the past is refused."""
    details = MeetingDetails(title=title, starts_at=_parse_local(starts, "--starts"),
                             ends_at=_parse_local(ends, "--ends"),
                             description=description, venue=venue, stream_url=stream_url, dial_in=dial_in,
                             votes_per_resident=votes_per_resident, moderation=ModerationMode(moderation))
    meeting = _run(lambda: create_meeting(find_beat(beat_slug), details, user=None, now=utcnow()))
    click.echo(f"Scheduled '{meeting.title}' for beat {beat_slug}, {localtime.span(meeting.starts_at, meeting.ends_at)}"
               f"; its room is /meetings/{meeting.id}")
    click.echo(meeting.id)


@beats_cli.command("boundary")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def beats_boundary(slug: str, file: str) -> None:
    """Import SLUG's boundary from FILE: GeoJSON, KML or a data.police.uk boundary (JSON list of points)."""
    from pathlib import Path

    from pact.models import utcnow
    from pact.places import import_boundary

    text = Path(file).read_text(encoding="utf-8-sig")
    row = _run(lambda: import_boundary(find_beat(slug), Path(file).name, text, now=utcnow()))
    click.echo(f"Imported the boundary of {slug} ({row.source}; "
               f"{row.min_lat:.4f},{row.min_lng:.4f} to {row.max_lat:.4f},{row.max_lng:.4f}).")


@postcodes_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def postcodes_import(file: str) -> None:
    """Import postcodes from a CSV in the ONS Postcode Directory layout (columns pcds, lat, long)."""
    from pact.places import import_postcodes

    with open(file, encoding="utf-8-sig", newline="") as lines:
        result = _run(lambda: import_postcodes(lines))
    click.echo(f"Imported {result.imported} postcodes; skipped {result.skipped_no_location} without a location, "
               f"{result.skipped_terminated} terminated, {result.skipped_invalid} unreadable.")


@click.command("seed-demo")
@click.option("--if-default", is_flag=True, help="Only on the embedded default database, and unless PACT_DEMO=0.")
def seed_demo_command(if_default: bool) -> None:
    """Create the demo beat, officer and live meeting on an empty database, and say how to sign in."""
    from pact.demo import credentials_path, seed_demo

    cfg = current_app.config
    if if_default and (not cfg.get("DEMO") or cfg["DATABASE_URL"] != cfg.get("DEFAULT_DATABASE_URL")):
        return
    created = seed_demo(os.environ.get("PACT_DEMO_PASSWORD"), instance=current_app.instance_path)
    path = credentials_path(current_app.instance_path)
    if created is None and not path.exists():
        click.echo("The database already has data; no demo data was created.")
        return
    port = os.environ.get("PORT", "5000")
    click.echo("\n" + path.read_text().replace("{port}", port))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), show_default="$PORT or 5000")
def serve_command(host: str, port: int) -> None:
    """Serve HTTP and WebSockets with the configured async mode."""
    from pact.server import serve

    serve(current_app._get_current_object(), host=host, port=port)


@population_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def population_import(file) -> None:
    """Replace beats' age profiles from a CSV with the header beat,age_band,share (docs/evidence.md)."""
    from pact.evidence.demographics import import_population
    from pact.models import utcnow

    imported = _run(lambda: import_population(file.read(), now=utcnow()))
    for slug, n in sorted(imported.items()):
        click.echo(f"Imported {n} age bands for beat {slug}.")


@click.command("evidence-refresh")
@click.option("--beat", "slug", default=None, help="Only this beat's meetings.")
@click.option("--all", "every", is_flag=True, help="Count every closed meeting again, not only those missing.")
def evidence_refresh_command(slug: str | None, every: bool) -> None:
    """Count closed meetings' evidence figures into meeting_figures (docs/evidence.md, "At scale").

    Closing a meeting stores its figures; run this once after upgrading, for meetings closed before,
    and after a change to how figures are counted (FIGURES_VERSION). Commits every round."""
    from pact.evidence.attendance import closed_to_count, store_figures

    beat_id = _run(lambda: find_beat(slug).id) if slug else None
    done = 0
    for chunk in closed_to_count(beat_id=beat_id, every=every):
        _run(lambda chunk=chunk: store_figures(chunk))
        done += len(chunk)
        click.echo(f"Counted {done} meetings…")
    click.echo(f"Evidence figures stored for {done} closed meeting{'s' if done != 1 else ''}.")


def init_cli(app: Flask) -> None:
    """Add the `beats`, `users`, `meetings`, `postcodes`, `population`, `seed-demo` and `serve` commands to `app`."""
    for group in (beats_cli, users_cli, meetings_cli, postcodes_cli, population_cli, seed_demo_command,
                  serve_command, evidence_refresh_command):
        app.cli.add_command(group)
