import json
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.integration


def test_main_job_end_to_end_on_subsample(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "skfairpareto", "--n-samples", "300", "--alphas", "1", "0.5",
           "--suhnpf-points", "3", "--cache-dir", str(tmp_path / "cache"), "--output-dir", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "CBAClassifier" in proc.stdout and "hypervolume" in proc.stdout
    payload = json.loads((out / "results.json").read_text())
    assert payload["n_tweets"] == 300
    methods = [r["method"] for r in payload["rows"]]
    assert methods.count("CBAClassifier") == 2 and "SUHNPF member" in methods
    for r in payload["rows"]:
        assert 0 <= r["accuracy"] <= 1 and np.isfinite(r["gap"])
        assert r["gap"] == pytest.approx(abs(r["accuracy_AAE"] - r["accuracy_SAE"]))
    assert (out / "fronts.png").stat().st_size > 1000


def test_cli_rejects_bad_alpha(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "skfairpareto", "--alphas", "2"], capture_output=True, text=True)
    assert proc.returncode != 0 and "--alphas must lie in [0, 1]" in proc.stderr
