"""A generated newsroom corpus for benchmarks: N articles of ~1,000 words.

Text is made from a fixed vocabulary with a seeded random generator, so every
run measures the same corpus.  Articles carry the Markdown a real one does:
subheadings, lists, quotes, links, emphasis and a table.
"""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = [
    "The council",
    "The harbour authority",
    "A local fisherman",
    "The mayor",
    "The new plan",
    "Residents of the old town",
    "The regional government",
    "The fish market",
    "The port",
    "A group of teachers",
    "The opposition",
    "The budget committee",
    "Shop owners",
]
VERBS = [
    "approved",
    "rejected",
    "questioned",
    "welcomed",
    "delayed",
    "funded",
    "criticised",
    "presented",
    "discussed",
    "reviewed",
    "supported",
    "announced",
]
OBJECTS = [
    "the harbour project",
    "a new bus line",
    "the school budget",
    "the parking plan",
    "the market renovation",
    "a public consultation",
    "the cycling lanes",
    "the tax increase",
    "the new promenade",
    "the housing report",
    "the water supply contract",
    "the festival",
]
TAILS = [
    "on Monday",
    "after a long debate",
    "by a narrow margin",
    "for the second time this year",
    "despite strong protests",
    "without much discussion",
    "at the request of residents",
    "in the town hall",
    "before the summer break",
    "according to the minutes",
]


def sentence(rng: random.Random) -> str:
    words = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    if rng.random() < 0.15:
        words += f", and {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} it"
    if rng.random() < 0.1:
        words = words.replace(" the ", " the *new* ", 1)
    if rng.random() < 0.08:
        words += f" ([details](https://example.org/doc/{rng.randint(1, 9999)}))"
    return words + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def article(rng: random.Random, index: int) -> str:
    parts = [
        "---",
        f"title: Report number {index} on the harbour",
        "subtitle: What the council decided this week",
        "kind: News",
        "author: Bench Writer",
        f"published: 2024-{1 + index % 12:02d}-{1 + index % 28:02d}",
        "language: en",
        "status: ready",
        "---",
        paragraph(rng, 5),
        "",
    ]
    words = 0
    section = 0
    while words < 1000:
        section += 1
        parts += [f"## Part {section}: {rng.choice(OBJECTS)}", "", paragraph(rng, 6), ""]
        if section % 2 == 0:
            parts += [f"- {sentence(rng)}" for _ in range(4)] + [""]
        if section % 3 == 0:
            parts += [f"> {sentence(rng)} {sentence(rng)}", ""]
        words = sum(len(p.split()) for p in parts)
    parts += ["| Item | Cost |", "|---|---|", "| Harbour wall | 12 million |", ""]
    return "\n".join(parts)


def make_project(root: Path, count: int, targets: tuple[str, ...] = ("es", "ca")) -> Path:
    """Write a project with ``count`` generated English articles into ``root``."""
    rng = random.Random(1234)
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "locales").mkdir(exist_ok=True)
    langs = ", ".join(f'"{t}"' for t in ("en", *targets))
    (root / "workflow.toml").write_text(
        f'[site]\nname = "Bench"\nbase_url = "https://bench.example.org/"\n'
        f'[languages]\nsource = ["en"]\ntargets = [{langs}]\n'
    )
    for index in range(count):
        (root / "articles" / f"article-{index:05d}.md").write_text(article(rng, index))
    return root
