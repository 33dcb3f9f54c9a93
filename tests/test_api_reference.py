"""The API reference (docs/api.rst) lists every public name of every public module."""

import importlib
import pkgutil
import re
from pathlib import Path

import skfairpareto

API = Path(__file__).resolve().parents[1] / "docs" / "api.rst"


def public_modules():
    """The package and every module or package whose dotted path has no part starting with ``_``."""
    yield skfairpareto
    for info in pkgutil.walk_packages(skfairpareto.__path__, "skfairpareto."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            yield importlib.import_module(info.name)


def documented():
    """(module, name) of every autosummary entry, by the ``currentmodule`` above it."""
    entries, module = [], None
    for line in API.read_text().splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = m.group(1)
        elif module and (m := re.match(r"   ([A-Za-z_][A-Za-z0-9_]*)$", line)):
            entries.append((module, m.group(1)))
    return entries


def test_every_public_module_declares_all():
    assert [m.__name__ for m in public_modules() if not hasattr(m, "__all__")] == []


def test_every_name_in_all_is_on_the_api_page():
    entries = documented()
    paths = {f"{module}.{name}" for module, name in entries}
    objects = {id(getattr(importlib.import_module(module), name)) for module, name in entries}
    missing = []
    for module in public_modules():
        for name in module.__all__:
            obj = getattr(module, name)
            if name in getattr(skfairpareto, "_SUBMODULES", ()) and module is skfairpareto:
                continue  # submodules: their names are checked one by one
            if name == "__version__":
                continue
            if f"{module.__name__}.{name}" not in paths and (isinstance(obj, (str, int, float, tuple, dict))
                                                             or id(obj) not in objects):
                missing.append(f"{module.__name__}.{name}")
    assert missing == []


def test_the_api_page_names_only_what_exists():
    for module, name in documented():
        assert hasattr(importlib.import_module(module), name), f"{module}.{name}"
