"""Bad input that used to get through: column order, edited member files, the CLI's files, few members, small groups."""

import json
import re
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from skfairpareto import CBAClassifier, TextFeatures, load_member, save_member
from skfairpareto.exceptions import MemberFileError

FRONTS = ("suhnpf", "phn-ls", "fapareto")


@pytest.fixture(scope="module")
def frame(front_data):
    X, y, s = front_data
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]), y, s


# -- column order ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ("cba", *FRONTS))
def test_a_dataframe_in_another_column_order_is_refused(name, frame, make_estimator):
    X, y, s = frame
    est = make_estimator(name).fit(X, y, sensitive_features=s)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the right columns: no "fitted without feature names" warning
        expected = est.predict(X)
    for model in (est, *getattr(est, "front_", [])):
        with pytest.raises(ValueError, match="feature names should match"):
            model.predict(X[X.columns[::-1]])
    assert np.array_equal(est.predict(X), expected)
    if hasattr(est, "front_"):
        with pytest.raises(ValueError, match="feature names should match"):
            est.score_front(X[X.columns[::-1]], y, sensitive_features=s)


@pytest.mark.parametrize("name", ("cba", *FRONTS))
def test_a_text_or_category_column_is_refused_by_name(name, frame, make_estimator):
    X, y, s = frame
    bad = X.assign(colour=pd.Categorical(np.where(X["f0"] > 0, "red", "blue")), city="Oslo")
    with pytest.raises(ValueError, match=r"non-numeric columns \('colour', 'city'\).*OneHotEncoder"):
        make_estimator(name).fit(bad, y, sensitive_features=s)
    # Booleans (pandas.get_dummies' columns) and integers are numbers.
    ok = X.assign(flag=X["f0"] > 0, count=np.arange(len(X)) % 7)
    est = make_estimator(name).fit(ok, y, sensitive_features=s)
    assert est.predict(ok).shape == y.shape
    with pytest.raises(ValueError, match=r"non-numeric columns \('flag'\)"):
        est.predict(ok.assign(flag=np.where(ok["flag"], "yes", "no")))


def test_a_new_ray_checks_the_columns_too(frame, make_estimator):
    X, y, s = frame
    phn = make_estimator("phn-ls").fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="feature names should match"):
        phn.member_at(0.4).predict(X[X.columns[::-1]])


# -- score_front ---------------------------------------------------------------------------------------

def test_score_front_names_unseen_labels_and_wrong_lengths(front_data, make_estimator):
    X, y, s = front_data
    est = make_estimator("phn-ls").fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match=r"labels not seen in fit: \[7\]"):
        est.score_front(X, np.where(y == 1, 7, 0), sensitive_features=s)
    with pytest.raises(ValueError, match=f"X has {len(X)} rows, y has shape \\({len(X) - 1},\\)"):
        est.score_front(X, y[:-1], sensitive_features=s)


# -- member files --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def member_file(front_data, tmp_path_factory):
    X, y, s = front_data
    member = CBAClassifier(alpha=0.5, max_epochs=20, constraints="demographic_parity", random_state=0).fit(
        X, y, sensitive_features=s)
    return save_member(member, tmp_path_factory.mktemp("member") / "m.safetensors"), member


def _edited(path, edit, tmp_path, recompute_checksum):
    tensors = load_tensors(path.read_bytes())
    with safe_open(str(path), framework="pt") as fh:
        metadata = json.loads(fh.metadata()["skfairpareto"])
    edit(tensors, metadata)
    if recompute_checksum:  # what someone who edits the file on purpose would do
        from skfairpareto.persistence import _checksum

        metadata["checksum"] = _checksum(tensors, metadata)
    out = tmp_path / "edited.safetensors"
    out.write_bytes(save_tensors(tensors, metadata={"skfairpareto": json.dumps(metadata)}))
    return out


def _set(key, value):
    return lambda tensors, metadata: metadata.__setitem__(key, value)


def _set_param(key, value):
    return lambda tensors, metadata: metadata["params"].__setitem__(key, value)


