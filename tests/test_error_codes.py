"""Every error code the server can send is documented in docs/protocol.md, and every documented one
is still raised somewhere: clients switch on these words."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAISED = [
    re.compile(r'DomainError\(\s*"([a-z_]+)"'),  # raise DomainError("code", …), also across lines
    re.compile(r'worded\(\s*"([a-z_]+)"'),  # raise worded("code", N_("… %(name)s …"), {…})
    re.compile(r'"error":\s*"([a-z_]+)"'),  # acks built by hand in the adapters
    re.compile(r'_error_page\(\s*\d+,\s*"([a-z_]+)"'),  # HTTP error pages with a fixed code
    re.compile(r'\bmember\([^)]*?\bcode="([a-z_]+)"'),  # lookup.member(Kind, raw, code="…"): a value not among the choices
]


def raised_codes() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "pact").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in RAISED:
            codes.update(pattern.findall(text))
    return codes


def documented_codes() -> set[str]:
    """Codes in the first column of every `| code | meaning |` table of the protocol document."""
    codes: set[str] = set()
    in_table = False
    for line in (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8").splitlines():
        if re.match(r"\|\s*code\s*\|", line):
            in_table = True
            continue
        if in_table and line.startswith("|"):
            codes.update(re.findall(r"^\|\s*`([a-z_]+)`", line))
        elif in_table:
            in_table = False
    return codes


def test_the_scan_sees_codes_on_both_sides():
    assert {"invalid_payload", "too_long", "rate_limited", "forbidden"} <= raised_codes()
    assert {"invalid_payload", "too_long"} <= documented_codes()


def test_every_raised_code_is_documented():
    assert sorted(raised_codes() - documented_codes()) == []


def test_every_documented_code_is_raised():
    assert sorted(documented_codes() - raised_codes()) == []
