"""Sphinx configuration of the documentation site.

Build it with ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` after
``pip install -e ".[docs]"``. The Markdown pages are read by myst-parser and stay readable on
their own; the API reference is generated from the numpydoc docstrings; the gallery runs
``examples/`` on small data (``SKFAIRPARETO_EXAMPLE_N``).
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import skfairpareto  # noqa: E402
from offline_inventories import build_inventories  # noqa: E402

project = "skfairpareto"
author = "the skfairpareto developers"
copyright = "2026, the skfairpareto developers"
release = version = skfairpareto.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
root_doc = "index"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# README.md is the folder's index when the pages are read on GitHub; index.rst is the site's.
exclude_patterns = ["_build", "README.md", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "auto_examples/*.md5"]
templates_path = ["_templates"]

# -- Markdown ---------------------------------------------------------------------------------
myst_heading_anchors = 3  # the pages link to each other's sections as GitHub does
myst_enable_extensions = ["dollarmath"]

# -- API reference ------------------------------------------------------------------------------
autosummary_generate = True
# Members inherited from this package's own bases (a front's predict, select, ...), not those of
# scikit-learn's, torch's or skorch's classes: their pages document those.
autodoc_default_options = {"inherited-members": "BaseEstimator,ClassifierMixin,TransformerMixin,Module,NeuralNet,"
                                                "NeuralNetClassifier,_MetadataRequester,_SetOutputMixin,"
                                                "ClassNamePrefixFeaturesOutMixin,OneToOneFeatureMixin,"
                                                "MetaEstimatorMixin,object,dict,Exception,RuntimeError,"
                                                "ValueError,OSError,tuple"}
autodoc_inherit_docstrings = False  # torch's forward() docs refer to torch's own pages
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False



def skip_routing_setters(app, what, name, obj, skip, options):
    """scikit-learn generates ``set_{method}_request`` on every estimator; its docstrings point
    into scikit-learn's glossary. docs/fronts.md documents routing instead."""
    return True if name.startswith("set_") and name.endswith("_request") else skip


def setup(app):
    app.connect("autodoc-skip-member", skip_routing_setters)


# -- Links to the projects this one builds on ---------------------------------------------------
intersphinx_mapping = build_inventories(HERE / "_build" / "inventories")

nitpicky = True
# Words of numpydoc type lines and third-party names no inventory lists: each entry says why.
nitpick_ignore_regex = [
    # numpydoc type vocabulary ("array-like of shape (n, k)", "default=...") is prose, not a name.
    (r"py:class", r"(array-like|array|ndarray|shape|of|or|default.*|optional|callable|sequence|path-like|"
                  r"int|float|str|bool|dict|list|tuple|None|object|iterable|generator|scalar|"
                  r"instance|RandomState instance|\{.*|.*\}|\(.*|.*\)|n_.*|\.\.\.)"),
]

# -- Gallery ------------------------------------------------------------------------------------
os.environ.setdefault("SKFAIRPARETO_EXAMPLE_N", "2000")  # enough tweets for a front worth looking at
# The dashboard example writes its page where the site serves static files (docs/dashboard.md embeds it).
GENERATED_STATIC = HERE / "_build" / "generated_static"
GENERATED_STATIC.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("SKFAIRPARETO_DASHBOARD", str(GENERATED_STATIC / "dashboard.html"))
sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "plot_gallery": "True",
    "doc_module": ("skfairpareto",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skfairpareto": None},
}

# -- HTML ---------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skfairpareto {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_static_path = [str(GENERATED_STATIC)]
