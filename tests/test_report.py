"""The MT quality report, from review events carrying the machine draft (the agreed format).

The review app writes, on a segment's first confirmation after machine
translation, a ``review`` event whose detail holds ``engine``, ``drafted``,
``draft``, ``context`` and ``source`` besides ``action``, ``segment``, ``old``
and ``new``.  These tests write such events as the app does and check the
report's figures by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sacrebleu.metrics.chrf import CHRF

from workflow.audit import LOG_PATH
from workflow.catalog import read_catalog
from workflow.cli import cli
from workflow.drafts import draft_of
from workflow.extract import extract
from workflow.project import Project
from workflow.report import quality_report
from workflow.review import segment_id
from workflow.saver import Save, Saver
from workflow.segment import PLACEHOLDER_RE
from workflow.translate import Translation

SLUG = "harbour-rebuilt"


def review_event(
    when: str,
    segment: str,
    draft: str | None,
    new: str,
    *,
    who: str = "ana",
    engine: str = "apertium",
    drafted: str = "2026-03-01",
    action: str = "confirm",
    language: str = "es",
    slug: str = SLUG,
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "action": action,
        "segment": segment,
        "old": draft or "",
        "new": new,
        "context": "",
        "source": "en",
        "engine": engine,
        "drafted": drafted,
    }
    if draft is not None:
        detail["draft"] = draft
    return {
        "event": "review",
        "who": who,
        "slug": slug,
        "language": language,
        "detail": detail,
        "time": when,
    }


def write_log(root: Path, events: list[dict[str, Any]]) -> None:
    path = root / LOG_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for event in events:
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")


def test_figures_by_hand(tmp_path: Path) -> None:
    t = "2026-03-05T10:{}+00:00".format
    write_log(
        tmp_path,
        [
            review_event(
                t("00:00"), "The council met.", "El consejo se reunió.", "El consejo se reunió."
            ),
            review_event(t("00:30"), "A b c d.", "a b c d", "a b x d"),
            review_event(
                t("01:30"),
                "One two.",
                "uno dos tres cuatro",
                "uno dos tres cuatro",
                action="confirm-as-is",
            ),
            # a later edit of a reviewed segment: no draft, not counted (but it is work)
            review_event(t("02:00"), "A b c d.", None, "a b y d"),
            # copy-source leaves the segment unconfirmed: not counted
            review_event(t("02:10"), "Copied.", "Copiado.", "Copied.", action="copy-source"),
            # after a 28-minute break: counted, with no review time
            review_event(
                t("30:00"), "Hello world.", "<g1>Hola</g1> mundo", "<g1>Hola</g1> mundo entero"
            ),
            # the same segment confirmed again after a revert: only the first counts
            review_event(t("31:00"), "The council met.", "El consejo se reunió.", "Otro."),
            review_event(
                "2026-04-02T09:00:00+00:00",
                "The council met.",
                "El consejo se reunió.",
                "Se reunió.",
                engine="deepl",
                drafted="2026-04-01",
                slug="other",
            ),
        ],
    )
    apertium, deepl = quality_report(tmp_path)
    assert (apertium.engine, apertium.pair, apertium.month) == ("apertium", "en→es", "2026-03")
    assert apertium.segments == 4 and apertium.unchanged == 2
    assert apertium.unchanged_share == 0.5
    # TER: one substitution (b c d → b x d) and one insertion (entero) over 4+4+4+3 words
    assert apertium.ter == pytest.approx(100 * 2 / 15)
    assert apertium.days == 4.0
    assert apertium.seconds == 45.0, "median of 30 s and 60 s; the first save and a break excluded"
    drafts = ["El consejo se reunió.", "a b c d", "uno dos tres cuatro", "Hola mundo"]
    finals = ["El consejo se reunió.", "a b x d", "uno dos tres cuatro", "Hola mundo entero"]
    assert apertium.chrf == pytest.approx(CHRF().corpus_score(drafts, [finals]).score)
    assert 0 < apertium.chrf < 100
    assert (deepl.engine, deepl.month, deepl.segments, deepl.unchanged) == (
        "deepl",
        "2026-04",
        1,
        0,
    )
    assert deepl.days == 1.0 and deepl.seconds is None
    assert [r.month for r in quality_report(tmp_path, since="2026-04")] == ["2026-04"]


def test_unchanged_drafts_score_perfectly(tmp_path: Path) -> None:
    write_log(
        tmp_path,
        [
            review_event("2026-03-05T10:00:00+00:00", f"S{i}.", f"Frase {i}.", f"Frase {i}.")
            for i in range(3)
        ],
    )
    write_log(  # drafted after it was reviewed (a clock, a log from elsewhere): no day count
        tmp_path,
        [review_event("2026-03-05T10:00:09+00:00", "S9.", "F.", "F.", drafted="2026-03-09")],
    )
    (row,) = quality_report(tmp_path)
    assert (row.segments, row.unchanged, row.chrf, row.ter) == (4, 4, 100.0, 0.0)
    assert row.days == 4.0 and [c.days for c in row.confirmations][-1] is None


def scripted_review_pass(project: Project, edits: dict[str, str], start: dt.datetime) -> int:
    """ana confirms every Spanish segment of the article, 20 s apart, editing some.

    Writes what the review app writes on each first confirmation (the agreed
    audit format), and marks the entries reviewed in the catalogue.
    """
    path = project.catalog_path(SLUG, project.config.target_languages[1])
    po = read_catalog(path)
    events = []
    for index, entry in enumerate(e for e in po if not e.obsolete):
        draft = draft_of(entry)
        assert draft is not None and draft.open
        final = edits.get(entry.msgid, entry.msgstr)
        when = (start + dt.timedelta(seconds=20 * index)).isoformat(timespec="seconds")
        event = review_event(
            when,
            entry.msgid,
            entry.msgstr,
            final,
            engine=draft.engine,
            drafted=draft.date,
            action="confirm" if final != entry.msgstr else "confirm-as-is",
        )
        event["detail"]["context"] = entry.msgctxt or ""
        events.append(event)
        entry.msgstr = final
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save(str(path))
    write_log(project.root, events)
    return len(events)


def test_report_on_the_sample_after_a_scripted_review_pass(project: Project) -> None:
    extract(project, [SLUG])
    today = dt.date.today()
    translation = Translation(project, [SLUG], ["es"], engine="pseudo", today=today)
    translation.plan()
    translation.run()
    po = read_catalog(project.catalog_path(SLUG, project.config.target_languages[1]))
    plain = [e for e in po if not PLACEHOLDER_RE.search(e.msgstr)][:5]
    edits = {e.msgid: e.msgstr + " hoy" for e in plain}  # one word added to five drafts
    start = dt.datetime.combine(today, dt.time(9, 0), dt.UTC)
    total = scripted_review_pass(project, edits, start)
    result = CliRunner().invoke(cli, ["--project", str(project.root), "report", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    words = sum(len(PLACEHOLDER_RE.sub(" ", e.msgstr).split()) for e in po if not e.obsolete)
    assert row["engine"] == "pseudo" and (row["source"], row["target"]) == ("en", "es")
    assert row["month"] == today.strftime("%Y-%m")
    assert row["segments"] == total and row["unchanged"] == total - 5
    assert row["unchanged_percent"] == round(100 * (total - 5) / total, 1)
    assert row["ter"] == round(100 * 5 / (words + 5), 1), "five insertions"
    assert row["days_to_review"] == 0.0 and row["seconds_per_segment"] == 20.0
    table = CliRunner().invoke(cli, ["--project", str(project.root), "report"])
    assert table.exit_code == 0 and "pseudo" in table.output and "en→es" in table.output


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium not installed")
def test_report_after_a_review_pass_through_the_review_app(project: Project) -> None:
    """The demo's flow: Apertium drafts, ana confirms every Spanish segment through the
    review app's saver (editing five), and the report reads the events it wrote."""
    extract(project, [SLUG])
    translation = Translation(project, [SLUG], ["es"])
    translation.plan()
    assert not translation.run().problems
    path = project.catalog_path(SLUG, project.config.target_languages[1])
    drafts = {e.msgid: (e.msgctxt, e.msgstr) for e in read_catalog(path) if not e.obsolete}
    edited = [m for m, (_, text) in drafts.items() if not PLACEHOLDER_RE.search(text)][:5]
    saver = Saver(project)
    for msgid, (context, text) in drafts.items():
        final = text + " hoy" if msgid in edited else text
        action = "confirm" if msgid in edited else "confirm-as-is"
        save = Save(segment_id(context, msgid), text, final, action, "ana", force=True)
        assert saver.save(SLUG, "es", save).result == "saved", save.message
    result = CliRunner().invoke(cli, ["--project", str(project.root), "report", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    total = len(drafts)
    words = sum(len(PLACEHOLDER_RE.sub(" ", text).split()) for _, text in drafts.values())
    assert (row["engine"], row["source"], row["target"]) == ("apertium", "en", "es")
    assert row["segments"] == total and row["unchanged"] == total - 5
    assert row["unchanged_percent"] == round(100 * (total - 5) / total, 1)
    assert row["ter"] == round(100 * 5 / (words + 5), 1), "five one-word insertions"
    assert 90 < row["chrf"] < 100
    assert row["days_to_review"] == 0.0 and row["seconds_per_segment"] is not None


def test_cli_says_when_there_is_nothing_and_refuses_a_bad_month(sample: Path) -> None:
    runner = CliRunner()
    empty = runner.invoke(cli, ["--project", str(sample), "report"])
    assert empty.exit_code == 0 and "no confirmed machine drafts" in empty.output
    bad = runner.invoke(cli, ["--project", str(sample), "report", "--since", "March"])
    assert bad.exit_code == 1 and "Error: --since 'March': give a month as YYYY-MM" in bad.output
