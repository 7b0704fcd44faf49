"""The project on disk: where config, articles and catalogues live.

A project is a folder with ``workflow.toml``; commands find it by walking up
from the working directory (or take ``--project``).  Every path a command
builds from user input goes through :meth:`Project.inside`, so no slug or
language can lead outside the project folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workflow.article import SLUG_RE, Article, read_article
from workflow.config import CONFIG_NAME, Config, load_config
from workflow.errors import ArticleError, ProjectError
from workflow.languages import Language, parse_language

#: The catalogue of the site's own interface strings (``locales/<lang>/LC_MESSAGES/site.po``)
#: is reviewed and approved like an article under this reserved slug.
SITE = "site"
#: The language the site's templates are written in.
SITE_SOURCE = "en"


@dataclass(frozen=True)
class Project:
    """A loaded project: its root folder and validated config."""

    root: Path
    config: Config

    @classmethod
    def load(cls, start: Path | None = None) -> Project:
        """Find ``workflow.toml`` at ``start`` or above and load it."""
        here = (start or Path.cwd()).resolve()
        if not here.is_dir():
            raise ProjectError(f"{start}: no such folder")
        for folder in (here, *here.parents):
            if (folder / CONFIG_NAME).is_file():
                return cls(folder, load_config(folder / CONFIG_NAME))
        raise ProjectError(
            f"no {CONFIG_NAME} in {here} or any folder above it "
            "(run `workflow init` or pass --project)"
        )

    # -- paths ---------------------------------------------------------------

    def inside(self, *parts: str) -> Path:
        """``root/parts…``, refusing anything that resolves outside the project."""
        path = self.root.joinpath(*parts).resolve()
        if path != self.root and self.root not in path.parents:
            raise ProjectError(f"path {'/'.join(parts)!r} leaves the project folder")
        return path

    def relative(self, path: Path) -> str:
        """A path as shown to users and written in references: relative to the root."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    def article_path(self, slug: str) -> Path:
        check_slug(slug)
        return self.inside("articles", f"{slug}.md")

    def catalog_path(self, slug: str, language: Language) -> Path:
        check_slug(slug)
        return self.inside("locales", language.gettext_id, "LC_MESSAGES", f"{slug}.po")

    # -- articles ------------------------------------------------------------

    def slugs(self) -> list[str]:
        """Slugs of every article file, sorted."""
        if not self.articles_dir.is_dir():
            return []
        return sorted(
            p.stem for p in self.articles_dir.glob("*.md") if p.is_file() and p.stem != SITE
        )

    def article(self, slug: str) -> Article:
        """Read one article and check its language against the config."""
        path = self.article_path(slug)
        if slug == SITE:
            raise ArticleError(
                f"articles/{SITE}.md: '{SITE}' is reserved for the site's own strings"
            )
        if not path.exists():
            raise ArticleError(f"articles/{slug}.md: no such article")
        article = read_article(path, self.relative(path), self.config.limits.article_bytes)
        sources = {lang.tag for lang in self.config.source_languages}
        if article.meta.language.tag not in sources:
            raise ArticleError(
                f"{self.relative(path)}: language {article.meta.language.tag!r} is not one of "
                f"the source languages in {CONFIG_NAME} ({', '.join(sorted(sources))})"
            )
        return article

    def select(self, slugs: tuple[str, ...] | list[str]) -> list[str]:
        """The given article slugs (checked to exist) or, if none, every article.

        ``site`` (the site's strings) is not an article: ``select(["site"])`` is
        no article at all, never every article.
        """
        named = [slug for slug in slugs if slug != SITE]
        if not named:
            return [] if slugs else self.slugs()
        slugs = named
        for slug in slugs:
            if not self.article_path(slug).exists():
                raise ArticleError(f"articles/{slug}.md: no such article")
        return list(slugs)

    def targets(self, article: Article, only: tuple[str, ...] = ()) -> list[Language]:
        """Target languages of an article, optionally narrowed to ``only``."""
        targets = list(self.config.targets_for(article.meta.language))
        if only:
            wanted = [parse_language(tag).tag for tag in only]
            known = {t.tag for t in self.config.target_languages}
            for tag in wanted:
                if tag not in known:
                    raise ProjectError(
                        f"language {tag!r} is not a target language in {CONFIG_NAME}"
                    )
            targets = [t for t in targets if t.tag in wanted]
        return targets

    # -- the site's own strings ---------------------------------------------

    def site_languages(self, only: tuple[str, ...] = ()) -> list[Language]:
        """Languages the site's interface is translated into (all but the templates' own)."""
        languages = [lang for lang in self.config.languages if lang.primary != SITE_SOURCE]
        if only:
            wanted = {parse_language(tag).tag for tag in only}
            languages = [lang for lang in languages if lang.tag in wanted]
        return languages

    def catalogues(
        self, slugs: tuple[str, ...] | list[str], only: tuple[str, ...] = ()
    ) -> list[Unit]:
        """Every catalogue the named articles (and ``site``) have, for ``check``-like commands.

        No slugs: every article that is not a draft, and the site's strings.
        """
        units: list[Unit] = []
        for slug in self.select(slugs):
            article = self.article(slug)
            if article.meta.status == "draft":
                continue
            units.extend(
                Unit(slug, article.meta.language, target, self.catalog_path(slug, target))
                for target in self.targets(article, only)
            )
        if not slugs or SITE in slugs:
            source = parse_language(SITE_SOURCE)
            units.extend(
                Unit(SITE, source, target, self.catalog_path(SITE, target))
                for target in self.site_languages(only)
            )
        return units


@dataclass(frozen=True)
class Unit:
    """One catalogue: an article (or ``site``) in one target language."""

    slug: str
    source: Language
    target: Language
    path: Path


def check_slug(slug: str) -> str:
    """A slug is lowercase letters, digits and hyphens: never a path."""
    if not SLUG_RE.match(slug):
        raise ProjectError(f"invalid slug {slug!r}: use lowercase letters, digits and hyphens")
    return slug
