"""Quality checks pinned down branch by branch: every way each check can fire, its
exact message, and the cases it must let through.  Each test fails on a fault a
mutation run found unnoticed (``scripts/mutation qa``)."""

from __future__ import annotations

import polib
import pytest

from workflow.cldr import QUOTES
from workflow.glossary import Glossary
from workflow.qa import CHECKS, check_catalog, run_checks, silenced

GLOSSARY = Glossary(
    keep=("Joan Puig", "The Harbour Review"),
    terms={("en", "es"): {"town council": "ayuntamiento"}},
)


def found(
    source: str,
    translation: str,
    target: str = "es",
    check: str | None = None,
    source_tag: str = "en",
) -> list[str]:
    """The messages of one check (or ``check: message`` of every check)."""
    findings = run_checks(source, translation, source_tag, target, GLOSSARY)
    if check is None:
        return [f"{f.check}: {f.message}" for f in findings]
    return [f.message for f in findings if f.check == check]


# --- placeholders and markup -------------------------------------------------------


def test_placeholder_findings_name_each_token() -> None:
    source = "The <g1>council</g1> met <x2/>."
    assert found(source, "El consejo se reunió <x2/>.", check="placeholders") == [
        "<g1> is missing",  # in the source's order
        "</g1> is missing",
    ]
    assert found(source, "El <g1>consejo</g1> se reunió <x3/>.", check="placeholders") == [
        "<x2/> is missing",
        "<x3/> is not in the source",
    ]
    assert found(source, "El <g1>consejo</g1> se reunió <x2/> <x2/>.", check="placeholders") == [
        "<x2/> is duplicated"
    ]
    assert found(source, "El </g1>consejo<g1> se reunió <x2/>.", check="placeholders") == [
        "</g1> comes before its opening tag"
    ]
    assert found(source, "<x2/>: el <g1>consejo</g1> se reunió.", check="placeholders") == []


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("El <b>consejo</b> se reunió.", "'<b>'"),
        ("El [consejo](https://example.org) se reunió.", "']('"),
        ("El *consejo* se reunió.", "'*c'"),
        ("El __consejo__ se reunió.", "'__c'"),
        ("El `consejo` se reunió.", "'`c'"),
        ("El consejo ![foto] se reunió.", "'!['"),
    ],
)
def test_each_kind_of_typed_markup_is_an_error(typed: str, shown: str) -> None:
    assert found("The council met.", typed, check="markup") == [
        f"Markdown or HTML typed into the translation: {shown}"
    ]


def test_markup_already_in_the_source_and_escaped_markup_pass() -> None:
    assert found("The *council* met.", "El *consejo* se reunió.", check="markup") == []
    assert found("The council met.", r"El \*consejo se reunió.", check="markup") == []
    assert found("The <g1>council</g1> met.", "El <g1>consejo</g1>.", check="markup") == []


# --- numbers and URLs ------------------------------------------------------------------


def test_numbers_message_names_missing_and_extra_values() -> None:
    assert found("It cost 4.5 million in 2019.", "Costó 5 millones en 2019.", check="numbers") == [
        "numbers differ: missing 45; not in the source 5"
    ]
    assert found("In 2019 and 2020.", "En 2019.", check="numbers") == [
        "numbers differ: missing 2020"
    ]
    assert found("In 2019.", "En 2019 y 2020.", check="numbers") == [
        "numbers differ: not in the source 2020"
    ]
    assert found("In 2019, 2020 and 2021.", "En 2021.", check="numbers") == [
        "numbers differ: missing 2019, 2020"
    ]
    assert found("In 2021.", "En 2019, 2020 y 2021.", check="numbers") == [
        "numbers differ: not in the source 2019, 2020"
    ]
    assert found("Rooms 3 and 3.", "Salas 3 y 4.", check="numbers") == [
        "numbers differ: missing 3; not in the source 4"
    ]


@pytest.mark.parametrize(
    "translation",
    [
        "Costó 10 000 euros.",  # no-break space
        "Costó 10\u202f000 euros.",  # narrow no-break space
        "Costó 10.000 euros.",
        "Costó 10'000 euros.",
    ],
)
def test_numbers_ignore_every_thousands_separator(translation: str) -> None:
    assert found("It cost 10,000 euros.", translation, check="numbers") == []


def test_a_list_of_numbers_is_several_numbers() -> None:
    assert found("In 2019, 2020 and 2021.", "En 2019, 2020 y 2021.", check="numbers") == []
    assert found("In 2019, 2020 and 2021.", "En 2019 y 2020 y 2021.", check="numbers") == []
    assert found("Pages 3, 4.", "Páginas 3, 5.", check="numbers") == [
        "numbers differ: missing 4; not in the source 5"
    ]


