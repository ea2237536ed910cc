"""The catalogue marker `N_`, transport-free, so the domain can mark its messages without Flask.

A domain module writes `N_("Write your issue first.")` where it defines a message; the adapter
that shows it translates it then (`pact.i18n.translate`, `translate_error`). `make translations`
extracts every `N_(…)` (pybabel `-k N_`, babel.cfg covers `pact/**.py`). `pact.i18n` re-exports
`N_` for the adapters, which import their languages from there.

Where the domain itself writes words for a reader (the feeds' lines), it calls `translate`, which
is the identity until the adapter installs the real one (`pact.i18n` does, on import).
"""
from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str], str] = str


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it now (it is translated where shown)."""
    return message


def translate(message: str) -> str:
    """A marked message in the reader's language (as written until an adapter installs a translator)."""
    return _translator(message)


def install_translator(translator: Callable[[str], str]) -> None:
    """Called once by `pact.i18n`: from then on `translate` uses Flask-Babel's catalogue."""
    global _translator
    _translator = translator
