"""Typical wrong answers to exercise 11_calibration (solutions/11_calibration.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""


def _grad(body: str) -> str:
    """A temperature_grad answer returning ``body`` (of z, y, q and temperature)."""
    return f'''
def temperature_grad(logits, labels, temperature):
    z = np.asarray(logits, dtype=float)
    y = np.asarray(labels, dtype=float)
    q = 1 / (1 + np.exp(-z / temperature))
    return {body}
'''


def _ece(bins: str, combine: str = "inside.sum() / len(p) * abs(y[inside].mean() - p[inside].mean())",
         finish: str = "float(total)", num_bins: str = "n_bins") -> str:
    """An expected_calibration_error answer with the bin index ``bins`` (of p and n_bins)."""
    return f'''
def expected_calibration_error(y_true, probs, n_bins=10):
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(probs, dtype=float)
    bins = {bins}
    total = 0.0
    for b in range({num_bins}):
        inside = bins == b
        if inside.any():
            total += {combine}
    return {finish}
'''


_LOWER = "np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], p)"

_Q3 = '''
lo, hi = 0.5, 20.0
for _ in range(100):
    mid = (lo + hi) / 2
    if temperature_grad({z}, {y}, mid) < 0:
        lo = mid
    else:
        hi = mid
T_spam = {T}
ece_before = expected_calibration_error({y_e}, 1 / (1 + np.exp(-{z_e})))
ece_after = expected_calibration_error({y_e}, 1 / (1 + np.exp(-{z_e} {op} T_spam)))
'''


def _q3(z="z_val", y="y_val", T="(lo + hi) / 2", z_e="z_test", y_e="y_test", op="/"):
    return _Q3.format(z=z, y=y, T=T, z_e=z_e, y_e=y_e, op=op)


MUTATIONS = [
    # q1: the derivative of the log loss with respect to T
    {"question": "q1", "mistake": "derivative with respect to 1/T",
     "feedback": "derivative with respect to 1/T",
     "answer": _grad("float(np.mean((q - y) * z))")},
    {"question": "q1", "mistake": "wrong sign",
     "feedback": "The sign is wrong",
     "answer": _grad("float(np.mean((q - y) * z) / temperature**2)")},
    {"question": "q1", "mistake": "sum instead of mean",
     "feedback": "divide by n",
     "answer": _grad("float(-np.sum((q - y) * z) / temperature**2)")},
    {"question": "q1", "mistake": "1/T instead of 1/T**2",
     "feedback": "off by a factor T",
     "answer": _grad("float(-np.mean((q - y) * z) / temperature)")},
    {"question": "q1", "mistake": "sigmoid(z) instead of sigmoid(z / T)",
     "feedback": "not sigmoid(z)",
     "answer": _grad("float(-np.mean((1 / (1 + np.exp(-z)) - y) * z) / temperature**2)")},
    {"question": "q1", "mistake": "mean along the last axis",
     "feedback": "not along one axis",
     "answer": _grad("-np.mean((q - y) * z, axis=-1) / temperature**2")},
    # q2: the expected calibration error
    {"question": "q2", "mistake": "unweighted mean over the bins",
     "feedback": "plain mean of the gaps",
     "answer": _ece(_LOWER, combine="abs(y[inside].mean() - p[inside].mean())",
                    finish="float(total / len(np.unique(bins)))")},
    {"question": "q2", "mistake": "sum of gaps divided by the number of bins",
     "feedback": "not the sum by the number of bins",
     "answer": _ece(_LOWER, combine="abs(y[inside].mean() - p[inside].mean())",
                    finish="float(total / n_bins)")},
    {"question": "q2", "mistake": "signed gaps",
     "feedback": "signed gaps cancel",
     "answer": _ece(_LOWER, combine="inside.sum() / len(p) * (y[inside].mean() - p[inside].mean())",
                    finish="abs(float(total))")},
    {"question": "q2", "mistake": "edges to the upper bin (digitize)",
     "feedback": "goes to the lower bin",
     "answer": _ece("np.minimum(np.digitize(p, np.linspace(0, 1, n_bins + 1)[1:-1]), n_bins - 1)")},
    {"question": "q2", "mistake": "int(p * n_bins): edges up, 1.0 in a bin of its own",
     "feedback": "int(p * n_bins) sends",
     "answer": _ece("(p * n_bins).astype(int)", num_bins="n_bins + 1")},
    {"question": "q2", "mistake": "1.0 in a bin of its own",
     "feedback": "not to a bin of its own",
     "answer": _ece(f"np.where(p >= 1.0, n_bins, {_LOWER})", num_bins="n_bins + 1")},
    # q3: the spam filter's temperature and calibration errors
    {"question": "q3", "mistake": "temperature fitted on the test emails",
     "feedback": "fitted on the test emails",
     "answer": _q3(z="z_test", y="y_test")},
    {"question": "q3", "mistake": "reports 1/T",
     "feedback": "That is 1/T",
     "answer": _q3(T="1 / ((lo + hi) / 2)", op="*")},
    {"question": "q3", "mistake": "calibration errors on the validation emails",
     "feedback": "not the validation emails",
     "answer": _q3(z_e="z_val", y_e="y_val")},
    {"question": "q3", "mistake": "logits multiplied by T",
     "feedback": "do not multiply them",
     "answer": _q3(op="*")},
    # q4: which score R can never lose on
    {"question": "q4", "mistake": "the log loss", "feedback": "log(0)",
     "answer": 'honest_score = "a"'},
    {"question": "q4", "mistake": "the Brier score", "feedback": "strictly proper",
     "answer": 'honest_score = "b"'},
    {"question": "q4", "mistake": "the ECE", "feedback": "calibration error is large",
     "answer": 'honest_score = "d"'},
    # q5: a temperature below 1
    {"question": "q5", "mistake": "probabilities moved in", "feedback": "away from 0.5",
     "answer": 'low_temperature = "b"'},
    {"question": "q5", "mistake": "T must exceed 1", "feedback": "Nothing forces T above 1",
     "answer": 'low_temperature = "c"'},
    {"question": "q5", "mistake": "accuracy rises", "feedback": "no predicted class",
     "answer": 'low_temperature = "d"'},
]
