"""Library patches are fenced (pact/patches/): an upgrade of a patched library fails here until
someone has read the new upstream code, adapted or dropped the patch, and moved the pin."""
import hashlib
import importlib
import pkgutil
from pathlib import Path

import pytest

import pact.patches
from pact.patches import PINNED, pin_mismatches, upstream_source


def _fenced() -> list[tuple[str, str, str, str]]:
    found = []
    for info in pkgutil.iter_modules(pact.patches.__path__):
        module = importlib.import_module(f"pact.patches.{info.name}")
        for (library_module, qualname), digest in getattr(module, "UPSTREAM", {}).items():
            found.append((info.name, library_module, qualname, digest))
    return found


def test_every_patched_library_is_at_its_pinned_version():
    assert pin_mismatches() == {}, "a patched library changed version: review pact/patches/ before moving PINNED"


def test_pins_agree_with_requirements():
    text = (Path(__file__).resolve().parent.parent / "requirements.txt").read_text()
    for name, version in PINNED.items():
        assert f"{name}=={version}" in text, name


def test_every_patch_module_names_what_it_replaces():
    names = {name for name, *_ in _fenced()}
    modules = {info.name for info in pkgutil.iter_modules(pact.patches.__path__)}
    assert names == modules


@pytest.mark.parametrize("patch, library_module, qualname, digest", _fenced(),
                         ids=lambda value: value if isinstance(value, str) else None)
def test_the_upstream_code_a_patch_replaces_is_unchanged(patch, library_module, qualname, digest):
    source = upstream_source(library_module, qualname)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == digest, (
        f"{library_module}.{qualname} changed upstream: re-read it and adapt pact/patches/{patch}.py")