def test_placeholder_digits_are_not_numbers() -> None:
    assert found("The <g1>council</g1> met.", "El <g1>consejo</g1> se reunió.") == []


def test_urls_missing_changed_added_and_emails() -> None:
    source = "See https://example.org/plan or write to desk@example.org."
    assert found(source, "Véase el plan o escriba a desk@example.org.", check="urls") == [
        "https://example.org/plan is missing or changed"
    ]
    assert found(source, "Véase https://example.org/plan o escriba.", check="urls") == [
        "desk@example.org is missing or changed"
    ]
    assert found("See the plan.", "Véase www.example.org/plan (en inglés).", check="urls") == [
        "www.example.org/plan is not in the source"
    ]
    assert found(source, "Escriba a desk@example.org o vea https://example.org/plan.") == []


def test_url_ends_before_trailing_punctuation() -> None:
    assert (
        found("Read https://example.org/a.", "Lea https://example.org/a, por favor.", check="urls")
        == []
    )


# --- glossary and terms ----------------------------------------------------------------


def test_glossary_names_are_matched_as_whole_words() -> None:
    assert found("Joan Puig spoke.", "Juan Puig habló.", check="glossary") == [
        "'Joan Puig' must stay as it is"
    ]
    assert found("Joan Puigdemont spoke.", "Juan Puigdemont habló.", check="glossary") == []
    assert found("XJoan Puig spoke.", "XJuan Puig habló.", check="glossary") == []
    assert found(
        "Joan Puig read The Harbour Review.", "Joan Puig leyó la revista.", check="glossary"
    ) == ["'The Harbour Review' must stay as it is"]


def test_forced_terms_are_matched_regardless_of_case() -> None:
    assert found("The Town Council met.", "El Ayuntamiento se reunió.", check="terms") == []
    assert found("The Town Council met.", "El consejo se reunió.", check="terms") == [
        "'town council' should be translated as 'ayuntamiento'"
    ]
    assert found("The town councils met.", "Los consejos se reunieron.", check="terms") == []
    # terms belong to a language pair
    assert found("The town council met.", "El consell es va reunir.", "ca", check="terms") == []


# --- untranslated, whitespace, punctuation -----------------------------------------------


def test_untranslated_needs_two_words_with_letters_that_are_not_all_names() -> None:
    assert found("Council met.", "Council met.", check="untranslated") == [
        "translation is identical to the source"
    ]
    assert found("Council.", "Council.", check="untranslated") == []
    assert found("2019 2020", "2019 2020", check="untranslated") == []
    assert found("Joan Puig", "Joan Puig", check="untranslated") == []
    assert found("Joan Puig spoke", "Joan Puig spoke", check="untranslated") == [
        "translation is identical to the source"
    ]
    # words of the names, not pieces of them: "our" and "view" are not names
    assert found("Harbour Review", "Harbour Review", check="untranslated") == []
    assert found("our view", "our view", check="untranslated") == [
        "translation is identical to the source"
    ]
    # placeholders are not words
    assert found("<g1>Council</g1> <x2/>", "<g1>Council</g1> <x2/>", check="untranslated") == []


def test_whitespace_leading_trailing_and_double_spaces() -> None:
    assert found("The vote.", " La votación.", check="whitespace") == [
        "leading whitespace differs from the source"
    ]
    assert found("The vote.", "La votación. ", check="whitespace") == [
        "trailing whitespace differs from the source"
    ]
    assert found(" The vote. ", " La votación. ", check="whitespace") == []
    assert found("The  vote.", "La  votación.", check="whitespace") == []
    assert found("The vote.", "La  votación.", check="whitespace") == ["double space"]


@pytest.mark.parametrize(
    ("source", "translation", "message"),
    [
        ("Did it?", "¿Lo hizo.", "ends with '.', the source with '?'"),
        ("It did.", "Lo hizo", "ends with nothing, the source with '.'"),
        ("It did", "Lo hizo!", "ends with '!', the source with nothing"),
        ("Note:", "Nota;", "ends with ';', the source with ':'"),
    ],
)
def test_punctuation_message(source: str, translation: str, message: str) -> None:
    assert found(source, translation, check="punctuation") == [message]


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("Wait...", "Espera…"),
        ("Wait…", "Espera..."),
        ("He came.", "来た。"),
        ("He came!", "来た！"),
        ("He came?", "来た？"),
        ('He said "no."', "Dijo «no.»"),
        ("(He came.)", "(Vino.)"),
        ("He <g1>came</g1>.", "Él <g1>vino</g1>."),
        ("The vote.<x1/>", "La votación.<x1/>"),
    ],
)
def test_punctuation_equivalents_pass(source: str, translation: str) -> None:
    assert found(source, translation, check="punctuation") == []


