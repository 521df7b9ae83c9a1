"""Keep the Thai catalogue complete.

    python scripts/thai_catalogue.py missing          # msgids with no Thai yet
    python scripts/thai_catalogue.py add FILE         # FILE: "msgid<TAB>Thai" lines

``add`` also drops entries no source uses any more, so the catalogue stays
what the code says (tests/test_i18n.py fails while a msgid lacks Thai).
Run ``make catalog`` afterwards to compile.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "portal/translations/th/LC_MESSAGES/messages.po"


def extracted() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "messages.pot"
        pybabel = Path(sys.executable).parent / "pybabel"
        subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot),
                        "."], cwd=ROOT, check=True, capture_output=True)
        return {m.id: m for m in read_po(pot.open("rb")) if m.id}


def main(argv: list[str]) -> int:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="th")
    wanted = extracted()
    if argv[:1] == ["missing"]:
        for msgid in sorted(wanted):
            message = catalog.get(msgid)
            if message is None or not message.string:
                print(msgid)
        return 0
    if argv[:1] == ["add"] and len(argv) == 2:
        for line in Path(argv[1]).read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                msgid, thai = line.split("\t", 1)
                # Catalog.add keeps an existing entry's string: replace it.
                if catalog.get(msgid) is not None:
                    catalog.delete(msgid)
                catalog.add(msgid, thai, locations=wanted[msgid].locations
                            if msgid in wanted else ())
        for message in list(catalog):
            if message.id and message.id not in wanted:
                catalog.delete(message.id)
        with PO.open("wb") as handle:
            write_po(handle, catalog, width=0, sort_output=False)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
