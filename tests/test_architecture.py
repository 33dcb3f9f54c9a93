"""The package's layers: every import runs downwards through a declared order, and in no circle."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "skfairpareto"

#: The layers, from the bottom (docs/design.md, "Layers"). A module imports only modules of lower
#: layers, or of its own subpackage (``embedding/``, ``solvers/``, ...), without a circle.
LAYERS = [
    ("foundations", ["exceptions", "_utils", "_docs"]),
    ("solvers and data", ["solvers", "datasets"]),
    ("objectives", ["objectives"]),
    ("criteria and heads", ["criteria", "heads"]),
    ("validation, metrics, splits", ["_validation", "metrics", "model_selection"]),
    ("skorch nets and prediction", ["_net", "_classifier"]),
    ("selection and plots", ["_selection", "plotting", "mixture"]),
    ("one head", ["cba"]),
    ("the shared front base and persistence", ["base", "persistence"]),
    ("front estimators", ["suhnpf", "phn", "fapareto"]),
    ("reports", ["dashboard"]),
    ("embeddings", ["embedding"]),
    ("text features and scaling out", ["features", "distributed"]),
    ("the main job", ["benchmark"]),
    ("command line", ["_cli"]),
    ("entry points", ["__main__", ""]),
]


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name):
    path = PACKAGE.parent / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(path):
    """Every module of the package that ``path`` imports, at module level or inside functions.

    ``from package import submodule`` imports the submodule (and runs the package's ``__init__``,
    which here only re-exports its own submodules), so it counts as an import of the submodule.
    """
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
            submodules = {f"{target}.{a.name}" for a in node.names if _is_module(f"{target}.{a.name}")}
            found |= submodules if len(submodules) == len(node.names) else submodules | {target}
    return found


def _graph():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def _layer(module):
    """(index, unit) of a module: its layer, and the top-level module or subpackage it belongs to."""
    unit = module.removeprefix("skfairpareto").removeprefix(".").split(".")[0]
    for index, (_, units) in enumerate(LAYERS):
        if unit in units:
            return index, unit
    raise AssertionError(f"{module} belongs to no declared layer: add it to LAYERS (and docs/design.md)")


def test_imports_run_downwards_through_the_declared_layers():
    graph = _graph()
    assert "skfairpareto.benchmark" in graph["skfairpareto._cli"]  # the walk sees real imports
    upward = []
    for module, imported in graph.items():
        layer, unit = _layer(module)
        for other in imported:
            other_layer, other_unit = _layer(other)
            if other_unit != unit and other_layer >= layer:
                upward.append(f"{module} ({LAYERS[layer][0]}) imports {other} ({LAYERS[other_layer][0]})")
    assert not upward, "\n".join(upward)


def test_no_import_circle_among_the_packages_modules():
    graph = _graph()
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import circle: {' -> '.join(exc.args[1])}") from None
    assert len(order) == len(graph)


def test_base_imports_no_estimator():
    assert not {m for m in _graph()["skfairpareto.base"]
                if m.split(".")[1] in ("cba", "suhnpf", "phn", "fapareto")}


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
