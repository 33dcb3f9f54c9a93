"""The main job's dashboard page: build time, size and opening time in headless Chromium, and a screenshot of each view.

The main job's models (our five fronts and fairlearn's peers, fitted as the main job fits them
on its cached features) and its test split: times the page's build, opens it in Debian's
Chromium (selenium, headless) and times it until the comparison view holds every point, then
takes a screenshot of each view into ``docs/img/``. Prints a table and writes JSON::

    python benchmarks/bench_dashboard.py --seed 0

Targets (issue: the main job's page): build <= 20 s on 2 cores, size <= 10 MB, open <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def browser(window="1320,1000", log=False):
    """Debian's headless Chromium under selenium, with nothing that reaches the network by itself
    (the tests drive the same browser); ``log`` keeps the console and network events."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--window-size={window}"):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium")
    if log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def main():
    from skfairpareto.benchmark import OUR_METHODS, PEER_METHODS, prepare_split
    from skfairpareto.benchmark._methods import fit_ours, fit_peer, label, settings
    from skfairpareto.criteria import resolve_criterion
    from skfairpareto.dashboard import FairnessDashboard

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default="docs/results/dashboard.json")
    args = parser.parse_args()

    split = prepare_split(seed=args.seed)
    s, criterion = settings(False), resolve_criterion("error_rate_parity")
    models, draw = {}, np.random.RandomState(args.seed)
    for method in OUR_METHODS:
        members, _ = fit_ours(method, s, split.X_train, split.y_train, split.groups_train, device="cpu", seed=args.seed,
                              constraints=criterion, validation_fraction=None, reference_point=(0.15, 0.10))
        models[label(method)] = [m for _, m in members]
    for method in PEER_METHODS:
        for i, (_, predict) in enumerate(fit_peer(method, s, split.X_train, split.y_train, split.groups_train,
                                                  args.seed, criterion)):
            p = np.asarray(predict(split.X_test, split.groups_test), dtype=float)
            models[f"{label(method)} {i}"] = (draw.random_sample(len(p)) < p).astype(int)
    t0 = time.perf_counter()
    board = FairnessDashboard(models, split.X_test, split.y_test, sensitive_features=split.groups_test,
                              fairness_metric=criterion.metric, title="skfairpareto benchmark: every model on the test split")
    path = board.save(Path(tempfile.mkdtemp()) / "dashboard.html")
    build = time.perf_counter() - t0
    driver = browser(window="1320,1800")  # tall enough that neither view's screenshot is cut at the window's edge
    try:
        t0 = time.perf_counter()
        driver.get(path.resolve().as_uri())
        n_models = len(board.models_)
        while driver.execute_script("return document.querySelectorAll('#comparison path.point').length") < n_models:
            time.sleep(0.01)
        opened = time.perf_counter() - t0
        img = ROOT / "docs" / "img"
        driver.find_element("id", "comparison").screenshot(str(img / "dashboard_comparison.png"))
        driver.execute_script("window.dashboard.select(%d)" % next(i for i, m in enumerate(board.models_)
                                                                    if m["name"].startswith("FaPareto")))
        time.sleep(0.5)
        driver.find_element("id", "single").screenshot(str(img / "dashboard_single.png"))
    finally:
        driver.quit()
    result = {"seed": args.seed, "n_models": n_models, "n_test": int(len(split.y_test)), "n_boot": board.n_boot,
              "build_seconds": build, "size_mb": path.stat().st_size / 1e6, "open_seconds": opened}
    print(f"{'models':>7} {'test rows':>10} {'build s':>8} {'size MB':>8} {'open s':>7}")
    print(f"{n_models:>7} {result['n_test']:>10} {build:>8.2f} {result['size_mb']:>8.2f} {opened:>7.2f}")
    out = ROOT / args.output
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out} and docs/img/dashboard_*.png")


if __name__ == "__main__":
    main()
