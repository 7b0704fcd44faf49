"""Fuzzing every file a person writes: front matter, Markdown bodies, workflow.toml,
glossary.toml and PO catalogues (Hypothesis).

Each case writes one generated file into a small project and runs the commands
that read it, in process.  Whatever the input, a command must end with either
a result (exit 0) or exactly one ``Error:`` line (exit 1): never a traceback,
never a hang (``CASE_SECONDS`` per case, enforced with an alarm), and never a
changed file when it fails.  ``WORKFLOW_FUZZ_EXAMPLES`` sets the cases per
target (default 60, about a minute for the file on CI; run it with 1000 for a
deeper search).  Cases are derandomized on CI, so a red run is reproducible.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from workflow.cli import cli

EXAMPLES = int(os.environ.get("WORKFLOW_FUZZ_EXAMPLES", "60"))
CASE_SECONDS = 20
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the alarm bounds a case; deadlines flake on a shared machine
    database=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking a slow case takes minutes: skip it
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ROOT = Path(__file__).resolve().parent.parent
ARTICLE = """---
title: Rebuilding the harbour
summary: How a town paid for it.
published: 2024-08-19
language: en
tags: [harbour]
---
The council voted in *March*. It cost [12 million](https://example.org/a).

## Who paid

- The town
- The port
"""
#: What each case counted, printed at the end of the run (tests/conftest.py).
TALLY: dict[str, dict[str, int]] = {}


class Hang(Exception):
    """A case that ran past its time."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang(f"no answer within {CASE_SECONDS} s")


@pytest.fixture(scope="module", autouse=True)
def _site_strings_once() -> Iterator[None]:
    """The site's own interface strings come from our templates, not from the fuzzed
    files: extract them once instead of in every case (a third of a second each)."""
    import functools

    from workflow.publish import strings

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(strings, "interface_strings", functools.cache(strings.interface_strings))
        yield


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project with one extracted article, copied for each case."""
    root = tmp_path_factory.mktemp("fuzz") / "project"
    (root / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "workflow.toml", root / "workflow.toml")
    shutil.copy(ROOT / "glossary.toml", root / "glossary.toml")
    (root / "articles" / "harbour.md").write_text(ARTICLE)
    result = CliRunner().invoke(cli, ["--project", str(root), "extract", "--lang", "es"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def fresh(template: Path, tmp_path: Path) -> Callable[[], Path]:
    """A function returning a new copy of the template project for each case."""
    counter = iter(range(1_000_000))

    def make() -> Path:
        root = tmp_path / f"case{next(counter)}"
        shutil.copytree(template, root)
        return root

    return make


def _snapshot(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".workflow-cache" not in path.parts
    }


def answer(target: str, root: Path, *commands: tuple[str, ...]) -> None:
    """Run each command on the project; check the answer is a result or one Error line."""
    tally = TALLY.setdefault(target, {"cases": 0, "results": 0, "errors": 0})
    tally["cases"] += 1
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for args in commands:
            before = _snapshot(root)
            signal.alarm(CASE_SECONDS)
            try:
                result = CliRunner().invoke(cli, ["--project", str(root), *args])
            finally:
                signal.alarm(0)
            assert not isinstance(result.exception, Hang), f"{args}: {result.exception}"
            if result.exit_code == 0:
                tally["results"] += 1
                continue
            assert isinstance(result.exception, SystemExit), (
                f"{args} raised {result.exception!r}",
                result.exc_info,
            )
            errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
            assert len(errors) == 1 and "Traceback" not in result.output, result.output
            assert _snapshot(root) == before, f"{args} failed and changed files: {errors[0]}"
            tally["errors"] += 1
    finally:
        signal.signal(signal.SIGALRM, previous)


# -- strategies ----------------------------------------------------------------

FIELDS = ["title", "subtitle", "kind", "summary", "author", "published", "updated",
          "language", "translated_from", "status", "image", "tags", "src", "alt"]  # fmt: skip
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.sampled_from(["2024-13-45", "2024-02-30", "2024-12-99", "2024-02-29", "9999-99-99",
                     "2024-08-19T25:00", "en", "es", "xx-Qqqq-ZZ", "ready", "draft", "*a"]),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=12,
)
YAML_BITS = st.sampled_from(
    ["&a ", "*a", "<<: ", "!!python/object:os.system ", "!!binary ", "? ", "- ", ": ", "{", "}",
     "[", "]", "\n", "  ", "'", '"', "#", "|", ">", "%YAML 1.1\n", "---\n", "...\n", "\t",
     "title: x\n", "title: y\n", "published: 2024-02-30\n", "\x00", "\ufeff", "\u2028"]
)  # fmt: skip


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """YAML a person (or a careless tool) might put between the fences."""
    data = {"title": "T", "published": "2024-08-19", "language": "en"}
    data.update(draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5)))
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        text = "title: T\n"
    if draw(st.booleans()):
        return text  # well-formed YAML with odd values
    bits = draw(st.lists(st.one_of(YAML_BITS, st.text(max_size=6)), min_size=1, max_size=8))
    position = draw(st.integers(0, len(text)))
    return text[:position] + "".join(bits) + text[position:]


MARKDOWN = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("#*_`[]()!<>|-+=~:\\&;.?'\"\n \t0123456789aAéß中\u200b\u202e")),
        st.characters(),
    ),
    max_size=300,
)


@st.composite
def toml_text(draw: st.DrawFn, base: str) -> str:
    """The real file with a value, a key or a line changed, or random TOML-ish text."""
    lines = base.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines)))
        piece = draw(
            st.one_of(
                st.text(max_size=40),
                st.sampled_from(['[site]', '[languages]', 'targets = []', 'targets = ["xx"]',
                                 'source = ["en", "en"]', '"en:es" = "nope"', 'default = 5',
                                 '[engines.apertium]', 'timeout = -1', 'keep = "x"',
                                 'keep = [1, 2]', '[terms."en:es"]', '"" = ""',
                                 '[terms."zz:qq"]', 'a = {b = [1, {c = "d"}]}',
                                 '[review]', 'idle_minutes = 0', '[limits]', 'article_kb = "x"',
                                 'article_kb = 99999999999999999999', 'x = 1979-05-27T07:32:00Z',
                                 "[[site]]", "= 1", 'base_url = "ftp://x"']),
            )
        )  # fmt: skip
        if draw(st.booleans()) and index < len(lines):
            lines[index] = piece
        else:
            lines.insert(index, piece)
    return "\n".join(lines) + "\n"


@st.composite
def po_text(draw: st.DrawFn, base: str) -> str:
    """The extracted catalogue, cut, with lines or header values changed."""
    text = base
    choice = draw(st.integers(0, 3))
    if choice == 0:  # cut anywhere
        text = text[: draw(st.integers(0, len(text)))]
    elif choice == 1:  # a translation typed by hand, quoting and escapes included
        value = draw(st.text(max_size=40))
        text = text.replace('msgstr ""', f'msgstr "{value}"', draw(st.integers(1, 4)))
    elif choice == 2:  # a header value
        headers = ["Plural-Forms", "Content-Type", "Language", "X-Workflow-Entries"]
        name = draw(st.sampled_from(headers))
        value = draw(
            st.one_of(
                st.text(alphabet=st.characters(blacklist_characters='"\\\n'), max_size=40),
                st.sampled_from(["nplurals=banana;", "nplurals=2; plural=n/0;", "nplurals=1; "
                                 "plural=n;", "text/plain; charset=latin1", "-1", "999999",
                                 "nplurals=2; plural=" + "(" * 300 + "n" + ")" * 300 + ";"]),
            )
        )  # fmt: skip
        text = re.sub(rf'^"{name}: .*\\n"$', f'"{name}: {value}\\\\n"', text, flags=re.M)
    else:  # lines inserted
        lines = text.splitlines()
        for _ in range(draw(st.integers(1, 3))):
            piece = draw(
                st.one_of(
                    st.text(max_size=30),
                    st.sampled_from(['msgid "x"', 'msgstr "y"', '#, fuzzy', '#~ msgid "z"',
                                     'msgctxt "title"', 'msgid_plural "xs"', 'msgstr[0] "a"',
                                     'msgstr[5] "b"', '"continued"', '#| msgid "old"', '']),
                )
            )  # fmt: skip
            lines.insert(draw(st.integers(0, len(lines))), piece)
        text = "\n".join(lines) + "\n"
    return text


# -- the targets -----------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(front=front_matter())
def test_fuzz_front_matter(fresh: Callable[[], Path], front: str) -> None:
    root = fresh()
    _write(root / "articles" / "harbour.md", f"---\n{front}\n---\nA body. Two sentences.\n")
    answer("front matter", root, ("extract",), ("status",))


@FUZZ
@given(body=MARKDOWN)
def test_fuzz_markdown_body(fresh: Callable[[], Path], body: str) -> None:
    root = fresh()
    head = ARTICLE.split("---\n")[1]
    _write(root / "articles" / "harbour.md", f"---\n{head}---\n{body}")
    answer("markdown body", root, ("extract", "--lang", "es"),
           ("translate", "--engine", "pseudo", "--to", "es"),
           ("render", "harbour", "--lang", "es", "--include-fuzzy"))  # fmt: skip


@FUZZ
@given(data=st.data())
def test_fuzz_workflow_toml(fresh: Callable[[], Path], data: st.DataObject) -> None:
    root = fresh()
    _write(root / "workflow.toml", data.draw(toml_text((ROOT / "workflow.toml").read_text())))
    answer("workflow.toml", root, ("extract", "--lang", "es"), ("status",))


@FUZZ
@given(data=st.data())
def test_fuzz_glossary_toml(fresh: Callable[[], Path], data: st.DataObject) -> None:
    root = fresh()
    _write(root / "glossary.toml", data.draw(toml_text((ROOT / "glossary.toml").read_text())))
    answer("glossary.toml", root, ("translate", "--engine", "pseudo", "--to", "es"), ("check",))


@FUZZ
@given(data=st.data())
def test_fuzz_po_file(fresh: Callable[[], Path], data: st.DataObject) -> None:
    root = fresh()
    path = root / "locales" / "es" / "LC_MESSAGES" / "harbour.po"
    _write(path, data.draw(po_text(path.read_text())))
    answer("PO file", root, ("check", "--lang", "es"),
           ("translate", "--engine", "pseudo", "--to", "es"),
           ("render", "harbour", "--lang", "es"), ("extract", "--lang", "es"),
           ("approve", "harbour", "--lang", "es", "--by", "marta"))  # fmt: skip
