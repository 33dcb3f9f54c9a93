"""
Your own CSV through the command line
=====================================

``skfairpareto benchmark --data your.csv`` runs the main job on your data: a text column, a
label column and a group column. It fits the fronts and fairlearn's mitigators on one seeded
split and writes the tables and the figures. Here a CSV is written from a sample of the bundled
tweets; yours needs only the three columns.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skfairpareto.datasets import load_hate_speech

n = int(os.environ.get("SKFAIRPARETO_EXAMPLE_N", 3000))
data = load_hate_speech()
idx = np.random.RandomState(1).permutation(len(data.target))[: max(n, 600)]
work = Path(tempfile.mkdtemp())
pd.DataFrame({"post": data.data[idx], "flagged": data.target[idx],
              "dialect": np.asarray(data.sensitive_features)[idx]}).to_csv(work / "posts.csv", index=False)

command = [sys.executable, "-m", "skfairpareto", "benchmark", "--quick", "--data", str(work / "posts.csv"),
           "--text-column", "post", "--label-column", "flagged", "--group-column", "dialect",
           "--features", "lexical", "--methods", "phn-ls", "cba", "expgrad", "--output-dir", str(work / "out"),
           "--quiet"]
if os.environ.get("SKFAIRPARETO_CACHE"):
    command += ["--cache-dir", os.environ["SKFAIRPARETO_CACHE"]]
print(" ".join(command[1:]))
subprocess.run(command, check=True)
print((work / "out" / "results.md").read_text()[:1500])

# %%
# The comparison it draws: every model's test accuracy against its gap.
fig, ax = plt.subplots(figsize=(8, 5))
ax.imshow(plt.imread(work / "out" / "model_comparison.png"))
ax.axis("off")
plt.show()
