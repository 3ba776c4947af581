"""Typical wrong answers to exercise 03_cross_entropy (solutions/03_cross_entropy.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""

MUTATIONS = [
    # ------------------------------------------------------------ q1: softmax
    {
        "question": "q1",
        "mistake": "the naive formula, without subtracting the maximum",
        "feedback": "np.exp(1000) overflows to inf",
        "answer": '''
def softmax(logits, axis=-1):
    e = np.exp(np.asarray(logits, dtype=float))
    return e / np.sum(e, axis=axis, keepdims=True)
''',
    },
    {
        "question": "q1",
        "mistake": "forgets to normalise",
        "feedback": "divide them by their sum",
        "answer": '''
def softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    return np.exp(z - np.max(z, axis=axis, keepdims=True))
''',
    },
    {
        "question": "q1",
        "mistake": "normalises the logits without exponentiating",
        "feedback": "Exponentiate first",
        "answer": '''
def softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    return z / np.sum(z, axis=axis, keepdims=True)
''',
    },
    {
        "question": "q1",
        "mistake": "exponentiates minus the logits",
        "feedback": "np.exp(-z)",
        "answer": '''
def softmax(logits, axis=-1):
    z = -np.asarray(logits, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
''',
    },
    {
        "question": "q1",
        "mistake": "normalises over the whole array",
        "feedback": "not over the whole array",
        "answer": '''
def softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e)
''',
    },
    {
        "question": "q1",
        "mistake": "ignores axis",
        "feedback": "use the `axis` argument",
        "answer": '''
def softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
''',
    },
    {
        "question": "q1",
        "mistake": "one maximum for the whole array",
        "feedback": "each row's own maximum",
        "answer": '''
def softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=axis, keepdims=True)
''',
    },
    {
        "question": "q1",
        "mistake": "sums without keepdims",
        "feedback": "could not be broadcast",
        "answer": '''
def softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis)
''',
    },
    # ------------------------------------------------------------ q2: log_softmax
    {
        "question": "q2",
        "mistake": "the log of the (stable) softmax",
        "feedback": "np.log(softmax(z)) takes log(0)",
        "answer": '''
def log_softmax(logits, axis=-1):
    return np.log(softmax(logits, axis=axis))
''',
    },
    {
        "question": "q2",
        "mistake": "the log of the naive softmax",
        "feedback": "overflows to inf",
        "answer": '''
def log_softmax(logits, axis=-1):
    e = np.exp(np.asarray(logits, dtype=float))
    return np.log(e / np.sum(e, axis=axis, keepdims=True))
''',
    },
    {
        "question": "q2",
        "mistake": "log-sum-exp without the shift",
        "feedback": "overflow",
        "answer": '''
def log_softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))
''',
    },
    {
        "question": "q2",
        "mistake": "returns the probabilities",
        "feedback": "These are the probabilities",
        "answer": '''
def log_softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return np.exp(shifted) / np.sum(np.exp(shifted), axis=axis, keepdims=True)
''',
    },
    {
        "question": "q2",
        "mistake": "stops after subtracting the maximum",
        "feedback": "only the first step",
        "answer": '''
def log_softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    return z - np.max(z, axis=axis, keepdims=True)
''',
    },
    {
        "question": "q2",
        "mistake": "the wrong sign",
        "feedback": "check the sign",
        "answer": '''
def log_softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)) - shifted
''',
    },
    {
        "question": "q2",
        "mistake": "log-sum-exp over the whole array",
        "feedback": "not over the whole array",
        "answer": '''
def log_softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    m = np.max(z)
    return z - m - np.log(np.sum(np.exp(z - m)))
''',
    },
    {
        "question": "q2",
        "mistake": "ignores axis",
        "feedback": "use the `axis` argument",
        "answer": '''
def log_softmax(logits, axis=-1):
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
''',
    },
    # ------------------------------------------------------------ q3: cross_entropy
    {
        "question": "q3",
        "mistake": "sums the per-sample losses",
        "feedback": "sum the per-sample losses instead of averaging",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    log_probs = log_softmax(logits, axis=1)
    labels = np.asarray(y_true, dtype=int)
    return float(-np.sum(log_probs[np.arange(len(labels)), labels]))
''',
    },
    {
        "question": "q3",
        "mistake": "forgets the minus sign",
        "feedback": "MINUS the log-probability",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    log_probs = log_softmax(logits, axis=1)
    labels = np.asarray(y_true, dtype=int)
    return float(np.mean(log_probs[np.arange(len(labels)), labels]))
''',
    },
    {
        "question": "q3",
        "mistake": "indexes every label for every row",
        "feedback": "picks every label for every row",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    log_probs = log_softmax(logits, axis=1)
    return float(-np.mean(log_probs[:, np.asarray(y_true, dtype=int)]))
''',
    },
    {
        "question": "q3",
        "mistake": "averages -log p over every class",
        "feedback": "Only the true class counts",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    return float(-np.mean(log_softmax(logits, axis=1)))
''',
    },
    {
        "question": "q3",
        "mistake": "minus the log of the softmax",
        "feedback": "-np.log(softmax(z)) is inf",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    probs = softmax(logits, axis=1)
    labels = np.asarray(y_true, dtype=int)
    return float(-np.mean(np.log(probs[np.arange(len(labels)), labels])))
''',
    },
    {
        "question": "q3",
        "mistake": "the naive softmax",
        "feedback": "overflows to inf",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    e = np.exp(np.asarray(logits, dtype=float))
    probs = e / e.sum(axis=1, keepdims=True)
    labels = np.asarray(y_true, dtype=int)
    return float(-np.mean(np.log(probs[np.arange(len(labels)), labels])))
''',
    },
    {
        "question": "q3",
        "mistake": "smooths with eps / (C - 1) over the wrong classes",
        "feedback": "eps / (C - 1)",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    log_probs = log_softmax(logits, axis=1)
    n, c = log_probs.shape
    one_hot = np.zeros((n, c))
    one_hot[np.arange(n), np.asarray(y_true, dtype=int)] = 1.0
    q = (1 - label_smoothing) * one_hot + label_smoothing / (c - 1) * (1 - one_hot)
    losses = -np.sum(q * log_probs, axis=1)
    if reduction == "none":
        return losses
    return float(np.sum(losses)) if reduction == "sum" else float(np.mean(losses))
''',
    },
    {
        "question": "q3",
        "mistake": "adds eps / C without scaling the one-hot target",
        "feedback": "scaled by (1 - eps)",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    log_probs = log_softmax(logits, axis=1)
    n, c = log_probs.shape
    q = np.zeros((n, c))
    q[np.arange(n), np.asarray(y_true, dtype=int)] = 1.0
    q = q + label_smoothing / c
    losses = -np.sum(q * log_probs, axis=1)
    if reduction == "none":
        return losses
    return float(np.sum(losses)) if reduction == "sum" else float(np.mean(losses))
''',
    },
    {
        "question": "q3",
        "mistake": "ignores label_smoothing",
        "feedback": "label_smoothing was ignored",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    log_probs = log_softmax(logits, axis=1)
    labels = np.asarray(y_true, dtype=int)
    losses = -log_probs[np.arange(len(labels)), labels]
    if reduction == "none":
        return losses
    return float(np.sum(losses)) if reduction == "sum" else float(np.mean(losses))
''',
    },
    {
        "question": "q3",
        "mistake": "ignores reduction",
        "feedback": "With reduction='sum'",
        "answer": '''
def cross_entropy(y_true, logits, label_smoothing=0.0, reduction="mean"):
    log_probs = log_softmax(logits, axis=1)
    n, c = log_probs.shape
    q = np.zeros((n, c))
    q[np.arange(n), np.asarray(y_true, dtype=int)] = 1.0
    q = (1 - label_smoothing) * q + label_smoothing / c
    return float(np.mean(-np.sum(q * log_probs, axis=1)))
''',
    },
    # ------------------------------------------------------------ q4: BCE with logits
    {
        "question": "q4",
        "mistake": "sums instead of averaging",
        "feedback": "sum the losses instead of averaging",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
''',
    },
    {
        "question": "q4",
        "mistake": "swaps the labels",
        "feedback": "The labels are swapped",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = 1 - np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
''',
    },
    {
        "question": "q4",
        "mistake": "the logistic loss of -1/+1 labels",
        "feedback": "logistic loss for labels -1/+1",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return float(np.mean(np.log1p(np.exp(-y * z))))
''',
    },
    {
        "question": "q4",
        "mistake": "the wrong sign",
        "feedback": "check the sign",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return -float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
''',
    },
    {
        "question": "q4",
        "mistake": "sigmoid, then the log",
        "feedback": "Work with the logits",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    p = 1 / (1 + np.exp(-z))
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
''',
    },
    {
        "question": "q4",
        "mistake": "clips the probabilities as Keras does",
        "feedback": "Clipping the probabilities",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    p = np.clip(0.5 * (1 + np.tanh(z / 2)), 1e-7, 1 - 1e-7)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
''',
    },
    {
        "question": "q4",
        "mistake": "averages along the last axis only",
        "feedback": "not along one axis",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    losses = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    mean = np.mean(losses, axis=-1)
    return float(mean) if mean.ndim == 0 else mean
''',
    },
    {
        "question": "q4",
        "mistake": "rounds soft labels",
        "feedback": "soft labels",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = np.round(np.asarray(y_true, dtype=float) + 1e-9), np.asarray(logits, dtype=float)
    losses = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    if reduction == "none":
        return losses
    return float(np.sum(losses)) if reduction == "sum" else float(np.mean(losses))
''',
    },
    {
        "question": "q4",
        "mistake": "(1 - y) z + log(1 + exp(-z)), which overflows for z << 0",
        "feedback": "right on paper, but exp(-z) overflows",
        "answer": '''
def binary_cross_entropy_with_logits(y_true, logits, reduction="mean"):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    with np.errstate(over="ignore"):
        losses = (1 - y) * z + np.log1p(np.exp(-z))
    if reduction == "none":
        return losses
    return float(np.sum(losses)) if reduction == "sum" else float(np.mean(losses))
''',
    },
    # ------------------------------------------------------------ q5: worked numbers
    {
        "question": "q5",
        "mistake": "the loss of the other class",
        "feedback": "if the true class were 1",
        "answer": '''
bce_p08 = -np.log(0.8)
bce_p099 = -np.log(0.01)
''',
    },
    {
        "question": "q5",
        "mistake": "log10",
        "feedback": "not log10",
        "answer": '''
bce_p08 = -np.log10(0.2)
bce_p099 = -np.log10(0.01)
''',
    },
    {
        "question": "q5",
        "mistake": "log2",
        "feedback": "not log2",
        "answer": '''
bce_p08 = -np.log2(0.2)
bce_p099 = -np.log(0.01)
''',
    },
    {
        "question": "q5",
        "mistake": "the wrong sign",
        "feedback": "it is positive",
        "answer": '''
bce_p08 = np.log(0.2)
bce_p099 = np.log(0.01)
''',
    },
    {
        "question": "q5",
        "mistake": "the probability instead of the loss",
        "feedback": "0.2 is the probability of the true class",
        "answer": '''
bce_p08 = 0.2
bce_p099 = -np.log(0.01)
''',
    },
    # ------------------------------------------------------------ q6: the constant logit
    {
        "question": "q6",
        "mistake": "the probability instead of the logit",
        "feedback": "That is the probability of spam",
        "answer": '''
best_logit = 0.25
best_loss = 0.5623351446188083
''',
    },
    {
        "question": "q6",
        "mistake": "log p instead of the logit",
        "feedback": "That is log(p)",
        "answer": '''
best_logit = np.log(0.25)
best_loss = 0.5623351446188083
''',
    },
    {
        "question": "q6",
        "mistake": "the logit of the other class",
        "feedback": "check the sign",
        "answer": '''
best_logit = np.log(3.0)
best_loss = 0.5623351446188083
''',
    },
    {
        "question": "q6",
        "mistake": "the entropy in bits",
        "feedback": "not log2",
        "answer": '''
best_logit = -np.log(3.0)
best_loss = -(0.25 * np.log2(0.25) + 0.75 * np.log2(0.75))
''',
    },
    {
        "question": "q6",
        "mistake": "the loss of the logit 0",
        "feedback": "the loss of the logit 0",
        "answer": '''
best_logit = -np.log(3.0)
best_loss = np.log(2.0)
''',
    },
]