# --- brackets, quotes, doubled words, length -----------------------------------------------


@pytest.mark.parametrize(
    ("translation", "message"),
    [
        ("El plan) es nuevo.", "unbalanced ')'"),
        ("El plan (aprobado] es nuevo.", "unbalanced ']'"),
        ("El plan [aprobado} es) nuevo.", "unbalanced '}'"),
        ("El plan {aprobado es nuevo.", "unclosed '{'"),
        ("El plan (a [b es nuevo.", "unclosed '['"),
    ],
)
def test_brackets_report_the_first_problem(translation: str, message: str) -> None:
    assert found("The plan is new.", translation, check="brackets") == [message]


def test_nested_brackets_pass() -> None:
    assert found("The plan.", "El plan ([{a}] b).", check="brackets") == []


def test_quotes_wrong_marks_name_the_locales_own() -> None:
    assert found('He said "no".', "Dijo «no».", check="quotes") == [
        "quotation marks « » are not Spanish's (“…”, inside ‘…’)"
    ]
    assert found('He said "no".', "Er sagte “nein”.", "de", check="quotes") == [
        "quotation marks ” are not German's („…“, inside ‚…‘)"
    ]


def test_apostrophes_are_not_quotation_marks() -> None:
    assert found("The council's plan.", "El pla de l'ajuntament.", "ca", check="quotes") == []
    assert found("Rock 'n' roll.", "Rock 'n' roll.", "es", check="quotes") == []


def test_the_locales_own_quotes_must_be_balanced() -> None:
    assert found('He said "no".', "Dijo “no.", check="quotes") == ["unbalanced “…”"]
    assert found("He said 'no'.", "Dijo ‘no.", check="quotes") == ["unbalanced ‘…’"]
    assert found('He said "no".', "Il a dit « non.", "fr", check="quotes") == ["unbalanced «…»"]
    assert found('He said "no".', 'Dijo "no.', check="quotes") == [
        "quotation marks \" are not Spanish's (“…”, inside ‘…’)"
    ]


def test_straight_quotes_in_a_language_without_a_table_only_need_balance() -> None:
    assert "eu" not in QUOTES
    assert found('He said "no".', 'Esan zuen "ez".', "eu", check="quotes") == []
    assert found('He said "no".', "Esan zuen «ez».", "eu", check="quotes") == []
    assert found('He said "no".', 'Esan zuen "ez.', "eu", check="quotes") == ['unbalanced "']


def test_region_tags_use_their_languages_rules() -> None:
    assert found('He said "no".', "Dijo «no».", "es-ES", check="quotes") == [
        "quotation marks « » are not Spanish's (“…”, inside ‘…’)"
    ]
    assert found('He said "no".', "Ele disse “não”.", "pt-BR", check="quotes") == []
    assert found('He said "no".', "Er sagte “nein”.", "de-CH", check="quotes") != []


def test_doubled_words_new_in_the_translation() -> None:
    assert found("The council met.", "El El consejo se reunió.", check="doubled") == [
        "doubled word 'el'"
    ]
    assert found("It was very very close.", "Fue muy muy ajustada.", check="doubled") == [
        "doubled word 'muy'"
    ]
    assert found("Bora bora is far.", "Bora Bora está lejos.", check="doubled") == []
    assert found("Rooms 10 10.", "Salas 10 10.", check="doubled") == []
    assert found("The <g1>el</g1> el.", "El <g1>a</g1> b c.", check="doubled") == []


@pytest.mark.parametrize(
    ("source_length", "target_length", "flagged"),
    [
        (20, 8, False),  # 0.4: the shortest allowed
        (20, 7, True),
        (20, 50, False),  # 2.5: the longest allowed
        (20, 51, True),
        (19, 1, False),  # short sources are never measured
    ],
)
def test_length_ratio_bounds(source_length: int, target_length: int, flagged: bool) -> None:
    source, target = "s" * source_length, "t" * target_length
    messages = found(source, target, check="length")
    assert messages == (
        [f"{target_length} characters for {source_length} in the source"] if flagged else []
    )