EDITS = {
    "nan weight": (lambda t, m: t.__setitem__("layers.0.weight", t["layers.0.weight"] * float("nan")),
                   "hold NaN or infinite values"),
    "swapped classes": (lambda t, m: m["classes"].__setitem__("values", m["classes"]["values"][::-1]),
                        "classes must be sorted"),
    "nan threshold": (_set("threshold", float("nan")), "threshold must be a finite number"),
    "alpha 7": (_set_param("alpha", 7), "'alpha' parameter of CBAClassifier must be"),
    "text scales": (_set("objective_scales", ["a", "b"]), "objective_scales must be positive numbers"),
    "bogus parameter": (_set_param("bogus", 1), r"unknown parameters \['bogus'\]"),
    "no classes": (lambda t, m: m.pop("classes"), r"lacks \['classes'\]"),
    "another head": (_set_param("hidden_layer_sizes", [4]), "weights do not fit the head"),
    "unknown criterion": (_set_param("constraints", {"name": "bogus", "params": {}}), "constraints must name one of"),
    "weight decay auto": (_set_param("weight_decay", "auto"), "weight_decay must be the number the member trained"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
@pytest.mark.parametrize("recompute_checksum", [False, True])
def test_an_edited_member_file_is_one_named_error(edit, recompute_checksum, member_file, tmp_path):
    path, _ = member_file
    change, message = EDITS[edit]
    edited = _edited(path, change, tmp_path, recompute_checksum)
    expected = message if recompute_checksum or edit == "no classes" else "checksum does not match"
    with pytest.raises(MemberFileError, match=expected):
        load_member(edited)


def test_a_flipped_byte_in_the_weights_is_caught(member_file, tmp_path):
    path, _ = member_file
    blob = bytearray(path.read_bytes())
    blob[-3] ^= 0x01  # the last tensor bytes
    (tmp_path / "flipped.safetensors").write_bytes(bytes(blob))
    with pytest.raises(MemberFileError, match="checksum does not match"):
        load_member(tmp_path / "flipped.safetensors")


def test_a_member_file_of_the_previous_format_still_loads(member_file, tmp_path, front_data):
    X, _, _ = front_data
    path, member = member_file

    def older(tensors, metadata):
        for key in ("checksum", "feature_names", "column_names"):
            metadata.pop(key)
        metadata["format"] = "skfairpareto-member/3"

    loaded = load_member(_edited(path, older, tmp_path, recompute_checksum=False))
    assert np.array_equal(loaded.predict_proba(X), member.predict_proba(X))


def test_member_files_keep_the_feature_names(frame, tmp_path):
    X, y, s = frame
    member = CBAClassifier(max_epochs=10, random_state=0).fit(X, y, sensitive_features=s)
    loaded = load_member(save_member(member, tmp_path / "named.safetensors"))
    assert list(loaded.feature_names_in_) == list(X.columns)
    with pytest.raises(ValueError, match="feature names should match"):
        loaded.predict(X[X.columns[::-1]])


# -- many objectives, few members -------------------------------------------------------------------

@pytest.mark.parametrize("name, params", [("fapareto", {"population_size": 2}), ("phn-ls", {"n_members": 1}),
                                          ("phn-epo", {"n_members": 2})])
@pytest.mark.parametrize("objectives", ["two criteria", "per column"])
def test_three_objectives_with_too_few_members_fail_before_training(name, params, objectives, make_estimator,
                                                                    monkeypatch, front_data):
    import skfairpareto.cba

    X, y, s = front_data
    if objectives == "two criteria":
        params = {**params, "constraints": ["true_positive_rate_parity", "false_positive_rate_parity"]}
        sensitive = s
    else:
        params = {**params, "constraints": "true_positive_rate_parity", "sensitive_objectives": "per_column"}
        sensitive = pd.DataFrame({"a": s, "b": np.where(X[:, 2] > 0, "x", "y")})

    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(skfairpareto.cba.CBAClassifier, "_train", no_training)
    key = "population_size" if name == "fapareto" else "n_members"
    with pytest.raises(ValueError, match=f"{key}={params[key]} is too few for 3 objectives"):
        make_estimator(name, **params).fit(X, y, sensitive_features=sensitive)


# -- small groups ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ("cba", *FRONTS))
def test_a_group_of_one_sample_warns_by_name_and_fits(name, front_data, make_estimator):
    X, y, s = front_data
    s = s.astype(object).copy()
    s[5] = "lonely"
    with pytest.warns(UserWarning, match="'lonely'"):
        est = make_estimator(name).fit(X, y, sensitive_features=s)
    assert len(est.predict(X)) == len(X)


def test_a_split_that_cannot_hold_every_cell_names_them(front_data, make_estimator):
    X, y, s = front_data
    with pytest.raises(ValueError, match=r"validation_fraction=0.995 cannot hold out.*\('A', 0\): \d+"):
        make_estimator("phn-ls", validation_fraction=0.995).fit(X, y, sensitive_features=s)


# -- the command line's files ---------------------------------------------------------------------------

GOOD = "text,label,group\n" + "".join(f"text {i},{i % 2},{'ab'[i // 2 % 2]}\n" for i in range(8))
FILES = {
    "missing": (None, "no such file"),
    "empty": ("", "is empty"),
    "header only": ("text,label,group\n", "header but no data rows"),
    "ragged": ("text,label,group\n" + "".join(f"t{i},{i % 2},{'ab'[i % 2]},extra\n" for i in range(8)),
               "line 2: 4 fields where the header has 3"),
    "missing column": (GOOD.replace("group", "dialect"), r"no column\(s\) \['group'\]"),
    "one group": (GOOD.replace(",b\n", ",a\n"), "holds 1 group"),
    "one label": (GOOD.replace(",1,", ",0,"), "needs binary labels, got 1 values"),
    "few rows": ("text,label,group\na,1,x\nb,0,x\nc,1,y\nd,0,y\ne,1,y\n", "too few rows for a split"),
}


@pytest.mark.parametrize("case", sorted(FILES))
def test_a_bad_data_file_is_a_one_line_usage_error_before_any_model(case, tmp_path):
    content, message = FILES[case]
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "skfairpareto", "benchmark", "--data", str(path), "--quiet",
                           "--cache-dir", str(tmp_path / "cache"), "--output-dir", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("skfairpareto: error: ") and re.search(message, lines[0]), \
        proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "cache").exists()  # nothing loaded or embedded
    assert time.perf_counter() - t0 < 60


# -- texts and models -------------------------------------------------------------------------------------

def test_text_features_name_themselves_for_a_bad_text():
    with pytest.raises(TypeError, match="TextFeatures expects strings; element 1 is int"):
        TextFeatures(embedding=False).fit(["a text", 3, "another"])


def test_an_unknown_model_fails_at_once_offline(monkeypatch):
    import huggingface_hub.constants

    from skfairpareto import SentenceEmbedder

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    t0 = time.perf_counter()
    with pytest.raises(OSError, match="'nonexistent/model' is neither a local folder nor in the Hugging Face cache"):
        SentenceEmbedder(model="nonexistent/model", backend="torch").fit_transform(["a", "b"])
    assert time.perf_counter() - t0 < 5
    assert torch.zeros(1).sum() == 0  # torch still fine afterwards


def test_text_features_check_the_model_before_the_lexical_fit(monkeypatch):
    """The lexical part is fitted first (its SVD's memory peak then precedes the model's), so an
    unknown model must be caught before that fit, which takes half a minute on the tweets."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)

    def no_lexical_fit(self):
        raise AssertionError("the lexical part was fitted before the model was checked")

    monkeypatch.setattr(TextFeatures, "_make_lexical", no_lexical_fit)
    with pytest.raises(OSError, match="'nonexistent/model' is neither a local folder"):
        TextFeatures(model="nonexistent/model", n_components=1).fit(["a text", "another text", "a third"])
