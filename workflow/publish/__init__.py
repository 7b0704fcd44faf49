"""Stage 4: the multilingual static site (``workflow publish``).

A build reads like a recipe (:func:`build`): collect the published versions,
render articles, front pages, the root page, feeds, the sitemap and
robots.txt, check the result, write what changed.  Translations come from
approved releases (the ``.mo`` files) only, never from the working ``.po``;
a source-language article is always published (unless it is a draft).

Output is deterministic (no build timestamps), and files are rewritten only
when their content changed.  Builds are incremental (:mod:`.incremental`): a
publish with nothing new reads and renders nothing, and one edited article
renders only its own pages and the indexes, feeds and sitemaps, byte for byte
as a clean build would.
"""

from workflow.errors import PublishError
from workflow.publish.build import BuildResult, build

__all__ = ["BuildResult", "PublishError", "build"]
