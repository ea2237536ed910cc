"""Train the safeguarding classifier (pact/meetings/safeguarding/model.bin.gz), offline.

    .venv/bin/pip install -r requirements-bench.txt     # scikit-learn: training only, never at run time
    .venv/bin/python -m bench.train_safeguarding         # writes the model, prints cross-validated figures

Reads bench/safeguarding_corpus/train/, dev/, heldout3/ and heldout4/ (one post a line, the file
named for its category). heldout3 measured the first frozen model and heldout4 the second; each
was then learnt from (rounds 2 and 3), like heldout1 for the rules. heldout5, written after the
third freeze, is never read here.
`emergency`, `welfare` and `accusation` posts are the positives of one binary logistic regression
each; every other post (ordinary issues, personal data, abuse) is a negative of all three. Each
post is also learnt with typos added (a letter dropped, two swapped, seeded), so misspellings are
not new words to the model. Features are those of model.features,
computed by the same code the server runs.

Each class's threshold is chosen on 5-fold cross-validated probabilities: the lowest at which at
most THRESHOLD_ORDINARY of the ordinary posts reach it. To tune for your area, add posts to train/
(real ones, with personal details removed), run this, then `make bench-safeguarding`, and check on
a held-out part written after the model was trained (docs/safeguarding.md).
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from bench.safeguarding import load

CLASSES = ["emergency", "welfare", "accusation"]
SETS = ("train", "dev", "heldout3", "heldout4")  # round 3: heldout3 and heldout4 each measured one freeze, then were learnt
SEED = 20261201
C = 8.0  # inverse regularisation strength
THRESHOLD_ORDINARY = 0.01  # share of (cross-validated) ordinary posts each class may flag
MIN_WEIGHT = 0.02  # smaller weights are dropped from the shipped file


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    candidates = [i for i, word in enumerate(words) if len(word) > 4]
    for i in rng.sample(candidates, min(len(candidates), rng.choice((1, 2)))):
        word, j = words[i], rng.randrange(1, len(words[i]) - 1)
        words[i] = word[:j] + word[j + 1:] if rng.random() < 0.5 else word[:j - 1] + word[j] + word[j - 1] + word[j + 1:]
    return " ".join(words)


def rows(posts: list[tuple[str, str]], augment: bool, rng: random.Random) -> tuple[list[dict], list[str], list[int]]:
    from pact.meetings.safeguarding import model, risk
    from pact.meetings.safeguarding.normalise import normalise
    feats, labels, groups = [], [], []
    for group, (category, text) in enumerate(posts):
        variants = [text]
        if augment:
            variants += [typo(text, rng), typo(text.lower(), rng)]
        for variant in variants:
            clean = normalise(variant)
            prepared = risk.prepare(clean)
            feats.append(model.features(prepared, model.hints(clean, prepared)))
            labels.append(category)
            groups.append(group)
    return feats, labels, groups


def rules_hold(text: str) -> bool:
    """Whether the risk rules alone (no model) hold a post as emergency, welfare or accusation."""
    from pact.meetings.safeguarding import accusation, risk
    from pact.meetings.safeguarding.normalise import normalise
    clean = normalise(text)
    spoken = risk.prepare(clean)
    return risk.is_emergency(spoken) or risk.is_welfare(spoken) or accusation.is_accusation(clean)


def matrix(feats: list[dict]):
    from scipy.sparse import csr_matrix

    from pact.meetings.safeguarding.model import BUCKETS
    data, indices, indptr = [], [], [0]
    for row in feats:
        for slot, value in sorted(row.items()):
            indices.append(slot)
            data.append(value)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(feats), BUCKETS))


def fit(x, y):
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=C, solver="liblinear", random_state=SEED, max_iter=2000).fit(x, y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="where to write the model (default: the shipped one)")
    args = parser.parse_args()
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from pact.meetings.safeguarding import model

    rng = random.Random(SEED)
    posts = [post for name in SETS for post in load(name)]
    feats, labels, groups = rows(posts, augment=True, rng=rng)
    x, labels_arr, groups_arr = matrix(feats), np.array(labels), np.array(groups)
    original = np.array([i == 0 or groups[i] != groups[i - 1] for i in range(len(groups))])
    print(f"{len(posts)} posts ({len(labels)} with typo variants) from {', '.join(SETS)}")

    # Cross-validated probabilities (a post and its variants always in the same fold) for the thresholds.
    folds = GroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    cv = np.zeros((len(labels), len(CLASSES)))
    for train_idx, test_idx in folds.split(x, labels_arr, groups_arr):
        for k, name in enumerate(CLASSES):
            clf = fit(x[train_idx], labels_arr[train_idx] == name)
            cv[test_idx, k] = clf.predict_proba(x[test_idx])[:, 1]
    thresholds = []
    ordinary = original & (labels_arr == "ordinary")
    for k, name in enumerate(CLASSES):
        scores = np.sort(cv[ordinary, k])[::-1]
        allowed = int(THRESHOLD_ORDINARY * len(scores))
        threshold = float(max(0.5 if allowed >= len(scores) else scores[allowed] + 1e-6, 0.05))
        thresholds.append(round(threshold, 4))
        mine = original & (labels_arr == name)
        print(f"  {name:10} threshold {threshold:.3f}: cross-validated recall {np.mean(cv[mine, k] >= threshold):.1%} "
              f"of {mine.sum()}, ordinary flagged {np.mean(cv[ordinary, k] >= threshold):.1%} of {ordinary.sum()}")
    any_flag = (cv >= np.array(thresholds)).any(axis=1)
    print(f"  ordinary flagged by any class (cross-validated): {np.mean(any_flag[ordinary]):.1%}")
    by_rules = np.array([rules_hold(text) for _, text in posts])[groups_arr]
    for name in CLASSES:
        mine = original & (labels_arr == name)
        print(f"  {name:10} held by the rules or the model (cross-validated): "
              f"{np.mean((any_flag | by_rules)[mine]):.1%}")
    print(f"  ordinary held by the rules or the model (cross-validated): {np.mean((any_flag | by_rules)[ordinary]):.1%}")

    bias, weights = [], {}
    for k, name in enumerate(CLASSES):
        clf = fit(x, labels_arr == name)
        bias.append(float(clf.intercept_[0]))
        coef = clf.coef_[0]
        for slot in np.nonzero(np.abs(coef) >= MIN_WEIGHT)[0]:
            weights.setdefault(int(slot), [0.0, 0.0, 0.0])[k] = float(coef[slot])
    about = {"trained_on": list(SETS), "posts": len(posts), "seed": SEED, "C": C,
             "threshold_ordinary": THRESHOLD_ORDINARY, "min_weight": MIN_WEIGHT, "script": "bench/train_safeguarding.py"}
    out = args.out or model.MODEL_PATH
    model.write(out, CLASSES, bias, thresholds, weights, about)
    print(f"wrote {out} ({out.stat().st_size // 1024} KB, {len(weights)} slots)")


if __name__ == "__main__":
    main()
