"""Images: every referenced file must exist, and every ``<img>`` says its size.

Articles name images in two places: the front matter's ``image.src`` (a file
in ``articles/media/``) and Markdown images in the body (``![alt](media/x.jpg)``,
relative to ``articles/``).  A reference to a missing file fails the build,
naming the article and the file: a page that silently loses its lead image
also loses its reviewed caption.  Width and height come from the file itself
(Pillow reads only the header; SVG from its ``width``/``height`` or
``viewBox``), so the browser reserves the space and nothing shifts as it loads.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

#: ``<img src="…"`` as markdown-it writes it (raw HTML is off, so every <img> is ours).
_IMG = re.compile(r'<img src="([^"]*)"')
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|/)", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")


def image_size(path: Path) -> tuple[int, int] | None:
    """``(width, height)`` in CSS pixels, or None when the file says nothing usable."""
    if path.suffix.lower() == ".svg":
        return _svg_size(path)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError):
        return None


def _svg_size(path: Path) -> tuple[int, int] | None:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None
    width, height = (_LENGTH.match(root.get(k, "")) for k in ("width", "height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = root.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            return None
    return None


class Media:
    """The project's ``articles/media`` folder, with sizes read once per file."""

    def __init__(self, articles: Path) -> None:
        self.articles = articles
        self.folder = articles / "media"
        self._sizes: dict[str, tuple[int, int] | None] = {}
        self.problems: list[str] = []
        #: Every image file consulted (its absence counts too): what a page depends on.
        self.used: set[Path] = set()

    def size(self, rel: str) -> tuple[int, int] | None:
        """Size of ``media/<rel>``; None if the file is missing (noted as a problem by callers)."""
        if rel not in self._sizes:
            path = (self.folder / rel).resolve()
            self.used.add(path)
            inside = self.folder.resolve() in path.parents
            self._sizes[rel] = image_size(path) if inside and path.is_file() else None
        return self._sizes[rel]

    def exists(self, rel: str) -> bool:
        path = (self.folder / rel).resolve()
        self.used.add(path)
        return self.folder.resolve() in path.parents and path.is_file()

    def lead(self, where: str, src: str) -> tuple[int, int] | None:
        """The front matter image: its size, or a problem naming the article and file."""
        if not self.exists(src):
            self.problems.append(f"{where}: image {src!r} (front matter) is not in articles/media/")
            return None
        return self.size(src)

    def body(self, where: str, text: str, prefix: str) -> str:
        """Point the body's local images at ``prefix + media/…`` and give each its size."""

        def fix(match: re.Match[str]) -> str:
            src = match.group(1)
            if _REMOTE.match(src):
                return match.group(0)
            rel = src.removeprefix("./")  # as markdown-it escaped it: kept as is in the page
            name = html.unescape(rel).removeprefix("media/")
            if not rel.startswith("media/") or not self.exists(name):
                self.problems.append(f"{where}: image {src!r} (body) is not in articles/media/")
                return match.group(0)
            size = self.size(name)
            dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
            return f'<img src="{prefix}{rel}"{dims}'

        return _IMG.sub(fix, text)