def test_length_ignores_placeholders_and_surrounding_space() -> None:
    source = "<g1>" + "s" * 20 + "</g1>   "
    assert found(source, "<g1>" + "t" * 8 + "</g1>   ", check="length") == []


# --- running checks, silencing, whole catalogues -------------------------------------------


SAMPLES = [
    ("The <g1>plan</g1> (new) costs 4 at https://a.org.", "El plan) cuesta 5 en https://b.org"),
    ('He said "no" .', " Dijo «no»  no no."),
    ("Joan Puig and the town council agreed.", "Juan Puig y el consejo **acordaron**?"),
    ("A long enough sentence here.", "Sí"),
    ("Write to a@b.org today.", "Escriba hoy."),
    ('He said "yes".', 'Dijo "sí.'),
    ('He said "yes".', "Dijo “sí."),
]


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [(*s, "es") for s in SAMPLES]
    + [
        ("The vote.", "La votación. ", "es"),  # trailing whitespace
        ('He said "no".', 'Esan zuen "ez.', "eu"),  # unbalanced straight quotes, no table
    ],
)
def test_every_finding_carries_its_checks_severity(
    source: str, translation: str, target: str
) -> None:
    findings = run_checks(source, translation, "en", target, GLOSSARY)
    assert findings
    assert all(f.severity == CHECKS[f.check][0] for f in findings)


def test_findings_are_sorted_errors_first_then_by_check_name() -> None:
    assert [f.split(":")[0] for f in found("It cost 4 euros (net).", "Costó  5 euros (neto")] == [
        "numbers",
        "brackets",
        "punctuation",
        "whitespace",
    ]


def test_skipped_checks_do_not_run() -> None:
    findings = run_checks("It cost 4.", "Costó  5", "en", "es", skip=("numbers", "whitespace"))
    assert [f.check for f in findings] == ["punctuation"]


def test_silenced_reads_every_silence_note() -> None:
    entry = polib.POEntry(
        msgid="a",
        msgstr="b",
        tcomment="own note\nworkflow: silence numbers :  written out (ana 2024)\n"
        "workflow: reviewed ana 2024\nworkflow: silence length: a headline: short (bo 2024)\n"
        "silence quotes: not a workflow note",
    )
    assert silenced(entry) == {
        "numbers": "written out (ana 2024)",
        "length": "a headline: short (bo 2024)",
    }
    assert silenced(polib.POEntry(msgid="a", msgstr="b")) == {}


def test_an_untranslated_entry_does_not_hide_later_findings() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Not yet.", msgstr="", occurrences=[("a.md", "2")]))
    po.append(polib.POEntry(msgid="Old 1.", msgstr="Viejo 2.", obsolete=True))
    po.append(polib.POEntry(msgid="Fine.", msgstr="Bien.", occurrences=[("a.md", "3")]))
    po.append(polib.POEntry(msgid="It cost 4.", msgstr="Costó 5.", occurrences=[("a.md", "4")]))
    po.append(polib.POEntry(msgid="Joan Puig spoke.", msgstr="Juan Puig habló."))
    reports = check_catalog(po, "en", "es", GLOSSARY)
    assert [(r.line, r.msgid) for r in reports] == [("4", "It cost 4."), ("?", "Joan Puig spoke.")]
    assert [f.check for f in reports[0].findings] == ["numbers"]
    assert [f.check for f in reports[0].errors] == ["numbers"]
    assert [f.check for f in reports[1].errors] == ["glossary"]
    assert reports[0].silenced == ()


def test_catalogue_check_uses_the_glossary_and_keeps_warnings_apart() -> None:
    po = polib.POFile()
    entry = polib.POEntry(
        msgid="The town council met on Monday 4.",
        msgstr="El consejo se reunió el lunes 5",
        occurrences=[("a.md", "7"), ("a.md", "9")],
        tcomment="workflow: silence numbers: a date (ana 2024)\n"
        "workflow: silence punctuation: style (ana 2024)",
    )
    po.append(entry)
    (report,) = check_catalog(po, "en", "es", GLOSSARY)
    assert report.line == "7"
    assert [f.check for f in report.findings] == ["terms"]
    assert report.errors == []
    assert report.silenced == ("numbers", "punctuation")
    assert check_catalog(po, "en", "es") != []  # a catalogue checks without a glossary too


# --- numbers at another scale, the English billion, decimals by region (second run) -------


def numbers(source: str, translation: str, target: str = "es", source_tag: str = "en") -> list:
    return [
        (f.severity, f.message)
        for f in run_checks(source, translation, source_tag, target)
        if f.check == "numbers"
    ]


