"""Typical wrong answers to exercise 12_neural_network (solutions/12_neural_network.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""

_RIGHT_PAIRINGS = {"pairing_digits": "c", "pairing_diabetes": "a"}


def _pairings(**wrong) -> str:
    answers = {**_RIGHT_PAIRINGS, **wrong}
    return "\n".join(f'{name} = "{letter}"' for name, letter in answers.items())


# (task, wrong letter, words of its feedback)
_PAIRING_MISTAKES = [
    ("pairing_digits", "a", "The digits are classes, not amounts"),
    ("pairing_digits", "b", "the probabilities should compete and sum to 1"),
    ("pairing_digits", "d", "carries the softmax's slope"),
    ("pairing_diabetes", "b", "A sigmoid squeezes the output into (0, 1)"),
    ("pairing_diabetes", "c", "not a class"),
    ("pairing_diabetes", "d", "One-hot rows are for classes"),
]

_RIGHT_FORWARD = '''
def forward(X, params):
    X = np.asarray(X, dtype=float)
    hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    return hidden @ params["W2"] + params["b2"]
'''

_RIGHT_LOSS = '''
def mean_cross_entropy(labels, logits):
    labels = np.asarray(labels, dtype=int)
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.mean(log_probs[np.arange(len(labels)), labels]))
'''

_RIGHT_GRADIENTS = '''
def gradients(X, labels, params, name):
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels, dtype=int)
    pre = X @ params["W1"] + params["b1"]
    hidden = np.maximum(pre, 0.0)
    logits = hidden @ params["W2"] + params["b2"]
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    n, k = logits.shape
    g_logits = (probs - np.eye(k)[labels]) / n
    g_pre = (g_logits @ params["W2"].T) * (pre > 0)
    grads = {"W2": hidden.T @ g_logits, "b2": g_logits.sum(axis=0),
             "W1": X.T @ g_pre, "b1": g_pre.sum(axis=0)}
    return grads[name]
'''

_RIGHT_TRAINING = '''
params = {name: value.copy() for name, value in params0.items()}
val_losses, kept = [], []
for epoch in range(300):
    steps = {name: gradients(X_train, labels_train, params, name) for name in params}
    params = {name: params[name] - 1.0 * steps[name] for name in params}
    val_losses.append(mean_cross_entropy(labels_val, forward(X_val, params)))
    kept.append(params)
    stop, best = early_stopping_epoch(val_losses, patience=10)
    if stop is not None:
        break
restored = kept[best]
best_epoch = best + 1
accuracy_test = np.mean(forward(X_test, restored).argmax(axis=1) == labels_test)
'''


def _swap(right: str, old: str, new: str) -> str:
    assert old in right, old
    return right.replace(old, new)


MUTATIONS = [
    # ------------------------------------------------------------ q1: the pairings
    *[{"question": "q1", "mistake": f"{task} answered {letter!r}", "feedback": words,
       "answer": _pairings(**{task: letter})} for task, letter, words in _PAIRING_MISTAKES],
    # ------------------------------------------------------------ q2: forward
    {"question": "q2", "mistake": "no ReLU (a linear model)", "feedback": "needs the ReLU",
     "answer": _swap(_RIGHT_FORWARD, 'np.maximum(X @ params["W1"] + params["b1"], 0.0)',
                     'X @ params["W1"] + params["b1"]')},
    {"question": "q2", "mistake": "returns softmax probabilities",
     "feedback": "the softmax belongs to the loss",
     "answer": _swap(_RIGHT_FORWARD, 'return hidden @ params["W2"] + params["b2"]',
                     'z = hidden @ params["W2"] + params["b2"]\n'
                     '    e = np.exp(z - z.max(axis=1, keepdims=True))\n'
                     '    return e / e.sum(axis=1, keepdims=True)')},
    {"question": "q2", "mistake": "ReLU on the logits too", "feedback": "the logits may be negative",
     "answer": _swap(_RIGHT_FORWARD, 'return hidden @ params["W2"] + params["b2"]',
                     'return np.maximum(hidden @ params["W2"] + params["b2"], 0.0)')},
    {"question": "q2", "mistake": "forgets the biases", "feedback": "Add the biases",
     "answer": _swap(_swap(_RIGHT_FORWARD, ' + params["b1"]', ''), ' + params["b2"]', '')},
    # ------------------------------------------------------------ q3: the loss
    {"question": "q3", "mistake": "softmax over the wrong axis",
     "feedback": "along each row (axis=1)",
     "answer": _swap(_RIGHT_LOSS, "z = z - z.max(axis=1, keepdims=True)\n"
                     "    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))",
                     "z = z - z.max(axis=0, keepdims=True)\n"
                     "    log_probs = z - np.log(np.exp(z).sum(axis=0, keepdims=True))")},
    {"question": "q3", "mistake": "sums instead of averaging", "feedback": "divide the sum by n",
     "answer": _swap(_RIGHT_LOSS, "-np.mean(", "-np.sum(")},
    {"question": "q3", "mistake": "averages over all n * k entries",
     "feedback": "not over all n * k = 9 entries",
     "answer": _swap(_RIGHT_LOSS, "return float(-np.mean(log_probs[np.arange(len(labels)), labels]))",
                     "return float(-np.sum(log_probs[np.arange(len(labels)), labels]) / z.size)")},
    {"question": "q3", "mistake": "no log-sum-exp trick (nan at 1000)", "feedback": "contains",
     "answer": _swap(_RIGHT_LOSS, "    z = z - z.max(axis=1, keepdims=True)\n", "")},
    # ------------------------------------------------------------ q4: backpropagation
    {"question": "q4", "mistake": "the sign of the gradient", "feedback": "opposite sign",
     "answer": _swap(_RIGHT_GRADIENTS, "(probs - np.eye(k)[labels]) / n",
                     "(np.eye(k)[labels] - probs) / n")},
    {"question": "q4", "mistake": "a missing 1/n", "feedback": "carries a factor 1/n",
     "answer": _swap(_RIGHT_GRADIENTS, "(probs - np.eye(k)[labels]) / n",
                     "(probs - np.eye(k)[labels])")},
    {"question": "q4", "mistake": "softmax over the wrong axis", "feedback": "not down the columns",
     "answer": _swap(_RIGHT_GRADIENTS,
                     "z = logits - logits.max(axis=1, keepdims=True)\n"
                     "    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)",
                     "z = logits - logits.max(axis=0, keepdims=True)\n"
                     "    probs = np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)")},
    {"question": "q4", "mistake": "forgets the ReLU's derivative", "feedback": "ReLU's derivative",
     "answer": _swap(_RIGHT_GRADIENTS, "(g_logits @ params[\"W2\"].T) * (pre > 0)",
                     "(g_logits @ params[\"W2\"].T)")},
    {"question": "q4", "mistake": "the tanh slope instead of the ReLU's",
     "feedback": "gradients(",
     "answer": _swap(_RIGHT_GRADIENTS, "(g_logits @ params[\"W2\"].T) * (pre > 0)",
                     "(g_logits @ params[\"W2\"].T) * (1 - hidden ** 2)")},
    {"question": "q4", "mistake": "a transposed weight gradient", "feedback": "transpose",
     "answer": _swap(_RIGHT_GRADIENTS, '"W2": hidden.T @ g_logits', '"W2": g_logits.T @ hidden')},
    # ------------------------------------------------------------ q5: training
    {"question": "q5", "mistake": "early stopping off by one (0-based epoch)",
     "feedback": "Count epochs from 1",
     "answer": _swap(_RIGHT_TRAINING, "best_epoch = best + 1", "best_epoch = best")},
    {"question": "q5", "mistake": "reports the stop epoch", "feedback": "the last epoch run",
     "answer": _swap(_RIGHT_TRAINING, "best_epoch = best + 1", "best_epoch = stop + 1")},
    {"question": "q5", "mistake": "patience 5", "feedback": "With patience=10, not 5",
     "answer": _swap(_RIGHT_TRAINING, "patience=10", "patience=5")},
    {"question": "q5", "mistake": "the last weights", "feedback": "not the last ones",
     "answer": _swap(_RIGHT_TRAINING, "restored = kept[best]", "restored = kept[-1]")},
    {"question": "q5", "mistake": "restores the weights one epoch early",
     "feedback": "one epoch before the best",
     "answer": _swap(_RIGHT_TRAINING, "restored = kept[best]", "restored = kept[best - 1]")},
    {"question": "q5", "mistake": "validation accuracy", "feedback": "on the validation images",
     "answer": _swap(_RIGHT_TRAINING,
                     "np.mean(forward(X_test, restored).argmax(axis=1) == labels_test)",
                     "np.mean(forward(X_val, restored).argmax(axis=1) == labels_val)")},
    {"question": "q5", "mistake": "sequential updates", "feedback": "from the same weights",
     "answer": _swap(_RIGHT_TRAINING,
                     "    steps = {name: gradients(X_train, labels_train, params, name) for name in params}\n"
                     "    params = {name: params[name] - 1.0 * steps[name] for name in params}\n",
                     "    for name in list(params):\n"
                     "        params = {**params, name: params[name] - gradients(X_train, labels_train, params, name)}\n")},
]
