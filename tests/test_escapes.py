"""A backslash next to a placeholder: ``check`` and ``render`` see every token."""

from __future__ import annotations

from workflow.qa import run_checks
from workflow.segment import segment_body

SOURCE = "Type **C:\\\\** to start.\n"  # Markdown: an escaped backslash inside bold


def test_check_reports_a_token_hidden_by_a_backslash() -> None:
    (segment,) = segment_body(SOURCE, "en").segments()
    good = "Escribe <g1>C:\\\\</g1> para empezar."
    bad = "Escribe <g1>C:\\</g1> para empezar."  # "\</g1>" is text, not the closing tag
    assert not [f for f in run_checks(segment.msgid, good, "en", "es") if f.severity == "error"]
    errors = [str(f) for f in run_checks(segment.msgid, bad, "en", "es") if f.severity == "error"]
    assert any("</g1> is missing" in e for e in errors)


def test_render_never_writes_a_literal_closing_token() -> None:
    document = segment_body(SOURCE, "en")
    result = document.render(lambda s: "Escribe <g1>C:\\</g1> para empezar.")
    assert len(result.broken) == 1 and result.text == SOURCE
    fine = document.render(lambda s: "Escribe <g1>C:\\\\</g1> para empezar.")
    assert fine.text == "Escribe **C:\\\\** para empezar.\n" and not fine.broken
