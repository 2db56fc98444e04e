"""``python -m sparselearn --compile`` compiles every capability's kernels and reports them."""

import re

from sparselearn.__main__ import main


def test_compile_runs_every_capability(capsys):
    from sparselearn._compile import CAPABILITIES

    assert main(["--compile"]) == 0
    out = capsys.readouterr().out
    rows = dict(re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[2:])
    assert set(rows) == {capability for capability, _ in CAPABILITIES}
    assert all(value.endswith(" s") and float(value[:-2]) >= 0 for value in rows.values())


def test_unknown_arguments_are_refused(capsys):
    assert main(["--compiel"]) == 2
    assert "usage" in capsys.readouterr().err
