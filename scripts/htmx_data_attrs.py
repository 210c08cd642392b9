#!/usr/bin/env python3
"""Rewrite htmx attributes to their valid-HTML form: ``hx-get="…"`` → ``data-hx-get="…"``.

htmx reads both forms; only ``data-*`` attributes are valid HTML (the Nu HTML checker in
tests/browser/test_accessibility.py rejects ``hx-*``). Run it after merging template changes:

    .venv/bin/python scripts/htmx_data_attrs.py          # rewrite in place, print what changed
    .venv/bin/python scripts/htmx_data_attrs.py --check  # exit 1 if anything is left to rewrite

It touches templates, Python (template tags that build HTML, tests that assert on it) and static/js,
and only an ``hx-name`` directly followed by ``=`` that is not already part of a longer name, so HTTP
headers (``HX-Request``) and ``data-hx-*`` are left alone.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRS = ("templates", "core", "frontdesk", "repairs", "billing", "duty", "renovation", "static/js", "tests")
SUFFIXES = {".html", ".py", ".js"}
ATTR = re.compile(r"(?<![\w-])hx-([a-z]+(?:-[a-z]+)*)(?=\s*=)")


def files():
    for top in DIRS:
        base = ROOT / top
        if base.exists():
            yield from (p for p in sorted(base.rglob("*")) if p.suffix in SUFFIXES and p.is_file()
                        and "node_modules" not in p.parts and p.resolve() != Path(__file__).resolve())


def main(argv):
    check = "--check" in argv
    changed = 0
    for path in files():
        text = path.read_text(encoding="utf-8")
        new, count = ATTR.subn(r"data-hx-\1", text)
        if count:
            changed += count
            print(f"{path.relative_to(ROOT)}: {count}")
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and changed:
        print(f"{changed} htmx attributes still in the hx-* form", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