def test_a_false_billion_is_an_error_naming_the_word_the_language_and_the_right_one() -> None:
    assert numbers("It cost $1.8 billion.", "Va costar 1,8 bilions de dòlars.", "ca") == [
        ("error", "“bilions” is a million million in Catalan: a billion is “mil milions”")
    ]
    assert numbers("Billions went to it.", "Billones fueron a ello.") == [
        ("error", "“Billones” is a million million in Spanish: a billion is “mil millones”")
    ]


@pytest.mark.parametrize(
    ("source_tag", "source", "translation"),
    [
        ("fr", "Un billion d'euros.", "Un billón de euros."),  # French: a million million too
        ("en", "It cost 2 billion and 3 trillion.", "Costó 2.000 millones y 3 billones."),
        ("en", "It cost 2 million.", "Costó 2 millones, no billones."),  # no billion to mistake
    ],
)
def test_a_long_scale_word_is_only_wrong_for_an_english_billion(
    source_tag: str, source: str, translation: str
) -> None:
    assert numbers(source, translation, source_tag=source_tag) == []


@pytest.mark.parametrize(
    ("source", "translation", "problem"),
    [
        ("It cost $0.5 billion.", "Costó 500 millones de dólares.", None),
        ("It cost 2.5 billion euros.", "Costó 2.500.000.000 euros.", None),  # one side scaled
        ("$350 billion and $20 billion.", "350.000 millones y 20.000 millones.", None),
        ("$350 billion and $350 billion.", "350.000 millones y 350.000 millones.", None),
        (
            "It cost $3 billion.",
            "Costó 7.000 millones de dólares.",
            "missing 3; not in the source 7000",
        ),
        ("It cost 0 billion.", "Costó 0 millones.", None),  # the same digits: nothing to rescale
        (
            "It cost 3 billion and 3 people came.",
            "Costó 3.000 millones y vinieron 3.000.",  # the people are not at a scale
            "missing 3; not in the source 3000",
        ),
        ("2 billion, 2 billion.", "2.000 millones, 2.000 millones.", None),
        ("It has 4.1 million people.", "Tiene 4.100.000 habitantes.", None),  # 4099999.9999…
        (
            "It cost 3 billion; 3 were left.",
            "Costó 3.000 millones; quedaron 3; y 3.000 millones más.",
            "not in the source 3000",  # the 3 left is there, as 3: the second 3.000 is extra
        ),
    ],
)
def test_each_number_told_at_another_scale_is_matched_once(
    source: str, translation: str, problem: str | None
) -> None:
    assert numbers(source, translation) == (
        [] if problem is None else [("error", f"numbers differ: {problem}")]
    )


@pytest.mark.parametrize(
    ("target", "translation", "warned"),
    [
        ("es-MX", "Son 10.5 metros.", False),  # Mexican Spanish writes a decimal point
        ("es-ES", "Son 10.5 metros.", True),
        ("pt-BR", "São 10.5 metros.", True),
    ],
)
def test_decimals_follow_the_region_of_a_tag(target: str, translation: str, warned: bool) -> None:
    found = [
        f
        for f in run_checks("It is 10.5 metres.", translation, "en", target)
        if f.check == "decimals"
    ]
    assert bool(found) == warned


def test_numbers_are_read_in_the_notation_of_a_regional_tag() -> None:
    from workflow.numbers import number_value

    assert number_value("1,234.5", "es-MX") == 1234.5
    assert number_value("1.234,5", "es-ES") == 1234.5
    assert number_value("1,5", "xx-YY") is None


def test_a_decimal_in_the_sources_notation_is_named_with_its_fix() -> None:
    assert found("It grew 10.5 % and 3.25 %.", "Creció un 10.5 % y un 3,25 %.", "es-ES") == [
        "decimals: 10.5: Spanish (Spain) writes decimals with ',' (10,5)"
    ]
    assert found("It is 7,25 m.", "Es sind 7,25 m.", "de", source_tag="es") == []  # same mark


def test_the_closing_punctuation_is_read_past_trailing_space_and_quotes() -> None:
    assert found("He left.", "Se fue.  ", check="punctuation") == []
    assert found("He said “no.”", "Dijo «no».", check="punctuation") == []
    assert found("He left.", "Se fue", check="punctuation") != []


def test_a_regional_english_source_has_the_english_billion_too() -> None:
    assert numbers("It cost $1.8 billion.", "Costó 1,8 billones.", "es-ES", "en-GB") == [
        ("error", "“billones” is a million million in Spanish: a billion is “mil millones”")
    ]
