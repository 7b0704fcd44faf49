"""Benchmark: publish a generated corpus, side by side with Hugo and Pelican on the same corpus.

Usage::

    .venv/bin/python bench/publish_bench.py            # 1000 articles × 3 languages
    .venv/bin/python bench/publish_bench.py -n 100
    .venv/bin/python bench/publish_bench.py --no-others   # workflow only

Every article is written in English and translated into Spanish and Catalan;
the translations are filled in (as if reviewed) and approved with the real
approval gate, so the site has 3 versions of each article.  Printed for
workflow: a full publish (cold: no cache, empty output), a publish with
nothing changed, and one after editing one article.  The same 3,000 pages
(Markdown bodies, one page per language version with its translations
linked, a front page and a feed per language, a sitemap) are then built by:

* **Hugo** — the Debian package (``apt-get install hugo``), on all cores and
  on one (``taskset -c 0`` and ``GOMAXPROCS=1``); Hugo has no incremental
  build outside its server, so "nothing changed" is a full build again;
* **Pelican** — from PyPI, installed on first use into the bench's own
  virtual environment (``bench/.venv-pelican``, git-ignored), with the
  ``i18n`` translations Pelican has built in (``lang`` and ``translation``).

The machine is shared: check ``uptime`` first and run it when the load is low.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project

from workflow.engines.pseudo import pseudo_localise
from workflow.extract import extract
from workflow.project import Project
from workflow.publish import build
from workflow.release import approve, read_release, release_path

HERE = Path(__file__).resolve().parent
PELICAN_VENV = HERE / ".venv-pelican"
CORPUS_CACHE = HERE / ".publish-corpus"

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ .Language.Lang }}"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}"
 href="{{ .Permalink }}">
{{ end }}</head><body><header><a href="{{ .Site.Home.Permalink }}">{{ .Site.Title }}</a>
<nav>{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">
{{ .Language.LanguageName }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Params.author }} · <time>{{ .Date.Format "2 January 2006" }}</time></p>
{{ .Content }}</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<ol>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ol>{{ end }}
""",
    "index.html": """{{ define "main" }}<ol>{{ range .Site.RegularPages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
""",
}


def rate(seconds: float, pages: int) -> str:
    return f"{seconds:6.2f} s  {pages / seconds:6.0f} pages/s"


def prepare(root: Path) -> Project:
    """Extract every article, translate it (pseudo-localised: every version's text differs,
    as real translations do) and approve it with the real approval gate."""
    (root / "people.toml").write_text('[editor]\nname = "The Editor"\neditor = true\n')
    project = Project.load(root)
    extract(project, [])
    for slug in project.slugs():
        for language in project.config.target_languages[1:]:
            path = project.catalog_path(slug, language)
            po = polib.pofile(str(path))
            for entry in po:
                entry.msgstr = pseudo_localise(entry.msgid)  # stands in for a reviewed one
                entry.tcomment = (
                    "workflow: machine pseudo 2026-01-01\nworkflow: reviewed bench 2026-01-02"
                )
            po.save()
            approve(project, slug, language.tag, "editor")
    return project


def corpus_key(articles: int) -> str:
    """What the prepared corpus depends on: its size, the generator, this script, and the
    code that extracts and approves (the whole package but the publisher and the app)."""
    digest = hashlib.sha256(f"{articles}\n".encode())
    package = HERE.parent / "workflow"
    sources = [
        HERE / "corpus.py",
        Path(__file__).resolve(),
        *sorted(
            p
            for p in package.rglob("*.py")
            if p.relative_to(package).parts[0] not in ("publish", "web", "cli")
        ),
    ]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepared(folder: Path, articles: int) -> tuple[Path, float | None]:
    """A prepared project copied into ``folder``, and the seconds preparing took (None
    when it came from the cache).

    Approving 2,000 versions through the real gate (every quality check on every
    segment, the approved body rendered, each release written) takes minutes, so the
    prepared corpus is kept in ``bench/.publish-corpus/`` (git-ignored) and reused
    while nothing it depends on changed (:func:`corpus_key`).
    """
    cached = CORPUS_CACHE / f"{articles}-{corpus_key(articles)}"
    seconds = None
    if not cached.is_dir():
        for stale in CORPUS_CACHE.glob(f"{articles}-*"):
            shutil.rmtree(stale)
        work = CORPUS_CACHE / f".{articles}-preparing"
        shutil.rmtree(work, ignore_errors=True)
        make_project(work, articles, targets=("es", "ca"))
        print(f"preparing {articles} articles (extract + approve; cached) …", file=sys.stderr)
        start = time.perf_counter()
        prepare(work)
        seconds = time.perf_counter() - start
        shutil.rmtree(work / ".workflow-cache", ignore_errors=True)
        work.rename(cached)
    root = folder / "project"
    shutil.copytree(cached, root)
    return root, seconds


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=cwd, capture_output=True)
    return time.perf_counter() - start


def versions(project: Project) -> list[tuple[str, str, str, str, str]]:
    """(slug, language, title, date, body) of every published version."""
    out = []
    for slug in project.slugs():
        article = project.article(slug)
        meta = article.meta
        out.append((slug, meta.language.tag, meta.title, meta.published.isoformat(), article.body))
        for target in project.targets(article):
            release = read_release(release_path(project, slug, target))
            if release is not None:
                title = release.messages.get(("title", meta.title), meta.title)
                out.append((slug, target.tag, title, meta.published.isoformat(), release.body))
    return out


