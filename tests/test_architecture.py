"""The package's layers run one way: no module imports one that (indirectly) imports it back."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "skfairpareto"


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """Every module of the package that ``path`` imports, at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("skfairpareto")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            elif node.module and node.module.startswith("skfairpareto"):
                target = node.module
            else:
                continue
            found.add(target)
            # "from .solvers import pareto" names a submodule, not an attribute.
            found |= {f"{target}.{a.name}" for a in node.names if (PACKAGE.parent / f"{target}.{a.name}".replace(".", "/")).with_suffix(".py").exists()}
    return found


def _graph():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_import_circle_among_the_packages_modules():
    graph = _graph()
    assert "skfairpareto.benchmark" in graph["skfairpareto._cli"]  # the walk sees real imports
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import circle: {' -> '.join(exc.args[1])}") from None
    assert len(order) == len(graph)


def test_solvers_know_nothing_of_text_or_estimators():
    for name, imported in _graph().items():
        if name.startswith("skfairpareto.solvers"):
            outside = {m for m in imported if not m.startswith("skfairpareto.solvers")}
            assert outside <= {"skfairpareto.exceptions"}, (name, outside)


def test_only_the_distributed_module_imports_dask():
    # dask is an optional extra: the rest of the package must import without it.
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(n.split(".")[0] in ("dask", "distributed") for n in names):
                assert path.name == "distributed.py", path
