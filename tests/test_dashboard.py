"""The fairness dashboard, opened in headless Chromium: what it shows is what fairlearn computes."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as fm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

from skfairpareto import PHNParetoClassifier
from skfairpareto.cba import cba_path
from skfairpareto.dashboard import FAIRNESS_METRICS, FairnessDashboard

BROWSER = shutil.which("chromium") and shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(not BROWSER, reason="Debian's chromium and chromium-driver (.ci/run installs them)")


def _problem(seed=0, n=900, n_classes=2):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5)).astype(np.float32)
    dialect = np.where(rng.rand(n) < 0.4, "AAE", "SAE")
    age = np.where(X[:, 3] + rng.normal(size=n) > 0, "old", "young")
    score = X[:, 0] + 0.6 * (dialect == "AAE") + rng.normal(scale=0.5, size=n)
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, n_classes + 1)[1:-1]))
    labels = np.array(["no", "yes"]) if n_classes == 2 else np.array(["hate", "neither", "offensive"])
    return X, labels[y], pd.DataFrame({"dialect": dialect, "age": age})


@pytest.fixture(scope="module")
def binary_board():
    X, y, sf = _problem()
    tr, te = slice(0, 600), slice(600, None)
    phn = PHNParetoClassifier(n_members=5, solver="ls", hnet_max_epochs=20, start_max_epochs=40, random_state=0)
    phn.fit(X[tr], y[tr], sensitive_features=sf["dialect"][tr])
    cba = cba_path(X[tr], y[tr], sensitive_features=sf["dialect"][tr], alphas=[1.0, 0.5, 0.0], max_epochs=30,
                   random_state=0)
    lr = LogisticRegression().fit(X[tr], y[tr])
    models = {"phn": phn, "cba": cba, "logistic regression": lr, "always yes": np.full(300, "yes")}
    board = FairnessDashboard(models, X[te], y[te], sensitive_features=sf.iloc[600:].reset_index(drop=True),
                              n_boot=50)
    return board, y[te], sf.iloc[600:].reset_index(drop=True)


@pytest.fixture
def browser(bench_script):
    driver = bench_script("bench_dashboard").browser(window="1400,1100", log=True)
    yield driver
    driver.quit()


def _open(browser, board, tmp_path):
    path = board.save(tmp_path / "dashboard.html")
    browser.get_log("browser"), browser.get_log("performance")  # start from empty logs
    browser.get(path.resolve().as_uri())
    return path


def _points(browser):
    """The points drawn, with the view zoomed out to every model (it opens on the best ones)."""
    browser.execute_script("window.dashboard.showAll()")
    return browser.execute_script("return document.querySelectorAll('#comparison path.point').length")


def _plotted(browser):
    return browser.execute_script("const d = document.getElementById('comparison').data; "
                                  "const t = d[d.length - 1]; return [t.x, t.y];")


def _table(browser):
    rows = browser.execute_script(
        "return [...document.querySelectorAll('#group-table tr')].slice(1).map("
        "r => [...r.cells].map(c => c.childNodes[0].textContent.trim()))")
    return {r[0]: [float(v) if v != "–" else np.nan for v in r[1:]] for r in rows}


def _select(browser, element, value):
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", element)).select_by_value(str(value))


def _click_model(browser, m):
    from selenium.webdriver.common.action_chains import ActionChains

    _show_all(browser)
    point = browser.execute_script(
        "const pts = document.querySelectorAll('#comparison .scatterlayer .trace:last-child path.point');"
        f"return pts[{m}];")
    ActionChains(browser).move_to_element(point).perform()
    # Click as a person would, once two things hold:
    # - plotly reports a click on the point its (throttled) hover last found, so the hover must
    #   have reached model m;
    # - a mousedown within plotly's doubleClickDelay (500 ms) of the last one is a double-click,
    #   which resets the axes under the pointer and reports no point. A fast machine clicked the
    #   next model 0.3 s after the last and kept showing the previous one (phn[0], not "always yes").
    browser.set_script_timeout(30)
    hovered = browser.execute_async_script(
        "const [m, done] = arguments; const gd = document.getElementById('comparison'); const t0 = Date.now();"
        "const poll = () => { const h = (gd._hoverdata || []).find((p) => p.customdata !== undefined);"
        " const apart = Date.now() - (gd._mouseDownTime || 0) > gd._context.doubleClickDelay + 50;"
        " if (h && h.customdata === m && apart) done(true);"
        " else if (Date.now() - t0 > 10000) done(h ? h.customdata : null); else setTimeout(poll, 20); }; poll();", m)
    assert hovered is True, f"the pointer on model {m}'s marker hovers model {hovered}"
    ActionChains(browser).click().perform()


def _centres(browser):
    return np.array(browser.execute_script(
        "return [...document.querySelectorAll('#comparison .scatterlayer .trace:last-child path.point')].map("
        "p => { const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; });"))


def _show_all(browser):
    """Every point in view (``showAll``), once plotly has finished moving the markers there.

    ``showAll`` returns ``Plotly.relayout``'s promise: waiting for it (and the next frame) first
    keeps a busy browser from passing the stability check below on markers that have not begun
    to move (a click there reached another model once in CI)."""
    import time

    browser.set_script_timeout(30)
    browser.execute_async_script("const done = arguments[arguments.length - 1];"
                                 "Promise.resolve(window.dashboard.showAll()).then(() => requestAnimationFrame(() => done()));")
    before = _centres(browser)
    for _ in range(50):
        time.sleep(0.1)
        now = _centres(browser)
        if now.shape == before.shape and np.allclose(now, before):
            return now
        before = now
    raise AssertionError("the comparison view kept moving after showAll")


def _clear_of_others(browser, pixels=14):
    """Indices of the comparison points whose marker no other marker comes within ``pixels`` of
    (on screen, after ``showAll``): a real click there can only reach that model."""
    centres = _show_all(browser)
    distance = np.linalg.norm(centres[:, None] - centres[None], axis=-1) + np.eye(len(centres)) * 1e9
    return [m for m in range(len(centres)) if distance[m].min() > pixels]


def _frame(y, pred, groups, pos_label):
    y_bin, p_bin = (np.asarray(y) == pos_label).astype(int), (np.asarray(pred) == pos_label).astype(int)
    mf = fm.MetricFrame(metrics={"accuracy": accuracy_score, "selection rate": fm.selection_rate,
                                 "false positive rate": fm.false_positive_rate,
                                 "false negative rate": fm.false_negative_rate, "count": fm.count},
                        y_true=y_bin, y_pred=p_bin, sensitive_features=groups)
    by = mf.by_group
    by["accuracy"] = fm.MetricFrame(metrics=accuracy_score, y_true=y, y_pred=pred, sensitive_features=groups).by_group
    return by


@needs_browser
def test_the_page_is_offline_error_free_and_has_one_point_per_model(binary_board, browser, tmp_path):
    board, _, _ = binary_board
    path = _open(browser, board, tmp_path)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    requests = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = {m["params"]["request"]["url"] for m in requests if m["method"] == "Network.requestWillBeSent"}
    assert urls <= {path.resolve().as_uri()}, urls  # nothing but the file itself
    assert _points(browser) == len(board.models_) == (5 + 1) + 3 + 1 + 1  # PHN: 5 rays and its start head
    assert path.stat().st_size < 10e6


@needs_browser
def test_the_comparison_legend_is_clear_of_the_mode_bar_and_inside_the_view(browser, tmp_path):
    from skfairpareto.benchmark import OUR_METHODS, label

    # The main job's five fronts, by their long names: their legend fills the view's width.
    X, y, sf = _problem(n=500)
    front = cba_path(X[:300], y[:300], sensitive_features=sf["dialect"][:300], alphas=[1.0, 0.0], max_epochs=10,
                     random_state=0)
    board = FairnessDashboard({label(method): front for method in OUR_METHODS}, X[300:], y[300:],
                              sensitive_features=sf["dialect"][300:], n_boot=10)
    _open(browser, board, tmp_path)
    boxes = browser.execute_script(
        "const box = (s) => { const r = document.querySelector(s).getBoundingClientRect(); "
        "return [r.left, r.top, r.right, r.bottom]; };"
        "return [box('#comparison .legend'), box('#comparison .modebar'), box('#comparison')];")
    legend, modebar, view = boxes
    overlap = min(legend[2], modebar[2]) > max(legend[0], modebar[0]) and \
        min(legend[3], modebar[3]) > max(legend[1], modebar[1])
    assert not overlap, f"the legend {legend} runs under the mode bar {modebar}"
    assert view[0] <= legend[0] and legend[2] <= view[2] and view[1] <= legend[1] and legend[3] <= view[3]


@needs_browser
def test_clicking_a_point_shows_that_models_groups_as_metricframe_computes_them(binary_board, browser, tmp_path):
    board, y, sf = binary_board
    _open(browser, board, tmp_path)
    alone = _clear_of_others(browser)
    assert len(alone) >= 2, "every model's point is crowded: the click test has nothing to click"
    for m in (alone[0], alone[-1]):  # points no other marker covers, so the click reaches that model
        _click_model(browser, m)
        assert browser.find_element("id", "model-name").text == board.models_[m]["name"]
        assert browser.find_element("id", "model-code").text == board.models_[m]["code"]
        expected = _frame(y, board.classes_[board.predictions_[m]], sf["dialect"], "yes")
        shown = _table(browser)
        for group, values in shown.items():
            np.testing.assert_allclose(values, expected.loc[group].to_numpy(dtype=float), atol=5e-5)


@needs_browser
def test_a_new_sensitive_feature_or_metric_redraws_both_views(binary_board, browser, tmp_path):
    board, y, sf = binary_board
    _open(browser, board, tmp_path)
    _click_model(browser, 4)
    _select(browser, "feature", "age")
    expected = _frame(y, board.classes_[board.predictions_[4]], sf["age"], "yes")
    shown = _table(browser)
    assert set(shown) == {"old", "young"}
    for group, values in shown.items():
        np.testing.assert_allclose(values, expected.loc[group].to_numpy(dtype=float), atol=5e-5)
    for name in ("equalized_odds_difference", "true_positive_rate_ratio", "accuracy_score_difference"):
        _select(browser, "fairness", name)
        x, plotted = _plotted(browser)
        metric = getattr(fm, name)
        for m in range(len(board.models_)):
            pred = (board.classes_[board.predictions_[m]] == "yes").astype(int)
            want = metric((y == "yes").astype(int), pred, sensitive_features=sf["age"])
            assert plotted[m] == pytest.approx(want, abs=1e-9)
    _select(browser, "performance", "f1_score")
    x, _ = _plotted(browser)
    from sklearn.metrics import f1_score

    assert x[4] == pytest.approx(f1_score(y == "yes", board.classes_[board.predictions_[4]] == "yes"))


@needs_browser
def test_k_classes_and_three_objectives(browser, tmp_path):
    X, y, sf = _problem(1, n=900, n_classes=3)
    phn = PHNParetoClassifier(n_members=None, solver="ls", hnet_max_epochs=15, start_max_epochs=30, random_state=0,
                              constraints=["demographic_parity", "true_positive_rate_parity"])
    phn.fit(X[:600], y[:600], sensitive_features=sf["dialect"][:600])
    board = FairnessDashboard({"phn": phn}, X[600:], y[600:], sensitive_features=sf["dialect"][600:], n_boot=0)
    _open(browser, board, tmp_path)
    assert _points(browser) == len(phn.front_) == 37  # 36 rays, and the start head
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    groups, labels = sf["dialect"][600:].to_numpy(), y[600:]
    for k, cls in enumerate(board.classes_):  # the class selector: one class against the rest
        _select(browser, "class", k)
        _, plotted = _plotted(browser)
        for m in (0, 10, 20):
            pred = board.classes_[board.predictions_[m]]
            assert plotted[m] == pytest.approx(fm.demographic_parity_difference(
                labels == cls, pred == cls, sensitive_features=groups), abs=1e-9)
    # The front's own objectives, a pair at a time.
    table = phn.score_front(X[600:], y[600:], sensitive_features=sf["dialect"][600:])
    names = phn.objectives_.objective_names
    _select(browser, "axes", json.dumps(["phn", 1, 2]).replace(" ", ""))
    x, plotted = _plotted(browser)
    np.testing.assert_allclose(x, table[names[1]].to_numpy(), atol=1e-6)
    np.testing.assert_allclose(plotted, table[names[2]].to_numpy(), atol=1e-6)


def test_bad_input_names_the_model_or_the_argument():
    y = np.array([0, 1, 1, 0])
    groups = ["a", "a", "b", "b"]
    with pytest.raises(ValueError, match="model 'short' gives predictions of shape \\(3,\\), but y has 4 labels"):
        FairnessDashboard({"short": np.array([0, 1, 1])}, None, y, sensitive_features=groups)
    with pytest.raises(ValueError, match="fairness_metric='vibes_difference' is not one of fairlearn's metrics"):
        FairnessDashboard({"ok": y}, None, y, sensitive_features=groups, fairness_metric="vibes_difference")
    with pytest.raises(ValueError, match="performance_metric='speed' is not one of"):
        FairnessDashboard({"ok": y}, None, y, sensitive_features=groups, performance_metric="speed")

    class Broken:
        def predict(self, X):
            raise RuntimeError("no weights")

    with pytest.raises(ValueError, match="model 'broken' \\(Broken\\) failed to predict: RuntimeError: no weights"):
        FairnessDashboard({"broken": Broken()}, np.zeros((4, 2)), y, sensitive_features=groups)
    with pytest.raises(ValueError, match="model 'odd' predicts labels \\[7\\]"):
        FairnessDashboard({"odd": np.array([0, 7, 1, 0])}, None, y, sensitive_features=groups)
    with pytest.raises(ValueError, match="sensitive_features has 3 rows but y has 4"):
        FairnessDashboard({"ok": y}, None, y, sensitive_features=groups[:3])
    assert {n for n in dir(fm) if n.endswith(("_difference", "_ratio"))} == set(FAIRNESS_METRICS)  # every one


def test_the_page_embeds_its_script_and_shows_in_jupyter(binary_board):
    board, _, _ = binary_board
    page = board.to_html()
    assert "<script src=" not in page and "<link " not in page  # everything inline
    assert board._repr_html_().startswith("<iframe srcdoc=")
