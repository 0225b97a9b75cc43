"""Smoke test of ``python -m benchmarks.learner_share`` (issue 12, item 4's
measurement) on three corpus programs: the report has its shape, its
numbers add up, the rules of what is counted hold, and the learner's share
is strictly between 0 and 1.  No threshold is asserted: the 80% target is
for the test this tool will become once the seam lets the learner in (see
benchmarks/README.md, "How much of the runtime is the learner's")."""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks import learner_share  # noqa: E402

PROGRAMS = ["waitgroup", "pipeline", "select_timeout"]   # sync, channels, select and timers


def test_learner_share_reports_the_split_on_three_corpus_programs(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    out = tmp_path / "share.json"
    r = subprocess.run([sys.executable, "-m", "benchmarks.learner_share",
                        "--programs", ",".join(PROGRAMS), "--jobs", "2", "--json", str(out)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    doc = json.loads(out.read_text())

    # every program ran strictly on the learner's runtime and printed what Go printed
    assert [p["program"] for p in doc["programs"]] == PROGRAMS
    assert [p["problem"] for p in doc["programs"]] == ["", "", ""], doc["programs"]

    # the totals add up, file by file and kind by kind
    files = doc["files"]
    assert len({f["file"] for f in files}) == len(files)
    assert doc["executed"] == sum(f["executed"] for f in files)
    assert doc["learner"] == sum(f["executed"] for f in files if f["learner"])
    assert doc["reference"] == doc["executed"] - doc["learner"]
    assert sum(k["executed"] for k in doc["kinds"].values()) == doc["executed"]
    assert sum(k["learner"] for k in doc["kinds"].values()) == doc["learner"]
    assert abs(doc["share"] - doc["learner"] / doc["executed"]) < 1e-12
    assert 0 < doc["share"] < 1, doc["share"]
    for f in files:
        assert 0 < f["executed"] <= f["statements"], f

    # what is counted: the reference, gokernel and the work folder, minus the left-out files
    for f in files:
        assert f["file"].startswith(("reference_runtime/", "gokernel/", "my_runtime/")), f
        assert f["learner"] == f["file"].startswith("my_runtime/"), f
        assert f["file"] not in learner_share.OMIT, f
        assert "/.versions/" not in f["file"], f
    names = {f["file"] for f in files}
    assert {"reference_runtime/sched.py", "my_runtime/runq.py",
            "my_runtime/chan_unbuffered.py", "my_runtime/select.py"} <= names, sorted(names)
    for model in ("stack_grow", "hot_split", "gogo"):          # notebooks 01-02's models
        assert f"my_runtime/{model}.py" not in names

    # the glue list is every non-learner file, most statements first
    glue = doc["glue"]
    assert {g["file"] for g in glue} == {f["file"] for f in files if not f["learner"]}
    assert [g["executed"] for g in glue] == sorted((g["executed"] for g in glue), reverse=True)

    # and the text report says the same
    assert f"runtime statements executed: {doc['executed']}" in r.stdout
    assert f"learner's share:             {100 * doc['share']:.1f}%" in r.stdout
    assert glue[0]["file"] in r.stdout


def test_an_unknown_program_is_refused_with_the_known_ones(capsys):
    try:
        learner_share.main(["--programs", "no_such_program"])
    except SystemExit as e:
        assert e.code == 2
    else:
        raise AssertionError("an unknown program was accepted")
    err = capsys.readouterr().err
    assert "no_such_program" in err and "waitgroup" in err