def hugo_site(project: Project, folder: Path) -> Path:
    languages = [lang.tag for lang in project.config.target_languages]
    config = [
        f'baseURL = "{project.config.base_url}"',
        'title = "Bench"',
        f'defaultContentLanguage = "{languages[0]}"',
        "[languages]",
    ]
    for weight, tag in enumerate(languages, 1):
        config += [f"[languages.{tag}]", f"weight = {weight}", f'languageName = "{tag}"']
    (folder / "hugo.toml").parent.mkdir(parents=True, exist_ok=True)
    (folder / "hugo.toml").write_text("\n".join(config) + "\n")
    for rel, text in HUGO_LAYOUTS.items():
        (folder / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "layouts" / rel).write_text(text)
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    for slug, tag, title, date, body in versions(project):
        front = f'---\ntitle: "{title}"\ndate: {date}\nslug: {slug}\nauthor: "Bench"\n---\n'
        (posts / f"{slug}.{tag}.md").write_text(front + body)
    return folder


def pelican_site(project: Project, folder: Path) -> Path:
    languages = [lang.tag for lang in project.config.target_languages]
    (folder / "content").mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(
        f'SITENAME = "Bench"\nSITEURL = "{project.config.base_url.rstrip("/")}"\n'
        f'DEFAULT_LANG = "{languages[0]}"\nTIMEZONE = "UTC"\n'
        'FEED_ALL_ATOM = "feeds/all.atom.xml"\n'
        'TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"\n'
        "AUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\nCATEGORY_FEED_ATOM = None\n"
        "DEFAULT_PAGINATION = False\nRELATIVE_URLS = True\n"
    )
    for slug, tag, title, date, body in versions(project):
        name = f"{slug}.md" if tag == languages[0] else f"{slug}-{tag}.md"
        head = f"Title: {title}\nDate: {date}\nSlug: {slug}\nLang: {tag}\nAuthor: Bench\n\n"
        (folder / "content" / name).write_text(head + body)
    return folder


def pelican() -> Path | None:
    """The bench's own Pelican (installed from PyPI on first use), or None if it cannot be."""
    binary = PELICAN_VENV / "bin" / "pelican"
    if not binary.exists():
        print("installing Pelican into bench/.venv-pelican (once) …", file=sys.stderr)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(PELICAN_VENV)], check=True)
            subprocess.run(
                [str(PELICAN_VENV / "bin" / "pip"), "install", "-q", "pelican", "markdown"],
                check=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"Pelican could not be installed ({exc}); skipped", file=sys.stderr)
            return None
    return binary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument("--no-others", action="store_true", help="Skip Hugo and Pelican.")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root, prepare_time = prepared(Path(tmp), args.articles)
        project = Project.load(root)

        out = root / "public"
        start = time.perf_counter()
        full = build(project, out)
        full_time = time.perf_counter() - start
        start = time.perf_counter()
        again = build(project, out)
        noop_time = time.perf_counter() - start
        edited = project.article_path(project.slugs()[7])
        edited.write_text(edited.read_text().replace("The council", "The town council", 1))
        start = time.perf_counter()
        one = build(project, out)
        one_time = time.perf_counter() - start
        shutil.rmtree(out)
        shutil.rmtree(root / ".workflow-cache")  # cold again: no rendered bodies, no memory
        start = time.perf_counter()
        subprocess.run(
            ["taskset", "-c", "0", sys.executable, "-c",
             "import sys; from pathlib import Path; from workflow.project import Project; "
             "from workflow.publish import build; build(Project.load(Path(sys.argv[1])), "
             "Path(sys.argv[1]) / 'public')", str(root)],
            check=True,
        )  # fmt: skip
        one_core = time.perf_counter() - start
        pages = full.pages
        rows.append(("workflow publish, full (cold)", rate(full_time, pages)))
        rows.append(("workflow publish, full, one core", rate(one_core, pages)))
        for name, seconds, result in (
            ("workflow publish, nothing changed", noop_time, again),
            ("workflow publish, one article edited", one_time, one),
        ):
            done = f"({result.rendered} pages rendered, {len(result.written)} files written)"
            rows.append((name, f"{seconds:6.2f} s  {done}"))

        if not args.no_others:
            hugo = shutil.which("hugo")
            if hugo is None:
                rows.append(("Hugo", "not installed (Debian: apt-get install hugo)"))
            else:
                site = hugo_site(project, Path(tmp) / "hugo")
                command = [hugo, "--quiet", "-s", str(site), "-d", str(site / "public")]
                all_cores = timed(command)
                again_hugo = timed(command)
                env = {**os.environ, "GOMAXPROCS": "1"}
                single = timed(["taskset", "-c", "0", *command], env=env)
                hugo_pages = sum(1 for _ in (site / "public").rglob("*.html"))
                rows.append(("Hugo, full", rate(all_cores, hugo_pages)))
                rows.append(("Hugo, full, one core", rate(single, hugo_pages)))
                rows.append(("Hugo, nothing changed (full again)", f"{again_hugo:6.2f} s"))
            binary = pelican()
            if binary is not None:
                site = pelican_site(project, Path(tmp) / "pelican")
                command = [str(binary), "content", "-o", "output", "-s", "pelicanconf.py", "-q"]
                elapsed = timed(command, cwd=site)
                pelican_pages = sum(1 for _ in (site / "output").rglob("*.html"))
                rows.append(("Pelican, full", rate(elapsed, pelican_pages)))

    print(f"articles × languages: {args.articles} × 3 ({full.pages} pages); "
          f"preparing (extract + approve): {prepare_time:.1f} s")  # fmt: skip
    load = os.getloadavg()[0]
    print(f"load average when done: {load:.1f} on {os.cpu_count()} cores")
    width = max(len(name) for name, _ in rows)
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")


if __name__ == "__main__":
    main()
