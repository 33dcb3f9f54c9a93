"""
Embedding on a Dask cluster
===========================

:func:`~skfairpareto.distributed.embed_on_dask` embeds one partition per task on a Dask
cluster, into ``.npy`` shards on storage every worker reaches; the result joins into one
memory map that every estimator trains from without reading it into memory. A
``LocalCluster`` of two workers stands in for a real cluster here.
"""

import os
import tempfile
from pathlib import Path

import dask.bag as db
import matplotlib.pyplot as plt
import numpy as np
from dask.distributed import Client, LocalCluster

from skfairpareto import PHNParetoClassifier, SentenceEmbedder
from skfairpareto.datasets import load_hate_speech
from skfairpareto.distributed import embed_on_dask
from skfairpareto.model_selection import stratified_split

n = int(os.environ.get("SKFAIRPARETO_EXAMPLE_N", 3000))
data = load_hate_speech()
idx = np.random.RandomState(0).permutation(len(data.target))[:n]
texts, y, dialect = list(data.data[idx]), data.target[idx], np.asarray(data.sensitive_features)[idx]

work = Path(tempfile.mkdtemp())
embedder = SentenceEmbedder(cache_dir=os.environ.get("SKFAIRPARETO_CACHE"))
# processes=False keeps the workers in this process (as a notebook may need); on a real cluster
# each worker is a process or a machine of its own.
with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
        Client(cluster):
    result = embed_on_dask(db.from_sequence(texts, npartitions=4), work / "shards", embedder=embedder, verbose=0)
    X = result.to_memmap(work / "embeddings.npy")
print(type(X).__name__, X.shape, X.dtype)

# %%
# Train a front from the memory map, as from any array.
train, test = stratified_split(y, dialect, test_size=0.2, random_state=0)
front = PHNParetoClassifier(solver="ls", n_members=7, hnet_max_epochs=60, random_state=0)
front.fit(X[train], y[train], sensitive_features=dialect[train])
print(front.score_front(X[test], y[test], sensitive_features=dialect[test]).round(3).to_string(index=False))
front.plot_front()
plt.show()
