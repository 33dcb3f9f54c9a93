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
