"""Open machine drafts translated again: after a glossary change, and with ``--redo``.

Never a reviewed entry, never one a person touched (copied, silenced, edited).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polib
from click.testing import CliRunner

from workflow.catalog import provenance, read_catalog
from workflow.cli import cli
from workflow.drafts import draft_of, open_machine_draft, text_hash
from workflow.extract import extract
from workflow.glossary import Glossary, article_names
from workflow.project import Project
from workflow.translate import Translation

from .conftest import msgfmt_check
from .test_translate import ES, TODAY, FakeEngine, entries

SLUG = "harbour-rebuilt"
PUIG = "That was how one fisherman, Joan Puig, described the process."


def translate(
    project: Project,
    engine: FakeEngine,
    name: str = "apertium",
    redo: bool = False,
    override: str | None = None,
) -> Translation:
    translation = Translation(
        Project.load(project.root),
        [SLUG],
        ["es"],
        engine=override,
        engines={name: engine},
        today=dt.date.fromisoformat(TODAY),
        redo=redo,
    )
    translation.plan()
    translation.run()
    return translation


def edit(project: Project, change: dict[str, tuple[str, list[str] | None, str | None]]) -> None:
    """Set (msgstr, flags, extra translator note) of entries by msgid, as a person would."""
    path = project.catalog_path(SLUG, ES)
    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:
        if entry.msgid in change:
            msgstr, flags, note = change[entry.msgid]
            entry.msgstr = msgstr
            if flags is not None:
                entry.flags = flags
            if note is not None:
                entry.tcomment = f"{entry.tcomment}\nworkflow: {note}"
    po.save()


def glossary(project: Project, text: str) -> None:
    (project.root / "glossary.toml").write_text(text)


def state(project: Project) -> dict[str, tuple[str, list[str], str]]:
    return {m: (e.msgstr, list(e.flags), e.tcomment) for m, e in entries(project, SLUG).items()}


def test_glossary_change_redoes_only_the_open_drafts_it_affects(project: Project) -> None:
    extract(project, [SLUG])
    translate(project, FakeEngine())
    storm = next(m for m in entries(project, SLUG) if "breakwater" in m)
    plain = next(m for m in entries(project, SLUG) if "the" in m and m not in (PUIG, storm))
    # A person reviewed the Puig sentence; the storm sentence and one other stay drafts.
    reviewed = ("Así lo describió un pescador, Joan Puig.", [], "reviewed ana 2026-01-01")
    edit(project, {PUIG: reviewed})
    before = state(project)

    glossary(project, 'keep = ["Joan Puig"]\n[terms."en:es"]\n"breakwater" = "rompeolas"\n')
    engine = FakeEngine()
    translation = translate(project, engine)
    after = state(project)
    assert translation.report.reopened == 1
    assert engine.sent == [storm.replace("breakwater", "<x90/>")], "only the affected draft"
    assert after[PUIG] == before[PUIG], "reviewed text untouched"
    assert after[plain] == before[plain], "an unaffected draft untouched"
    redone = entries(project, SLUG)[storm]
    assert "rompeolas" in redone.msgstr and "breakwater" not in redone.msgstr
    assert "fuzzy" in redone.flags
    draft = draft_of(redone)
    assert draft is not None and draft.open and draft.glossary is not None
    msgfmt_check(project.catalog_path(SLUG, ES))

    again = FakeEngine()
    assert translate(project, again).report.reopened == 0 and again.sent == []

    # A new value for the same term: reopened, the engine's cached answer reused.
    glossary(project, 'keep = ["Joan Puig"]\n[terms."en:es"]\n"breakwater" = "escollera"\n')
    cached = FakeEngine()
    assert translate(project, cached).report.reopened == 1
    assert cached.sent == [] and "escollera" in entries(project, SLUG)[storm].msgstr

    # The term removed: the draft is made again without it (the first answer, cached).
    glossary(project, 'keep = ["Joan Puig"]\n')
    removed = FakeEngine()
    assert translate(project, removed).report.reopened == 1 and removed.sent == []
    assert entries(project, SLUG)[storm].msgstr == f"«{storm}»"
    assert state(project)[PUIG] == before[PUIG]
    assert draft_of(entries(project, SLUG)[storm]).glossary is None  # type: ignore[union-attr]


def test_drafts_a_person_touched_are_never_redone(project: Project) -> None:
    extract(project, [SLUG])
    translate(project, FakeEngine())
    storm = next(m for m in entries(project, SLUG) if "breakwater" in m)
    edited = entries(project, SLUG)[storm].msgstr + " (corregido)"
    edit(
        project,
        {
            storm: (edited, None, None),  # edited in a PO editor, still fuzzy
            PUIG: (entries(project, SLUG)[PUIG].msgstr, None, "copied source ana 2026-01-01"),
        },
    )
    before = state(project)
    assert open_machine_draft(entries(project, SLUG)[storm]) is None
    glossary(project, 'keep = ["Joan Puig"]\n[terms."en:es"]\n"breakwater" = "rompeolas"\n')
    engine = FakeEngine()
    translation = translate(project, engine, redo=True)
    after = state(project)
    assert after[storm] == before[storm] and after[PUIG] == before[PUIG]
    assert storm not in engine.sent and not any("Joan Puig" in t for t in engine.sent)
    assert translation.report.reopened == len(before) - 2


def test_redo_with_another_engine_replaces_open_drafts_only(project: Project) -> None:
    extract(project, [SLUG])
    translate(project, FakeEngine())
    reviewed = [m for m in entries(project, SLUG) if "harbour" in m.lower()]
    edit(project, {m: (f"R {m}", [], "reviewed ana 2026-01-01") for m in reviewed})
    before = state(project)
    better = FakeEngine(answer=lambda text: f"«better {text}»")
    translation = translate(project, better, name="deepl", redo=True, override="deepl")
    after = state(project)
    assert translation.report.reopened == len(before) - len(reviewed)
    for msgid, (msgstr, flags, notes) in after.items():
        if msgid in reviewed:
            assert (msgstr, flags, notes) == before[msgid]
            assert msgid not in better.sent
        else:
            assert msgstr == f"«better {msgid}»" and "fuzzy" in flags
            assert provenance(entries(project, SLUG)[msgid])[:2] == [
                f"machine deepl {TODAY}",
                f"draft {text_hash(msgstr)}",
            ]


def test_redo_asks_the_same_engine_again_despite_its_cache(project: Project) -> None:
    extract(project, [SLUG])
    translate(project, FakeEngine())
    again = FakeEngine(answer=lambda text: f"«v2 {text}»")
    translate(project, again, redo=True)
    assert len(again.sent) == len(entries(project, SLUG))
    assert all(e.msgstr.startswith("«v2 ") for e in entries(project, SLUG).values())


def test_a_review_between_plan_and_save_wins(project: Project) -> None:
    extract(project, [SLUG])
    translate(project, FakeEngine())
    translation = Translation(
        Project.load(project.root), [SLUG], ["es"], engines={"apertium": FakeEngine()}, redo=True
    )
    translation.plan()
    edit(project, {PUIG: ("Revisado.", [], "reviewed ana 2026-01-01")})
    translation.run()
    puig = entries(project, SLUG)[PUIG]
    assert puig.msgstr == "Revisado." and "fuzzy" not in puig.flags


def test_a_redo_without_a_usable_answer_keeps_the_old_draft(project: Project) -> None:
    extract(project, [SLUG])
    translate(project, FakeEngine())
    before = state(project)
    broken = FakeEngine(answer=lambda text: "sin marcas")
    translation = translate(project, broken, redo=True)
    names = Glossary().with_names(article_names(project.article(SLUG).meta))
    with_tokens = [m for m in before if "<" in names.protect(m, "en", "es").text]
    assert with_tokens and len(translation.report.attention) == len(with_tokens)
    after = state(project)
    for msgid in with_tokens:
        assert after[msgid] == before[msgid]


def test_cli_redo_dry_run_says_how_many(sample: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--project", str(sample), "extract", SLUG]).exit_code == 0
    first = ["--project", str(sample), "translate", SLUG, "--to", "es", "--engine", "pseudo"]
    assert runner.invoke(cli, first).exit_code == 0
    result = runner.invoke(cli, [*first, "--redo", "--dry-run"])
    assert result.exit_code == 0, result.output
    total = len(read_catalog(sample / "locales/es/LC_MESSAGES" / f"{SLUG}.po"))
    assert f"{total} unreviewed machine draft(s) would be translated again" in result.output
    assert "--redo" in result.output
