"""workflow: a newsroom's multilingual translation and publishing system.

An article is written once in Markdown, cut into sentence segments kept in
gettext catalogues, machine translated, reviewed, approved and published.
"""

__version__ = "0.1.0"
