"""Every CSV and XLSX file the platform writes goes through soli_dome/exports.py: a second
writer would lose the formula neutralisation and the typed cells (issue 10)."""

import re

from tests.utils import ROOT

WRITER = ROOT / "soli_dome" / "exports.py"
SKIPPED = {".venv", "node_modules", "tests", "migrations", "static", "var"}
WRITING = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|WriteOnlyCell|['\"]text/csv")


def test_no_code_but_the_shared_writer_writes_csv_or_xlsx():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("*.py")
        if path != WRITER and not SKIPPED & set(path.relative_to(ROOT).parts)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WRITING.search(line)
    ]
    assert offenders == [], "use soli_dome.exports instead"
