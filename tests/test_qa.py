"""Quality checks: a passing and a failing example for each."""

from __future__ import annotations

import polib
import pytest

from workflow.cldr import english_name
from workflow.glossary import Glossary
from workflow.qa import CHECKS, ERROR, WARNING, check_catalog, run_checks, silenced

GLOSSARY = Glossary(keep=("Joan Puig",), terms={("en", "es"): {"town council": "ayuntamiento"}})


def names(source: str, translation: str, target: str = "es", source_tag: str = "en") -> list[str]:
    return [f.check for f in run_checks(source, translation, source_tag, target, GLOSSARY)]


CASES = [
    # (check, source, good translation, bad translation, target)
    (
        "placeholders",
        "The <g1>council</g1> met <x2/>.",
        "El <g1>consejo</g1> se reunió <x2/>.",
        "El consejo se reunió <x2/>.",
        "es",
    ),
    ("markup", "The council met.", "El consejo se reunió.", "El **consejo** se reunió.", "es"),
    (
        "numbers",
        "It cost 4.5 million in 2019.",
        "Costó 4,5 millones en 2019.",
        "Costó 5 millones en 2019.",
        "es",
    ),
    (
        "urls",
        "See https://example.org/plan for details.",
        "Véase https://example.org/plan.",
        "Véase https://example.org/plano.",
        "es",
    ),
    ("glossary", "Joan Puig spoke.", "Joan Puig habló.", "Juan Puig habló.", "es"),
    (
        "terms",
        "The town council met.",
        "El ayuntamiento se reunió.",
        "El consejo municipal se reunió.",
        "es",
    ),
    (
        "untranslated",
        "The council met today.",
        "El consejo se reunió hoy.",
        "The council met today.",
        "es",
    ),
    ("whitespace", "The council met.", "El consejo se reunió.", "El consejo  se reunió.", "es"),
    (
        "punctuation",
        "Did the council meet?",
        "¿Se reunió el consejo?",
        "¿Se reunió el consejo.",
        "es",
    ),
    (
        "brackets",
        "The plan (approved) is new.",
        "El plan (aprobado) es nuevo.",
        "El plan (aprobado es nuevo.",
        "es",
    ),
    ("quotes", 'He said "no" twice.', "Dijo “no” dos veces.", "Dijo «no» dos veces.", "es"),
    (
        "decimals",
        "It cost €10.5 million.",
        "Costó 10,5 millones de euros.",
        "Costó 10.5 millones de euros.",
        "es",
    ),
    ("doubled", "The council met.", "El consejo se reunió.", "El el consejo se reunió.", "es"),
    (
        "length",
        "The council met on Monday to vote.",
        "El consejo se reunió el lunes para votar.",
        "Sí.",
        "es",
    ),
]


def test_every_check_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(CHECKS)


@pytest.mark.parametrize(
    ("name", "source", "good", "bad", "target"), CASES, ids=[c[0] for c in CASES]
)
def test_check_passes_good_and_catches_bad(
    name: str, source: str, good: str, bad: str, target: str
) -> None:
    assert name not in names(source, good, target)
    findings = [f for f in run_checks(source, bad, "en", target, GLOSSARY) if f.check == name]
    assert findings, f"{name} missed {bad!r}"
    assert findings[0].severity == CHECKS[name][0]
    assert "\n" not in findings[0].message


@pytest.mark.parametrize(
    ("target", "good", "bad"),
    [
        ("de", "Er sagte „nein“ zweimal.", "Er sagte “nein” zweimal."),
        ("de", "Er sagte „Sie sagte ‚nein‘“ laut.", "Er sagte «nein» laut."),
        ("fr", "Il a dit « non » deux fois.", "Il a dit “non” deux fois."),
        ("es", "Dijo “no” dos veces.", 'Dijo "no" dos veces.'),
        ("es", "Dijo “ella dijo ‘no’” dos veces.", "Dijo „no“ dos veces."),
        ("ca", "Va dir «no» dues vegades.", "Va dir „no“ dues vegades."),
    ],
)
def test_locale_quotation_marks(target: str, good: str, bad: str) -> None:
    source = 'He said "no" twice.'
    assert "quotes" not in names(source, good, target)
    (finding,) = [f for f in run_checks(source, bad, "en", target) if f.check == "quotes"]
    assert dict(finding.params)["language"] == target
    assert f"are not {english_name(target)}'s" in finding.message


def test_placeholder_problems_are_named() -> None:
    messages = [
        str(f) for f in run_checks("<g1>a</g1> <x2/>", "</g1>a<g1> <x2/> <x2/>", "en", "es")
    ]
    assert "error placeholders: <x2/> is duplicated" in messages
    assert "error placeholders: </g1> comes before its opening tag" in messages
    missing = [str(f) for f in run_checks("<g1>a</g1> <x2/>", "a", "en", "es")]
    assert missing == [  # in the source's order: the opening tag first
        "error placeholders: <g1> is missing",
        "error placeholders: </g1> is missing",
        "error placeholders: <x2/> is missing",
    ]


