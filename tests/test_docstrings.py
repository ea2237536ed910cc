"""Docstrings that help the next person (issue #14 item 6), checked where a reader relies on them.

- Every Socket.IO handler says who may send it, its payload, its error codes and who receives
  what, as `Sender:`, `Payload:`, `Errors:` and `Receives:` lines, and every code it names is a
  documented one (docs/protocol.md).
- Every public domain service that raises a DomainError itself names each code it raises.
- Every public module, class and function in pact/ has a docstring: ruff's pydocstyle rules
  (ruff.toml, `make lint`); this file checks only what ruff cannot.
"""
import ast
import re
from pathlib import Path

from tests.test_error_codes import documented_codes

PACT = Path(__file__).resolve().parent.parent / "pact"
DOMAIN_PACKAGES = ("meetings", "scheduling", "notifications", "evidence", "places")
SECTIONS = ("Sender:", "Payload:", "Errors:", "Receives:")
# Helpers whose call raises a known code: the domain's own shorthands.
RAISING_HELPERS = {"not_found": "not_found", "forbidden": "forbidden", "invalid_link": "invalid_link",
                   "require_stage": "wrong_stage", "require_moderator": "forbidden"}


def _handlers() -> list[tuple[str, ast.FunctionDef]]:
    """Every function registered as a `/meeting` event: `@command(…)` or `@socketio.on(…)`."""
    found = []
    for path in sorted((PACT / "live").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and ast.unparse(d.func) in ("command", "socketio.on")
                    for d in node.decorator_list):
                found.append((f"{path.name}:{node.name}", node))
    return found


def _missing_sections(doc: str) -> list[str]:
    lines = [line.strip() for line in doc.splitlines()]
    return [section for section in SECTIONS if not any(line.startswith(section) for line in lines)]


def _named_codes(doc: str) -> set[str]:
    """The backticked codes of the `Errors:` paragraph (up to `Receives:`)."""
    part = doc.split("Errors:", 1)[1].split("Receives:", 1)[0] if "Errors:" in doc else ""
    return set(re.findall(r"`([a-z_]+)`", part))


def test_the_checks_see_a_bad_handler_docstring():
    assert _missing_sections("Sender: anyone.\nPayload: `{}`.") == ["Errors:", "Receives:"]
    assert _named_codes("Sender: x\nErrors: `not_a_code`, `too_long`.\nReceives: `state`") == {"not_a_code", "too_long"}
    assert len(_handlers()) >= 25 and "handlers.py:join" in dict(_handlers())


def test_every_handler_says_sender_payload_errors_and_recipients():
    offenders = {name: _missing_sections(ast.get_docstring(node) or "") for name, node in _handlers()}
    assert {name: missing for name, missing in offenders.items() if missing} == {}


def test_every_code_a_handler_names_is_documented():
    documented = documented_codes()
    unknown = {name: sorted(_named_codes(ast.get_docstring(node) or "") - documented) for name, node in _handlers()}
    assert {name: codes for name, codes in unknown.items() if codes} == {}


def _raised_here(node: ast.FunctionDef) -> set[str]:
    codes = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in ("DomainError", "worded") and call.args and isinstance(call.args[0], ast.Constant):
                codes.add(call.args[0].value)
            elif name in RAISING_HELPERS:
                codes.add(RAISING_HELPERS[name])
    return codes


def test_every_domain_service_names_the_codes_it_raises():
    offenders, seen = [], 0
    for package in DOMAIN_PACKAGES:
        for path in sorted((PACT / package).rglob("*.py")):
            for node in ast.parse(path.read_text(), filename=str(path)).body:
                if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                    continue
                codes = _raised_here(node)
                seen += bool(codes)
                doc = ast.get_docstring(node) or ""
                missing = sorted(code for code in codes if not re.search(rf"\b{code}\b", doc))
                if missing:
                    offenders.append(f"{path.relative_to(PACT)}:{node.name} {missing}")
    assert seen >= 50  # the scan sees the services that refuse
    assert offenders == []
