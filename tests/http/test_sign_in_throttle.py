"""Sign-in throttling (issue #11 M1/M2): a guesser is slowed, the owner still gets in, and every
failure is in the audit log with the address it came from."""
from __future__ import annotations

from sqlalchemy import select

from pact.extensions import db
from pact.models import AuditEntry
from tests.helpers import TEST_PASSWORD, csrf_token


def sign_in_from(http, address: str, email: str, password: str):
    token = csrf_token(http)
    return http.post("/login", data={"email": email, "password": password, "csrf_token": token},
                     environ_base={"REMOTE_ADDR": address})


def failures(app) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in_failed")))


def test_failed_sign_ins_are_audited_with_the_address(app, officer):
    http = app.test_client()
    assert sign_in_from(http, "198.51.100.7", officer.email, "wrong").status_code == 401
    assert sign_in_from(http, "198.51.100.7", "nobody@example.org", "wrong").status_code == 401
    entries = failures(app)
    assert [e.target for e in entries] == [f"account:{officer.email}", "account:nobody@example.org"]
    assert all(e.reason == "wrong email or password from 198.51.100.7" and e.actor_role == "none" for e in entries)


def test_a_guesser_elsewhere_does_not_lock_the_owner_out(app, officer):
    guesser = app.test_client()
    statuses = [sign_in_from(guesser, "203.0.113.9", officer.email, "guess").status_code for _ in range(12)]
    assert statuses.count(401) == 5 and statuses.count(429) == 7
    owner = app.test_client()
    assert sign_in_from(owner, "192.0.2.20", officer.email, TEST_PASSWORD).status_code == 302


def test_the_owner_signing_in_clears_their_own_slow_down(app, officer):
    http = app.test_client()
    for _ in range(4):
        assert sign_in_from(http, "192.0.2.20", officer.email, "typo").status_code == 401
    assert sign_in_from(http, "192.0.2.20", officer.email, TEST_PASSWORD).status_code == 302
    again = app.test_client()
    assert [sign_in_from(again, "192.0.2.20", officer.email, "typo").status_code for _ in range(5)] == [401] * 5


def test_guessing_from_many_addresses_locks_the_account_and_says_how_to_get_in(app_config, officer):
    from tests.helpers import fresh_app

    with fresh_app({**app_config, "RATE_LIMIT_OVERRIDES": {"login:account": [12, 3600]}}, empty=False) as locked_app:
        http = locked_app.test_client()
        statuses = [sign_in_from(http, f"203.0.113.{n}", officer.email, "guess").status_code
                    for n in range(1, 7) for _ in range(2)]
        assert statuses == [401] * 12
        owner = sign_in_from(locked_app.test_client(), "192.0.2.20", officer.email, TEST_PASSWORD)
        assert owner.status_code == 429 and int(owner.headers["Retry-After"]) > 60
        page = owner.get_data(as_text=True)
        assert "many failed sign-ins from different places" in page and "password reset link" in page
        assert failures(locked_app)[-1].reason == "refused (too many attempts) from 192.0.2.20"
