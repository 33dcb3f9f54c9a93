"""Intersphinx inventories written from the installed packages, so links work without network.

intersphinx downloads each project's ``objects.inv``. The build must also run where only the
package registries can be reached (CI), so this extension writes those inventories itself, at
the start of the build, from the packages installed beside this one: every public class and
function of the modules this documentation refers to, under the URL scheme its project's own
Sphinx site uses (scikit-learn, fairlearn, numpy and torch: one page per object; skorch: one
page per module). pymoo's site has no API pages: its few entries point at the guide pages that
document them. The versions linked are the installed ones, so the links match what the code
uses. Written by hand because no maintained package builds an inventory from introspection.
"""

from __future__ import annotations

import importlib
import inspect
import zlib
from pathlib import Path

#: project -> (base URL, modules to list, URL scheme of an object, package name)
PROJECTS = {
    "sklearn": ("https://scikit-learn.org/stable/",
                ["sklearn", "sklearn.base", "sklearn.pipeline", "sklearn.model_selection", "sklearn.metrics",
                 "sklearn.linear_model", "sklearn.preprocessing", "sklearn.datasets", "sklearn.decomposition", "sklearn.exceptions",
                 "sklearn.feature_extraction.text", "sklearn.utils", "sklearn.utils.validation",
                 "sklearn.utils.metadata_routing", "sklearn.compose"],
                "modules/generated/{name}.html#{name}"),
    "fairlearn": ("https://fairlearn.org/main/",
                  ["fairlearn.metrics", "fairlearn.reductions", "fairlearn.postprocessing",
                   "fairlearn.adversarial"],
                  "api_reference/generated/{name}.html#{name}"),
    "numpy": ("https://numpy.org/doc/stable/", ["numpy", "numpy.random"], "reference/generated/{name}.html#{name}"),
    "torch": ("https://docs.pytorch.org/docs/stable/", ["torch", "torch.nn", "torch.func"],
              "generated/{name}.html#{name}"),
    "skorch": ("https://skorch.readthedocs.io/en/stable/",
               ["skorch", "skorch.net", "skorch.classifier", "skorch.callbacks", "skorch.dataset", "skorch.helper"],
               "{module_page}.html#{name}"),
}
PYMOO = ("https://pymoo.org/", {
    "pymoo.indicators.hv.HV": "misc/indicators.html",
    "pymoo.util.ref_dirs.get_reference_directions": "misc/reference_directions.html",
    "pymoo.algorithms.moo.nsga2.NSGA2": "algorithms/moo/nsga2.html",
    "pymoo.algorithms.moo.nsga3.NSGA3": "algorithms/moo/nsga3.html",
    "pymoo.util.nds.non_dominated_sorting.NonDominatedSorting": "misc/indicators.html",
})


def _entries(project, modules, scheme):
    """``(name, role, uri)`` for every public class and function (and class methods) of ``modules``."""
    seen = set()
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
        for short in names:
            try:
                obj = getattr(module, short, None)
            except ImportError:  # experimental names that need an explicit enabling import
                continue
            if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj) or callable(obj)):
                continue
            if not getattr(obj, "__module__", "") or not str(obj.__module__).startswith(project):
                continue
            public = f"{module_name}.{short}"
            if public in seen:
                continue
            seen.add(public)
            page = module_name.split(".")[1] if project == "skorch" and "." in module_name else "index"
            uri = scheme.format(name=public, module_page=page)
            role = "class" if inspect.isclass(obj) else "function"
            yield public, role, uri
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if not attr.startswith("_") and callable(value):
                        yield f"{public}.{attr}", "method", uri.split("#")[0] + f"#{public}.{attr}"


def write_inventory(path, project, version, entries):
    """Sphinx's inventory format, version 2: a text header and zlib-compressed lines."""
    header = (f"# Sphinx inventory version 2\n# Project: {project}\n# Version: {version}\n"
              "# The remainder of this file is compressed using zlib.\n").encode()
    body = "".join(f"{name} py:{role} 1 {uri} -\n" for name, role, uri in entries).encode()
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(header + zlib.compress(body))
    tmp.replace(path)


def build_inventories(folder):
    """Write one inventory per project into ``folder``; returns Sphinx's ``intersphinx_mapping``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mapping = {}
    for project, (url, modules, scheme) in PROJECTS.items():
        version = getattr(importlib.import_module(project), "__version__", "")
        path = folder / f"{project}.inv"
        write_inventory(path, project, version, list(_entries(project, modules, scheme)))
        mapping[project] = (url, str(path))
    url, pages = PYMOO
    path = folder / "pymoo.inv"
    write_inventory(path, "pymoo", getattr(importlib.import_module("pymoo"), "__version__", ""),
                    [(name, "class" if name.split(".")[-1][0].isupper() else "function", uri)
                     for name, uri in pages.items()])
    mapping["pymoo"] = (url, str(path))
    return mapping
