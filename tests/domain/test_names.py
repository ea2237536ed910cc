"""Residents' names that pass for police staff are refused, however they are spelt (issue #11, M7)."""
import pytest

from pact.meetings.errors import DomainError
from pact.meetings.names import check_resident_name, is_reserved_name

IMPERSONATIONS = [
    "PC Demo (demo officer)", "pc demo", "P.C. Demo", "P C Demo", "Pc_demo", "PCSO Smith", "p c s o Smith",
    "Sgt. Bloggs", "SGT Bloggs", "Sergeant Wilson", "Inspector Gadget", "Insp Khan", "Police Watcher",
    "Officer Dibble", "Constable Jones", "Chief Inspector Morse",
    "ＰＣ Demo",  # full-width letters
    "\u0420\u0421 Demo",  # Cyrillic Р and С
    "\u03a1olice team",  # Greek Rho
    "P0lice", "Po1ice Jo", "5gt Smith", "Off1cer Jo", "0FFICER Jo", "S\u00e9rgeant X",
    "P\u200bC Demo",  # a zero-width space between the letters
    "Jo from the police", "Jo (officer)", "PoliceOfficer1",
]
ORDINARY = ["Alice", "P. Carter", "Pat", "Di Smith", "Dr Pace", "Inspire Me", "Priya", "Oliver", "Polly",
            "Sergio", "Paul C", "Piccadilly Resident", "Jo Pc", "Zoë", "محمد", "李雷"]


@pytest.mark.parametrize("name", IMPERSONATIONS)
def test_names_that_pass_for_staff_are_reserved(name):
    assert is_reserved_name(name)
    with pytest.raises(DomainError) as info:
        check_resident_name(name)
    assert info.value.code == "reserved_name"
    assert "PC" in info.value.message and "choose another name" in info.value.message


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_names_pass(name):
    assert check_resident_name(name) == name
