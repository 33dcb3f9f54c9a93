"""Every generated table in docs/ matches the results file it is rendered from."""

import importlib.util
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
spec = importlib.util.spec_from_file_location("benchmark_tables", DOCS / "_ext" / "benchmark_tables.py")
tables = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tables)

PAGES = [p for p in sorted(DOCS.glob("*.md")) if "<!-- generated:" in p.read_text()]


def test_some_pages_have_generated_tables():
    assert {p.name for p in PAGES} >= {"benchmarks.md"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_generated_tables_match_their_results_files(page):
    text = page.read_text()
    assert tables.rewrite(text, DOCS / "results") == text, (
        f"{page.name}: a generated table differs from docs/results; run python docs/_ext/benchmark_tables.py")


def test_a_changed_figure_is_caught():
    text = (DOCS / "benchmarks.md").read_text()
    first = tables.BLOCK.search(text)
    tampered = text.replace(first.group(3), first.group(3).replace("0", "9", 1))
    assert tables.rewrite(tampered, DOCS / "results") != tampered


def test_a_block_whose_results_file_is_missing_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"'seeds:nothing'.*seeds_nothing\.json"):
        tables.render("seeds:nothing", tmp_path)


def test_a_setting_is_rendered_beside_the_suites_defaults(tmp_path):
    import json

    def problem(ratio, gap, seeds=(0, 1)):
        return {"seeds": list(seeds), "phn": {"ratio": ratio, "fairest_gap": gap}}
    (tmp_path / "suite.json").write_text(json.dumps({"summary": {"a": problem(1.0, 0.02), "b": problem(4.0, 0.01)}}))
    run = {"estimators": ["phn"], "params": {"n_members": 11}, "wall_seconds": 90.0,
           "summary": {"a": problem(0.5, 0.03), "b": problem(2.0, 0.01)}}
    (tmp_path / "set.json").write_text(json.dumps(run))
    text = tables.render("suite_setting:set.json", tmp_path)
    assert "--set n_members=11 --problems \"a\" \"b\" --output docs/results/set.json`: 1.5 min" in text
    assert "| a | 0.500x (3.0) | 1.000x (2.0) |" in text
    assert "| geometric mean | 1.000x | 2.000x |" in text  # sqrt(0.5 * 2) and sqrt(1 * 4)
    run["summary"]["a"]["seeds"] = [0]
    (tmp_path / "set.json").write_text(json.dumps(run))
    with pytest.raises(ValueError, match="ran 'a' on seeds"):
        tables.render("suite_setting:set.json", tmp_path)


def test_fit_time_names_the_machine_and_the_same_grid_row_when_recorded():
    import json

    d = json.loads((DOCS / "results" / "fit_time.json").read_text())
    d.pop("cpu", None), d.pop("float32_fingerprint", None), d.pop("cba_same_grid", None)
    plain = "\n".join(tables.fit_time(d))
    assert "Machine:" not in plain and "baseline's grid" not in plain
    d.update(cpu="Some CPU", float32_fingerprint="0123456789abcdef",
             cba_same_grid={"alphas": [1.0, 0.5, 0.0], "baseline_s": 9.0, "new_s": 3.0, "speedup": 3.0,
                            "speedup_with_import": 2.5})
    text = "\n".join(tables.fit_time(d))
    assert "Machine: Some CPU, float32 fingerprint 0123456789abcdef." in text
    assert "On the baseline's grid (3 `alpha`), this version's CBA fit takes 3.0 s against 9.0 s: 3.00x (2.50x" in text


def test_a_fit_time_run_of_its_own_names_its_output(tmp_path):
    """``fit_time:FILE`` renders another run (another machine's) with the --output that wrote it."""
    import json

    d = json.loads((DOCS / "results" / "fit_time.json").read_text())
    d.update(cpu="Other CPU", repeats=1)
    (tmp_path / "fit_time_other.json").write_text(json.dumps(d))
    text = tables.render("fit_time:fit_time_other.json", tmp_path)
    assert "--repeats 1 --output docs/results/fit_time_other.json`" in text
    assert "Machine: Other CPU" in text
    assert "--output" not in "\n".join(tables.fit_time(d))  # the default file's own command


def test_a_whole_suite_run_of_its_own_names_its_output(tmp_path):
    """``suite:FILE`` renders another whole run of the suite (another machine's) from its own file."""
    import json

    d = json.loads((DOCS / "results" / "suite.json").read_text())
    (tmp_path / "suite_other.json").write_text(json.dumps(d))
    text = tables.render("suite:suite_other.json", tmp_path)
    assert text.startswith("`python benchmarks/bench_suite.py --output docs/results/suite_other.json`: ")
    assert "(`docs/results/suite_other.json`)" in text
    assert text.split("\n", 1)[1] == "\n".join(tables.suite(d)).split("\n", 1)[1] + "\n"  # the same tables
