"""The code in the user guide runs and prints what the guide says (doctest)."""

import doctest
from pathlib import Path

import pytest

GUIDE = sorted((Path(__file__).resolve().parents[1] / "docs" / "user_guide").glob("*.rst"))


@pytest.mark.parametrize("page", GUIDE, ids=lambda p: p.stem)
def test_user_guide_code_runs(page):
    result = doctest.testfile(str(page), module_relative=False, verbose=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {page}"


def test_every_capability_page_has_code():
    pages = [page for page in GUIDE if page.stem != "index"]
    assert all(">>> " in page.read_text() for page in pages), pages
