"""Every tests/ path the docs, the Makefile and CI name exists: a moved test cannot leave a stale reference."""

from __future__ import annotations

import re

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.unit

# Where the repository names test files and folders (RELIABILITY.md and docs/pushsmm-api.md also name test
# functions; tests/docs/test_reliability_doc.py and test_api_doc.py check those).
NAMING = ["README.md", "RELIABILITY.md", "docs/pushsmm-api.md", "benchmarks/RESULTS.md", "Makefile", ".ci/run"]
_PATH = re.compile(r"(?<![\w/.])tests/[\w./-]*")


def named_paths() -> list[tuple[str, str]]:
    found = set()
    for doc in NAMING:
        for path in _PATH.findall((ROOT / doc).read_text()):
            found.add((doc, path.rstrip(".")))
    return sorted(found)


@pytest.mark.parametrize(("doc", "path"), named_paths())
def test_each_named_path_exists(doc: str, path: str) -> None:
    assert (ROOT / path).exists(), f"{doc} names {path}, which does not exist"


def test_the_docs_name_test_paths() -> None:
    assert len(named_paths()) > 20
