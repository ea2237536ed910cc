"""The shape holds: domain services know nothing about HTTP or Socket.IO."""
import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "pact" / "meetings"
# Every transport-free domain package (STYLE.md "Growing the house"); those not built yet are skipped.
DOMAIN_PACKAGES = [DOMAIN.parent / name for name in ("meetings", "scheduling", "notifications", "evidence", "places")]
FORBIDDEN_MODULES = ("flask_socketio", "flask_login", "socketio", "flask_wtf", "flask_babel")
# Adapters' modules: the domain marks messages with pact.wording.N_; pact.i18n reads the request's language.
ADAPTER_MODULES = ("pact.live", "pact.views", "pact.delivery", "pact.auth", "pact.i18n", "pact.security")
# The only Flask name the domain may use: the app's configuration (the stream providers, the signing key).
FLASK_ALLOWED = {"current_app"}


def imports_of(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name


def _offence(module: str, name: str | None) -> bool:
    """Whether a domain module may not import this: a transport, an adapter, or any Flask name but the config."""
    if module.startswith(FORBIDDEN_MODULES) or module.startswith(ADAPTER_MODULES):
        return True
    return (module == "flask" or module.startswith("flask.")) and name not in FLASK_ALLOWED


def test_domain_imports_no_transport():
    offenders = []
    files = sorted(path for package in DOMAIN_PACKAGES for path in package.rglob("*.py"))
    assert len(files) >= 8 and {"places", "scheduling", "evidence"} <= {p.parent.name for p in files}  # all seen
    for path in files:
        for module, name in imports_of(path):
            if _offence(module, name):
                offenders.append(f"{path.name}: {module}.{name}")
    assert offenders == []


def test_the_layer_check_sees_an_adapter_import(tmp_path):
    """The walk above would refuse what the adapters may do: `pact.i18n`, Flask's request, `import flask`."""
    sample = tmp_path / "sample.py"
    sample.write_text("import flask\nfrom pact.i18n import N_\nfrom flask import request, current_app\n")
    found = [(module, name) for module, name in imports_of(sample) if _offence(module, name)]
    assert found == [("flask", None), ("pact.i18n", "N_"), ("flask", "request")]


def _emits(path: Path) -> list[str]:
    """Calls that send to clients directly: socketio.emit/send, or emit/send imported from flask_socketio."""
    tree = ast.parse(path.read_text(), filename=str(path))
    direct = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
              and node.module == "flask_socketio" for alias in node.names if alias.name in ("emit", "send")}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("emit", "send") and \
                    isinstance(func.value, ast.Name) and func.value.id == "socketio":
                found.append(f"{path.name}:{node.lineno}")
            elif isinstance(func, ast.Name) and func.id in direct:
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_every_server_emit_lives_in_broadcast():
    package = DOMAIN.parent
    assert _emits(package / "live" / "broadcast.py")  # the check can see an emit
    offenders = [hit for path in package.rglob("*.py") if path.name != "broadcast.py" for hit in _emits(path)]
    assert offenders == []


def test_only_the_three_boundaries_commit():
    """HTTP (views/unit_of_work.py), Socket.IO (live/commands.py) and the CLI (cli.py) own the
    transaction; a view or service that commits or rolls back itself breaks "a refusal changes
    nothing". The batch writer and the ticker are Socket.IO-side boundaries of their own."""
    package = DOMAIN.parent
    boundaries = {"views/unit_of_work.py", "live/commands.py", "cli.py", "live/group_commit.py", "live/ticker.py",
                  "demo.py", "live/handlers.py", "delivery/dispatch.py"}
    offenders = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.startswith("migrations/") or rel in boundaries:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("commit", "rollback"):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []
