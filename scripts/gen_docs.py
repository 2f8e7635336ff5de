"""Regenerate README's Flow field reference from the schema table (`make docs`)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pulumi_pushsmm.schema import markdown_reference

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- flow-reference:start -->", "<!-- flow-reference:end -->"


def render(readme: str) -> str:
    """README with the reference block replaced by the table's current rendering."""
    block = f"{START}\n{markdown_reference()}\n{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, readme, flags=re.S)


if __name__ == "__main__":
    text = README.read_text()
    if START not in text:
        sys.exit(f"README.md has no {START} marker")
    README.write_text(render(text))
