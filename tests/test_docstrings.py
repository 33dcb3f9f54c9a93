"""numpydoc sections of the public classes: every parameter documented on its own line."""

import inspect

import pytest
from numpydoc.docscrape import ClassDoc

import skfairpareto
from skfairpareto.criteria import CRITERIA

CLASSES = [getattr(skfairpareto, name) for name in skfairpareto.__all__ if inspect.isclass(getattr(skfairpareto, name))]
CLASSES += [c for c in CRITERIA.values() if c not in CLASSES]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_parameter_and_attribute_has_its_own_entry(cls):
    doc = ClassDoc(cls)
    documented = [p.name for p in doc["Parameters"]]
    own = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "args", "kwargs")]
    if cls is skfairpareto.BaseParetoClassifier:  # the parameters its subclasses share
        own = list(skfairpareto.BaseParetoClassifier._parameter_constraints)
    assert sorted(documented) == sorted(own), cls
    for section in ("Parameters", "Attributes"):
        for entry in doc[section]:
            assert "," not in entry.name, f"grouped {section} entry {entry.name!r} in {cls.__name__}"
            assert "".join(entry.desc).strip(), f"empty {section} entry {entry.name!r} in {cls.__name__}"
