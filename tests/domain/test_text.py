"""Text rules, with no client: what residents may type and what they are told when they can't."""
import pytest

from pact.meetings.errors import DomainError
from pact.meetings.text import clean_text


def refused(raw, **kw):
    with pytest.raises(DomainError) as info:
        clean_text(raw, field="issue", max_length=kw.pop("max_length", 1000), **kw)
    return info.value


def test_text_is_trimmed_and_normalised():
    assert clean_text("  Cafe\u0301 on the corner \r\n", field="issue", max_length=1000) == "Café on the corner"


@pytest.mark.parametrize("raw", ["", "   ", "\n\t  \n"])
def test_empty_text_is_refused_with_empty(raw):
    assert refused(raw).code == "empty"


def test_exactly_the_limit_is_accepted_and_one_more_is_too_long():
    assert len(clean_text("x" * 1000, field="issue", max_length=1000)) == 1000
    error = refused("x" * 1001)
    assert error.code == "too_long"
    assert "1,000" in error.message


def test_limit_counts_after_trimming():
    assert clean_text("  " + "y" * 1000 + "  ", field="issue", max_length=1000) == "y" * 1000


@pytest.mark.parametrize("raw", ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "c1\x85end", "lone\ud800"])
def test_control_characters_are_refused(raw):
    assert refused(raw).code == "invalid_characters"


def test_newlines_allowed_in_issues_but_not_in_names():
    assert clean_text("line one\nline two", field="issue", max_length=100) == "line one\nline two"
    assert refused("two\nlines", multiline=False).code == "invalid_characters"


@pytest.mark.parametrize("raw", [None, 5, ["x"], {"text": "x"}, True])
def test_non_text_is_invalid_payload(raw):
    assert refused(raw).code == "invalid_payload"


def test_markup_is_kept_as_plain_text():
    assert clean_text("<script>alert(1)</script>", field="issue", max_length=100) == "<script>alert(1)</script>"


@pytest.mark.parametrize("raw, kept", [
    ("Mill Lane \u202egnp.exe\u202c", "Mill Lane gnp.exe"),  # right-to-left override and pop
    ("\u2066isolated\u2069 and \u2067rtl\u2069 and \u2068first\u2069", "isolated and rtl and first"),
    ("embed \u202aleft\u202b right", "embed left right"),
    ("non\ufffechar\uffffacters\ufdd0 \U0001fffe\U0010ffff", "noncharacters"),
    ("\u0645\u0631\u062d\u0628\u0627\u200f hello", "\u0645\u0631\u062d\u0628\u0627\u200f hello"),  # RLM stays
])
def test_bidi_controls_and_noncharacters_are_removed(raw, kept):
    assert clean_text(raw, field="issue", max_length=1000) == kept
    assert clean_text(raw, field="display name", max_length=1000, multiline=False) == kept


def test_text_of_nothing_but_bidi_controls_is_empty():
    assert refused("\u202e\u2066\ufffe").code == "empty"
