"""``tanji engine …`` end to end, in process, on the datapackages of ``conftest.py``."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tanji import __version__
from tanji.cli.demo import demo_system
from tanji.cli.main import main
from tanji.engine import Engine

from .datapackages import ACTIVITIES, CH4, CO2, HAND_FOOTPRINTS, dense

Run = tuple[int, str, str]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> Run:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def montecarlo_json(
    capsys: pytest.CaptureFixture[str], database: Path, method: Path, *options: str
) -> dict[str, Any]:
    code, out, err = run(capsys, "engine", "montecarlo", database, method, *options)
    assert code == 0, err
    payload: dict[str, Any] = json.loads(out)
    return payload


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"{__version__}\n", "")


def test_footprints_writes_one_row_per_activity(
    capsys: pytest.CaptureFixture[str], database: Path, method: Path, tmp_path: Path
) -> None:
    out_csv = tmp_path / "footprints.csv"

    code, _, err = run(capsys, "engine", "footprints", database, method, "-o", out_csv)

    assert code == 0, err
    header, *rows = read_csv(out_csv)
    assert header == ["activity_id", "score"]
    assert [int(r[0]) for r in rows] == list(ACTIVITIES)
    scores = np.array([float(r[1]) for r in rows])
    np.testing.assert_allclose(scores, list(HAND_FOOTPRINTS.values()), rtol=1e-12)
    np.testing.assert_allclose(scores, dense().footprints(), rtol=1e-12)


def test_footprints_with_the_method_chosen_among_two(
    capsys: pytest.CaptureFixture[str], database: Path, two_methods: Path, tmp_path: Path
) -> None:
    out_csv = tmp_path / "methane.csv"

    code, _, err = run(
        capsys, "engine", "footprints", database, two_methods, "-m", "methane", "-o", out_csv
    )

    assert code == 0, err
    matrices = dense()
    methane_only = np.linalg.solve(matrices.A.T, matrices.B.T @ np.array([0.0, 1.0, 0.0]))
    scores = [float(r[1]) for r in read_csv(out_csv)[1:]]
    np.testing.assert_allclose(scores, methane_only, rtol=1e-12)


def test_lca_reports_score_and_top_contributors(
    capsys: pytest.CaptureFixture[str], database: Path, method: Path
) -> None:
    code, out, err = run(capsys, "engine", "lca", database, method, "--demand", "3=2")

    assert code == 0, err
    payload = json.loads(out)
    assert payload["method"] == "gwp"
    assert payload["demand"] == {"3": 2.0}
    assert payload["score"] == pytest.approx(2 * 5.375, rel=1e-12)
    # Supply for 2 units of 3: s = (2·5.2/0.96, 2·(2 + 0.4·5.2/0.96), 2); direct = q·s.
    activities = {c["key"]: c["score"] for c in payload["top_activities"]}
    assert activities == pytest.approx({1: 0.5 * 10.4 / 0.96, 2: 0.4 * 2 * 25 / 6, 3: 2.0})
    flows = {c["key"]: c["score"] for c in payload["top_flows"]}
    assert flows == pytest.approx({CO2: 8.25, CH4: 2.5})
    assert sum(c["share"] for c in payload["top_flows"]) == pytest.approx(1.0)


def test_lca_top_limits_the_lists_and_output_writes_a_file(
    capsys: pytest.CaptureFixture[str], database: Path, method: Path, tmp_path: Path
) -> None:
    out_json = tmp_path / "lca.json"

    code, out, _ = run(
        capsys, "engine", "lca", database, method, "-d", "3=1", "--top", "1", "-o", out_json
    )

    assert (code, out) == (0, "")
    payload = json.loads(out_json.read_text(encoding="utf-8"))
    assert payload["score"] == pytest.approx(5.375, rel=1e-12)
    assert [c["key"] for c in payload["top_activities"]] == [1]
    assert [c["key"] for c in payload["top_flows"]] == [CO2]


def test_montecarlo_demand_gives_summary_and_every_score(
    capsys: pytest.CaptureFixture[str], database: Path, method: Path
) -> None:
    payload = montecarlo_json(capsys, database, method, "-d", "3=1", "-n", "200", "-s", "7")

    scores = np.array(payload["scores"])
    summary = payload["summary"]
    assert len(scores) == 200
    assert (payload["iterations"], payload["seed"]) == (200, 7)
    assert summary["mean"] == pytest.approx(scores.mean(), rel=1e-12)
    assert summary["median"] == pytest.approx(np.median(scores), rel=1e-12)
    assert summary["std"] == pytest.approx(scores.std(ddof=1), rel=1e-12)
    assert summary["gsd"] == pytest.approx(np.exp(np.log(scores).std(ddof=1)), rel=1e-12)
    assert summary["p2_5"] < summary["median"] < summary["p97_5"]
    assert summary["median"] == pytest.approx(HAND_FOOTPRINTS[3], rel=0.05)
    assert 1.0 < summary["gsd"] < 1.3  # σ = 0.1 on every exchange


def test_montecarlo_is_reproducible_with_a_seed(
    capsys: pytest.CaptureFixture[str], database: Path, method: Path
) -> None:
    options = ("-d", "3=1", "-n", "50")
    first = montecarlo_json(capsys, database, method, *options, "-s", "1")
    again = montecarlo_json(capsys, database, method, *options, "-s", "1")
    other = montecarlo_json(capsys, database, method, *options, "-s", "2")

    assert first["scores"] == again["scores"]
    assert first["summary"] == again["summary"]
    assert first["scores"] != other["scores"]


def test_montecarlo_all_writes_a_summary_per_activity(
    capsys: pytest.CaptureFixture[str], database: Path, method: Path, tmp_path: Path
) -> None:
    out_csv = tmp_path / "all.csv"

    code, _, err = run(
        capsys, "engine", "montecarlo", database, method, "--all", "-n", "200", "-s", "3",
        "-o", out_csv,
    )  # fmt: skip

    assert code == 0, err
    header, *rows = read_csv(out_csv)
    assert header == ["activity_id", "mean", "median", "p2_5", "p97_5", "gsd"]
    assert [int(r[0]) for r in rows] == list(ACTIVITIES)
    for row in rows:
        _, mean, median, low, high, gsd = (float(v) for v in row)
        assert low < median < high
        assert low < mean < high
        assert median == pytest.approx(HAND_FOOTPRINTS[int(row[0])], rel=0.05)
        assert 1.0 < gsd < 1.3


def test_demo_prints_the_score(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "engine", "demo")

    assert code == 0
    line = re.search(r"^Footprint of 1 kWh of LFP cell: (\d+\.\d{3}) kg CO2e", out, re.M)
    assert line is not None
    expected = Engine().lca(demo_system(), {20: 1.0}, "ipcc-ar6-gwp100").score
    assert line.group(1) == f"{expected:.3f}"
    assert "Monte Carlo, 2,000 iterations, seed 42" in out