def test_numbers_ignore_locale_separators_but_not_values() -> None:
    assert "numbers" not in names("1,000 people, 3.5%", "1.000 personas, 3,5 %")
    assert "numbers" in names("1,000 people", "10.000 personas")


def test_names_only_segment_is_not_untranslated() -> None:
    assert "untranslated" not in names("Joan Puig", "Joan Puig")


def test_empty_translation_has_no_findings() -> None:
    assert run_checks("The council met.", "", "en", "es") == []


def test_errors_come_first() -> None:
    findings = run_checks("It cost 4 euros.", "Costó  5 euros", "en", "es")
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=lambda s: s != ERROR)
    assert ERROR in severities and WARNING in severities


def test_silenced_checks_are_reported_apart() -> None:
    po = polib.POFile()
    entry = polib.POEntry(
        msgid="It cost 4 euros.", msgstr="Costó cuatro euros.", occurrences=[("a.md", "3")]
    )
    entry.tcomment = "workflow: silence numbers: written out in Spanish style (ana 2024-01-01)"
    po.append(entry)
    assert silenced(entry) == {"numbers": "written out in Spanish style (ana 2024-01-01)"}
    (report,) = check_catalog(po, "en", "es")
    assert report.errors == [] and report.silenced == ("numbers",)


@pytest.mark.parametrize(
    ("source_tag", "target", "source", "translation", "warned"),
    [
        ("en", "es", "It grew 2.5 and 10.25 points.", "Creció 2.5 y 10,25 puntos.", ["2.5"]),
        ("en", "es-MX", "It grew 2.5 points.", "Creció 2.5 puntos.", []),  # Mexico writes 2.5
        ("de", "en", "Es kostet 2,5 Mio.", "It costs 2,5 million.", ["2,5"]),
        ("en", "es", "1.500 fans and 1,500 more.", "1.500 aficionados y 1,500 más.", []),
        ("en", "es", "Version 2.5.1 is out.", "Sale la versión 2.5.1.", []),  # not a decimal
        ("en", "ca", "It fell 3.5%.", "Va baixar un 3,5 %.", []),
        ("en", "xx-invalid", "It fell 3.5%.", "3.5%", []),  # no opinion without CLDR data
    ],
)
def test_decimals_follow_the_target_locale(
    source_tag: str, target: str, source: str, translation: str, warned: list[str]
) -> None:
    found = [
        f for f in run_checks(source, translation, source_tag, target) if f.check == "decimals"
    ]
    assert [dict(f.params)["number"] for f in found] == warned
    if found:
        assert found[0].severity == WARNING and "writes decimals with" in found[0].message


@pytest.mark.parametrize(
    ("source_tag", "target", "source", "translation", "ok"),
    [
        (
            "en",
            "es",
            "It will invest $350 billion.",
            "Invertirá 350.000 millones de dólares.",
            True,
        ),
        ("en", "es", "It cost $1.8 billion.", "Costó 1.800 millones de dólares.", True),
        ("de", "en", "Es kostet 2,5 Mrd. Euro.", "It costs 2.5 billion euros.", True),
        ("es", "en", "Costó 350.000 millones.", "It cost 350 billion.", True),
        ("en", "es", "It cost 10 million.", "Costó 100 millones.", False),  # ten times: wrong
        ("en", "es", "350 people came.", "Vinieron 350.000 personas.", False),  # no scale word
    ],
)
def test_a_number_told_at_another_scale_is_the_same_number(
    source_tag: str, target: str, source: str, translation: str, ok: bool
) -> None:
    found = [f for f in run_checks(source, translation, source_tag, target) if f.check == "numbers"]
    assert (not found) == ok, found


@pytest.mark.parametrize(
    ("target", "translation", "flagged"),
    [
        ("ca", "Va costar 1,8 bilions de dòlars.", "bilions"),  # Apertium's draft
        ("es", "Costó 1,8 billones de dólares.", "billones"),
        ("ca", "Va costar 1.800 milions de dòlars.", ""),
        ("de", "Es kostete 1,8 Milliarden Dollar.", ""),
        ("fr", "Cela a coûté 1,8 milliard de dollars.", ""),
    ],
)
def test_an_english_billion_is_not_a_million_million(
    target: str, translation: str, flagged: str
) -> None:
    found = [
        f
        for f in run_checks("It cost $1.8 billion.", translation, "en", target)
        if f.check == "numbers"
    ]
    assert [dict(f.params)["word"] for f in found] == ([flagged] if flagged else [])
    assert "numbers" not in names("It cost $2 trillion.", "Costó 2 billones de dólares.")
