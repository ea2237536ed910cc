"""Beats, staff accounts and scheduled meetings: what admins and the command line create."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings.errors import DomainError, not_found
from pact.meetings.lookup import member
from pact.meetings.text import clean_text
from pact.models import Beat, Meeting, ModerationMode, Role, Stage, User
from pact.wording import N_

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def parse_role(raw: object) -> Role:
    """A staff role by its value; raises `invalid_role`."""
    return member(Role, raw, code="invalid_role", message="The role must be officer, inspector or admin.")


def find_beat(slug: str) -> Beat:
    """The beat with this slug; raises `not_found`."""
    beat = db.session.scalar(select(Beat).where(Beat.slug == slug))
    if beat is None:
        raise not_found(N_("beat"))
    return beat


def create_beat(slug: str, name: str, *, is_demo: bool = False) -> Beat:
    """A new beat (the command line and `accounts.create_beat`).

    Raises `invalid_slug` (not lower-case letters, digits and single hyphens, or over 64), `empty` /
    `too_long` / `invalid_characters` for the name (120 at most), `duplicate` (the slug is taken)."""
    slug = slug.strip().lower()
    if not SLUG.match(slug) or len(slug) > 64:
        raise DomainError("invalid_slug",
                          "A beat's slug is lower-case letters, digits and single hyphens, e.g. 'riverside-north'.")
    name = clean_text(name, field="beat name", max_length=120, multiline=False)
    if db.session.scalar(select(Beat.id).where(Beat.slug == slug)) is not None:
        raise DomainError("duplicate", f"A beat with the slug '{slug}' already exists.")
    beat = Beat(slug=slug, name=name, is_demo=is_demo)
    db.session.add(beat)
    db.session.flush()
    return beat


def create_user(email: str, *, role: str, password: str, display_name: str | None = None,
                beat_slugs: list[str] | tuple[str, ...] = ()) -> User:
    """A new staff account with a hashed password, on the beats named by slug.

    Raises `invalid_email`, `invalid_role` (not officer, inspector or admin), `weak_password` (too
    short), `duplicate` (the e-mail is taken), `not_found` (an unknown beat slug)."""
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise DomainError("invalid_email", f"'{email}' is not an email address.")
    role_value = parse_role(role)
    if len(password) < MIN_PASSWORD:
        raise DomainError("weak_password", f"The password must be at least {MIN_PASSWORD} characters long.")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise DomainError("duplicate", f"A user with the email {email} already exists.")
    name = clean_text(display_name or email.split("@")[0], field="display name", max_length=80, multiline=False)
    user = User(email=email, display_name=name, role=role_value)
    user.set_password(password)
    user.beats = [find_beat(slug) for slug in beat_slugs]
    db.session.add(user)
    db.session.flush()
    return user


def update_user(email: str, *, now: datetime, role: str | None = None, beat_slugs: list[str] | tuple[str, ...] | None = None,
                display_name: str | None = None) -> list[str]:
    """The command line's account change (no admin account needed): role, exact beats, name.

    Returns what changed; each change is in the audit log as done from the command line. Raises
    `not_found` (no such account, or an unknown beat slug), `invalid_role`."""
    from pact.meetings import audit

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise DomainError("not_found", f"There is no staff account {email.strip().lower()}.")
    changes: list[str] = []
    if role is not None:
        new_role = parse_role(role)
        if new_role is not user.role:
            changes.append(f"role {user.role.value} → {new_role.value}")
            user.role = new_role
    if beat_slugs is not None:
        beats = [find_beat(slug) for slug in dict.fromkeys(beat_slugs)]
        before, after = {b.slug for b in user.beats}, {b.slug for b in beats}
        if before != after:
            changes.append(f"beats {', '.join(sorted(before)) or 'none'} → {', '.join(sorted(after)) or 'none'}")
            user.beats = sorted(beats, key=lambda b: b.name)
    if display_name is not None:
        name = clean_text(display_name, field="display name", max_length=80, multiline=False)
        if name != user.display_name:
            changes.append(f"name {user.display_name} → {name}")
            user.display_name = name
    for change in changes:
        audit.record("update_user", now=now, target=f"user:{user.id} {user.email}", reason=f"command line: {change}")
    db.session.flush()
    return changes


def schedule_meeting(beat: Beat, title: str, starts_at: datetime, *, stage: Stage = Stage.SCHEDULED,
                     moderation: ModerationMode = ModerationMode.OPEN, votes_per_resident: int = 3) -> Meeting:
    """A meeting of `beat` at `starts_at` (the demo data and tests; the web uses scheduling.operations).

    Raises `invalid_date` (a naive `starts_at`), `empty`/`too_long` for the title (200 at most),
    `invalid_votes` (priority votes per resident outside 1–10)."""
    if starts_at.tzinfo is None:
        raise DomainError("invalid_date", "The start time needs a time zone.")
    title = clean_text(title, field="title", max_length=200, multiline=False)
    if not 1 <= votes_per_resident <= 10:
        raise DomainError("invalid_votes", "Residents get between 1 and 10 priority votes.")
    meeting = Meeting(beat=beat, title=title, starts_at=starts_at, stage=stage, moderation=moderation,
                      votes_per_resident=votes_per_resident)
    if stage is Stage.LIVE:
        meeting.opened_at = starts_at
    db.session.add(meeting)
    db.session.flush()
    return meeting
