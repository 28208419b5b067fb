"""Write Leichte-Sprache texts into the de_X-ls catalogues (every catalogue holding the msgid).

    python tools/ls_fill.py texts.json   # {"German msgid": "Leichte Sprache", ...}

A helper for translators: it keeps the .po layout that makemessages writes; compile
afterwards (``compilemessages -l de_X-ls``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "openjobcenter"


def po_quote(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def fill(texts: dict[str, str]) -> int:
    done = 0
    for path in sorted(PACKAGE.glob("**/locale/de_X-ls/LC_MESSAGES/django.po")):
        blocks = path.read_text(encoding="utf-8").split("\n\n")
        changed = False
        for i, block in enumerate(blocks):
            lines = block.splitlines()
            msgid, key = "", ""
            for line in lines:
                m = re.match(r'^(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d\])\s+(".*")$', line)
                if m:
                    key = m.group(1)
                    if key == "msgid":
                        msgid = json.loads(m.group(2))
                    continue
                if line.startswith('"') and key == "msgid":
                    msgid += json.loads(line)
            if not msgid or msgid not in texts or "msgid_plural" in block:
                continue
            head = [
                ln
                for ln in lines
                if not ln.startswith("msgstr")
                and not (
                    ln.startswith('"')
                    and any(x.startswith("msgstr") for x in lines[: lines.index(ln)])
                )
            ]
            blocks[i] = "\n".join([*head, "msgstr " + po_quote(texts[msgid])])
            changed = True
            done += 1
        if changed:
            path.write_text("\n\n".join(blocks), encoding="utf-8")
    return done


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sys.stdout.write(f"{fill(data)} entries written\n")
