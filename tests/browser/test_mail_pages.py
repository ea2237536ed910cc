"""A resident subscribes from the beat page, confirms from the e-mail, manages and unsubscribes; a
member of staff asks for a reset link and changes their password: every page and state through
axe, with the real server, its mail worker and a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_check, mail_worker_env, path_in, shoot
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(server_factory, smtp, tmp_path):
    return server_factory(env=mail_worker_env(smtp, tmp_path))


def test_subscribe_confirm_manage_unsubscribe(new_page, beat, smtp):
    page = new_page(PHONE)
    page.goto(f"/beats/{beat.slug}")
    form = page.get_by_role("region", name="Get reminders")
    form.get_by_label("Your e-mail address").fill("resident@example.org")
    form.get_by_label("The summary when a meeting closes").check()
    axe_check(page, "beat page with the subscribe form")
    form.get_by_role("button", name="Send me a confirmation link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    axe_check(page, "check your e-mail")
    [confirmation] = smtp.inbox.wait_for(1)
    page.goto(path_in(confirmation, "/subscriptions/confirm/"))
    axe_check(page, "confirm page")
    page.get_by_role("button", name="Confirm my e-mails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You're subscribed")
    axe_check(page, "subscribed")
    page.get_by_role("link", name="Choose what you get").click()
    expect(page.get_by_label("The summary when a meeting closes: what was agreed")).to_be_checked()
    page.get_by_label("The summary when a meeting closes: what was agreed").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick at least one")
    axe_check(page, "manage page with an error")
    shoot(page, "mail-manage-phone")
    page.get_by_role("button", name="Unsubscribe and erase my address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have unsubscribed")
    axe_check(page, "unsubscribed")
    page.goto("/privacy")
    axe_check(page, "privacy notice")


def test_forgot_password_then_change_it(new_page, officer, smtp):
    page = new_page(DESKTOP)
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    axe_check(page, "forgot password")
    page.get_by_label("Your staff e-mail address").fill(officer.email)
    page.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If that address belongs to an active staff account")
    axe_check(page, "forgot password sent")
    [reset] = smtp.inbox.wait_for(1)
    page.goto(path_in(reset, "/password/reset/"))
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("The new password again").fill("short")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_text("at least 12 characters", exact=False).first).to_be_visible()
    axe_check(page, "new password with an error")
    page.get_by_label("New password", exact=True).fill("a long enough new passphrase")
    page.get_by_label("The new password again").fill("a long enough new passphrase")
    page.get_by_role("button", name="Save password").click()
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password", exact=True).fill("a long enough new passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/account/password")
    axe_check(page, "change password")
    page.get_by_label("Current password").fill("a long enough new passphrase")
    page.get_by_label("New password", exact=True).fill(TEST_PASSWORD + " again and again")
    page.get_by_label("The new password again").fill(TEST_PASSWORD + " again and again")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()
    axe_check(page, "password changed")
