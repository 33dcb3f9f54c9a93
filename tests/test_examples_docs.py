"""Run every example script and the Python snippets of the docs so they cannot rot."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration


#: Runs a gallery script as sphinx-gallery does and checks that every ``plt.show()`` has a figure.
RUN_EXAMPLE = """
import runpy, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
shown = []
plt.show = lambda *a, **k: (shown.append(len(plt.get_fignums())), plt.close("all"))
runpy.run_path(sys.argv[1], run_name="__main__")
assert shown and all(shown), f"figures at each plt.show(): {shown}"
"""


@pytest.fixture(scope="module")
def example_cache(tmp_path_factory):
    """One embedding cache for every example: the int8 model is exported once."""
    return tmp_path_factory.mktemp("example-cache")


@pytest.mark.parametrize("script", sorted((ROOT / "examples").glob("plot_*.py")), ids=lambda p: p.name)
def test_example_runs_and_shows_its_figures(script, tmp_path, example_cache):
    env = {**os.environ, "SKFAIRPARETO_EXAMPLE_N": "400", "SKFAIRPARETO_CACHE": str(example_cache),
           "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", RUN_EXAMPLE, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]


def _python_blocks(page):
    return re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S)


#: The pages with Python blocks: each block must run (a page without one has nothing to test).
PAGES_WITH_CODE = [page for page in sorted((ROOT / "docs").glob("*.md")) if _python_blocks(page)]


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: p.name)
def test_docs_python_blocks_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for block in _python_blocks(page):
        exec(compile(block, str(page), "exec"), {"__name__": "__docs__"})


def test_readme_use_snippet_runs(tmp_path, monkeypatch):
    """The README's "Use" block, on a 1,100-tweet sample (TextFeatures keeps 512 SVD components) of the data it loads (the code unchanged)."""
    import numpy as np

    from skfairpareto import datasets

    load = datasets.load_hate_speech

    def sample(*args, **kwargs):
        data = load(*args, **kwargs)
        idx = np.random.RandomState(0).permutation(len(data.target))[:1100]
        data.data, data.target = data.data[idx], data.target[idx]
        data.sensitive_features = np.asarray(data.sensitive_features)[idx]
        return data

    monkeypatch.setattr(datasets, "load_hate_speech", sample)
    monkeypatch.setenv("SKFAIRPARETO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    (block,) = re.findall(r"## Use\n.*?```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    import sklearn

    with sklearn.config_context():
        exec(compile(block, "README.md", "exec"), {"__name__": "__readme__"})
    assert (tmp_path / "selected.safetensors").exists()
