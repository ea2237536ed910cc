"""The catalogue marker `N_`, transport-free, so the domain can mark its messages without Flask.

A domain module writes `N_("Write your issue first.")` where it defines a message; the adapter
that shows it translates it then (`pact.i18n.translate`, `translate_error`). `make translations`
extracts every `N_(…)` (pybabel `-k N_`, babel.cfg covers `pact/**.py`). `pact.i18n` re-exports
`N_` for the adapters, which import their languages from there.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it now (it is translated where shown)."""
    return message
