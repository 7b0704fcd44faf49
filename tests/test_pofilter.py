"""Our checks against Translate Toolkit's pofilter on the same catalogue.

pofilter runs as an external tool (installed with the test extras, not a
dependency of the package).  Each case records where the two agree and where
they differ, and why:

* pofilter compares number *strings*: ``4.5`` and ``4,5`` differ for it; we
  compare digits, so a Spanish decimal comma is not an error.  It also reads
  the digit in our ``<g1>`` placeholders as a number.
* pofilter wants the source's quotation marks kept (``"`` → ``"``); we want
  the target locale's CLDR marks (Spanish “…”), so each flags what the other
  accepts.
* pofilter knows nothing of our placeholders beyond "XML tags"; we also say
  which token is missing, duplicated or out of order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

from workflow.qa import check_catalog

#: pofilter is installed with the test extras next to the running Python.
POFILTER = shutil.which("pofilter", path=str(Path(sys.executable).parent)) or "pofilter"

#: pofilter test → the check of ours that covers the same ground
SAME_GROUND = {
    "numbers": "numbers",
    "urls": "urls",
    "emails": "urls",
    "doublewords": "doubled",
    "endpunc": "punctuation",
    "brackets": "brackets",
    "doublequoting": "quotes",
    "doublespacing": "whitespace",
    "startwhitespace": "whitespace",
    "endwhitespace": "whitespace",
    "unchanged": "untranslated",
    "long": "length",
    "short": "length",
    "xmltags": "placeholders",
}

# (source, translation, flagged by both, only by us, only by pofilter)
CASES = [
    ("It cost 4 million in 2019.", "Costó 5 millones en 2019.", {"numbers"}, set(), set()),
    ("It cost 4.5 million in 2019.", "Costó 4,5 millones en 2019.", set(), set(), {"numbers"}),
    ("The <g1>council</g1> met.", "El consejo se reunió.", {"placeholders"}, set(), {"numbers"}),
    ('He said "no" twice.', "Dijo “no” dos veces.", set(), set(), {"quotes"}),
    ('She said "yes" once.', "Dijo „sí“ una vez.", {"quotes"}, set(), set()),
    ("The council met.", "El el consejo se reunió.", {"doubled"}, set(), set()),
    (
        "See https://example.org/plan now.",
        "Véase https://example.org/plano ahora.",
        {"urls"},
        set(),
        set(),
    ),
    ("Did the council meet?", "¿Se reunió el consejo.", {"punctuation"}, set(), set()),
    ("The plan (approved) is new.", "El plan (aprobado es nuevo.", {"brackets"}, set(), set()),
    ("The council met today.", "The council met today.", {"untranslated"}, set(), set()),
    ("The mayor spoke.", "El alcalde  habló.", {"whitespace"}, set(), set()),
    (
        "Mr. Brown met the council on Monday.",
        "El Sr. Brown se reunió con el consejo el lunes.",
        set(),
        set(),
        set(),
    ),
]


def test_checks_agree_with_pofilter_where_they_should(tmp_path: Path) -> None:
    po = polib.POFile()
    po.metadata = {"Language": "es", "Content-Type": "text/plain; charset=UTF-8"}
    assert len({case[0] for case in CASES}) == len(CASES), "one entry per source"
    for index, (source, translation, *_rest) in enumerate(CASES):
        po.append(
            polib.POEntry(msgid=source, msgstr=translation, occurrences=[("a.md", str(index))])
        )
    path, out = tmp_path / "in.po", tmp_path / "out.po"
    po.save(str(path))
    tests = sorted(SAME_GROUND)
    subprocess.run(
        [POFILTER, "--language=es", "-i", str(path), "-o", str(out), *(f"-t{t}" for t in tests)],
        check=True,
        capture_output=True,
    )
    theirs: dict[str, set[str]] = {}
    for entry in polib.pofile(str(out)):
        names = re.findall(r"\(pofilter\) (\w+):", entry.tcomment or "")
        theirs[entry.msgid] = {SAME_GROUND[n] for n in names}
    ours = {r.msgid: {f.check for f in r.findings} for r in check_catalog(po, "en", "es")}
    for source, _translation, both, only_ours, only_theirs in CASES:
        mine = ours.get(source, set()) & set(SAME_GROUND.values())
        other = theirs.get(source, set())
        assert mine & other == both, source
        assert mine - other == only_ours, source
        assert other - mine == only_theirs, source
