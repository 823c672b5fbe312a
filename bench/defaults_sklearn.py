"""scikit-learn's MLP with its defaults on the rows bench/defaults.ts gives it (see that file).

Reads a JSON list on stdin, one job per split: {"file", "task", "seed", "train": [row indices],
"validation": [row indices]}; prints one JSON object: {"scores": [...]} (validation R² for regression,
accuracy for classification, in the jobs' order; the model's random_state is the job's seed), or
{"skipped": reason} when scikit-learn cannot be imported. Features, and a regression target, are
standardised with the training rows' mean and population standard deviation, as the app does.
"""

import csv
import json
import sys
import warnings

try:
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.neural_network import MLPClassifier, MLPRegressor
except ImportError as e:  # scikit-learn or numpy missing
    print(json.dumps({"skipped": f"scikit-learn is not available ({e})"}))
    sys.exit(0)

def score(job):
    with open(job["file"], newline="") as f:
        rows = list(csv.reader(f))[1:]
    x = np.array([[float(v) for v in r[:-1]] for r in rows])
    y_text = [r[-1] for r in rows]
    train, validation = job["train"], job["validation"]
    mean = x[train].mean(axis=0)
    std = x[train].std(axis=0)
    std[std == 0] = 1
    x = (x - mean) / std
    if job["task"] == "regression":
        y = np.array([float(v) for v in y_text])
        y = (y - y[train].mean()) / (y[train].std() or 1)
        model = MLPRegressor(random_state=job["seed"]).fit(x[train], y[train])
        return r2_score(y[validation], model.predict(x[validation]))
    y = np.array(y_text)
    model = MLPClassifier(random_state=job["seed"]).fit(x[train], y[train])
    return accuracy_score(y[validation], model.predict(x[validation]))


warnings.filterwarnings("ignore", category=ConvergenceWarning)
print(json.dumps({"scores": [float(score(job)) for job in json.load(sys.stdin)]}))
