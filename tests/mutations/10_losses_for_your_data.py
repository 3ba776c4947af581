"""Typical wrong answers to exercise 10_losses_for_your_data (solutions/10_losses_for_your_data.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""


def _pinball_grad(slope: str, n: str = "max(y_pred.size, 1)") -> str:
    """A pinball_grad answer whose slope per element is ``slope`` (of too_low, too_high, quantile)."""
    return f'''
def pinball_grad(y_true, y_pred, quantile=0.5):
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    too_low, too_high = y_pred < y_true, y_pred > y_true
    slope = {slope}
    return slope / {n}
'''


_RIGHT_SLOPE = "np.where(too_low, -quantile, np.where(too_high, 1.0 - quantile, 0.0))"

_Q2 = '''
x_mean = bikes_ahead.mean()
x_c = bikes_ahead - x_mean
w, b = 0.0, 0.0
for t in range(3000):
    g = pinball_grad(wait_days, w * x_c + b, quantile={q})
    step = 2.0 / np.sqrt(t + 1)
    w, b = w - step * np.sum(g * x_c), b - step * np.sum(g)
w90 = {w}
b90 = {b}
coverage_90 = {coverage}
'''
_COVERAGE = "np.mean(new_wait_days <= w90 * new_bikes_ahead + b90)"


def _q2(q="0.9", w="w", b="b - w * x_mean", coverage=_COVERAGE):
    return _Q2.format(q=q, w=w, b=b, coverage=coverage)


def _unweight(body: str) -> str:
    return f'''
def unweight(probs, pos_weight):
    p = np.asarray(probs, dtype=float)
    return {body}
'''


def _kl(body: str) -> str:
    return f'''
def kl_batchmean(p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    ratio = np.divide(p, q, out=np.ones_like(p), where=p > 0)
    return {body}
'''


_Q4 = '''
labels = np.array([0, 2, 1, 2, 0])
per_sample = np.array([0.2, 1.5, 0.7, 0.9, 0.4])
class_weight = np.array([1.0, 2.0, 3.0])
weighted_ce = {value}
'''

MUTATIONS = [
    # ------------------------------------------------------------ q1: pinball_grad
    {
        "question": "q1",
        "mistake": "the gradient of the sum (no 1/n)",
        "feedback": "Did you differentiate the sum",
        "answer": _pinball_grad(_RIGHT_SLOPE, n="1.0"),
    },
    {
        "question": "q1",
        "mistake": "the wrong sign (derivative with respect to y_true)",
        "feedback": "Did you differentiate with respect to y_true",
        "answer": _pinball_grad("np.where(too_low, quantile, np.where(too_high, quantile - 1.0, 0.0))"),
    },
    {
        "question": "q1",
        "mistake": "q and 1 - q swapped",
        "feedback": "are swapped",
        "answer": _pinball_grad("np.where(too_low, quantile - 1.0, np.where(too_high, quantile, 0.0))"),
    },
    {
        "question": "q1",
        "mistake": "the MAE's gradient, ignoring q",
        "feedback": "gradient of the mean absolute error",
        "answer": _pinball_grad("np.sign(y_pred - y_true)"),
    },
    {
        "question": "q1",
        "mistake": "n taken as the number of rows",
        "feedback": "not the number of rows",
        "answer": _pinball_grad(_RIGHT_SLOPE, n="len(y_pred) if y_pred.ndim else 1"),
    },
    {
        "question": "q1",
        "mistake": "-q at an exact hit instead of 0",
        "feedback": "return 0 (the question asks for it), not -q / n",
        "answer": _pinball_grad("np.where(y_pred <= y_true, -quantile, 1.0 - quantile)"),
    },
    {
        "question": "q1",
        "mistake": "the losses instead of the slopes",
        "feedback": "Those are the losses",
        "answer": _pinball_grad("np.maximum(quantile * (y_true - y_pred), (quantile - 1) * (y_true - y_pred))"),
    },
    # ------------------------------------------------------------ q2: the 0.9 line and its coverage
    {
        "question": "q2",
        "mistake": "the least-squares line",
        "feedback": "least-squares line",
        "answer": _q2(w="np.polyfit(bikes_ahead, wait_days, 1)[0]",
                      b="np.polyfit(bikes_ahead, wait_days, 1)[1]"),
    },
    {
        "question": "q2",
        "mistake": "the median line (default quantile)",
        "feedback": "median line",
        "answer": _q2(q="0.5"),
    },
    {
        "question": "q2",
        "mistake": "the 0.1 line",
        "feedback": "the 0.1 line",
        "answer": _q2(q="0.1"),
    },
    {
        "question": "q2",
        "mistake": "the share of broken promises",
        "feedback": "waited longer than promised",
        "answer": _q2(coverage="np.mean(new_wait_days > w90 * new_bikes_ahead + b90)"),
    },
    {
        "question": "q2",
        "mistake": "coverage on the training repairs",
        "feedback": "coverage on the 30 training repairs",
        "answer": _q2(coverage="np.mean(wait_days <= w90 * bikes_ahead + b90)"),
    },
    # ------------------------------------------------------------ q3: unweight
    {
        "question": "q3",
        "mistake": "the probability divided by the weight",
        "feedback": "not the probability p itself",
        "answer": _unweight("p / pos_weight"),
    },
    {
        "question": "q3",
        "mistake": "the odds multiplied by the weight",
        "feedback": "do not multiply",
        "answer": _unweight("(p / (1 - p) * pos_weight) / (1 + p / (1 - p) * pos_weight)"),
    },
    {
        "question": "q3",
        "mistake": "the odds returned",
        "feedback": "Those are the corrected odds",
        "answer": _unweight("p / (1 - p) / pos_weight"),
    },
    # ------------------------------------------------------------ q4: weighted cross-entropy
    {
        "question": "q4",
        "mistake": "divided by n",
        "feedback": "not by the number of samples",
        "answer": _Q4.format(value="np.sum(class_weight[labels] * per_sample) / 5"),
    },
    {
        "question": "q4",
        "mistake": "the unweighted mean",
        "feedback": "That is the unweighted mean",
        "answer": _Q4.format(value="np.mean(per_sample)"),
    },
    {
        "question": "q4",
        "mistake": "the weighted sum",
        "feedback": "That is the weighted sum",
        "answer": _Q4.format(value="np.sum(class_weight[labels] * per_sample)"),
    },
    {
        "question": "q4",
        "mistake": "divided by the sum of the class weights",
        "feedback": "not by the sum of the three class weights",
        "answer": _Q4.format(value="np.sum(class_weight[labels] * per_sample) / np.sum(class_weight)"),
    },
    # ------------------------------------------------------------ q5: kl_batchmean
    {
        "question": "q5",
        "mistake": "the mean over all elements (PyTorch's default 'mean')",
        "feedback": "reduction='mean'",
        "answer": _kl("float(np.mean(p * np.log(ratio)))"),
    },
    {
        "question": "q5",
        "mistake": "the sum over the rows",
        "feedback": "do not add them up",
        "answer": _kl("float(np.sum(p * np.log(ratio)))"),
    },
    {
        "question": "q5",
        "mistake": "the cross-entropy",
        "feedback": "That is the cross-entropy",
        "answer": _kl("float(-np.sum(np.where(p > 0, p * np.log(q), 0.0)) / p.shape[0])"),
    },
    {
        "question": "q5",
        "mistake": "KL(q || p)",
        "feedback": "That is KL(q || p)",
        "answer": _kl("float(np.sum(q * np.log(q / p)) / p.shape[0])"),
    },
    # ------------------------------------------------------------ q6: potholes
    {
        "question": "q6",
        "mistake": "MAE on the counts",
        "feedback": "predicts each street's median count",
        "answer": 'pothole_loss = "a"',
    },
    {
        "question": "q6",
        "mistake": "squared error of log(1 + count)",
        "feedback": "geometric mean",
        "answer": 'pothole_loss = "b"',
    },
    {
        "question": "q6",
        "mistake": "the 0.9 quantile",
        "feedback": "over-budgets",
        "answer": 'pothole_loss = " D "',
    },
    # ------------------------------------------------------------ q7: batchmean or mean
    {
        "question": "q7",
        "mistake": "the same number",
        "feedback": "also divides by the number of classes",
        "answer": 'batchmean_effect = "a"',
    },
    {
        "question": "q7",
        "mistake": "10 times smaller",
        "feedback": "It is the other way round",
        "answer": 'batchmean_effect = "c"',
    },
    {
        "question": "q7",
        "mistake": "the minimum moves",
        "feedback": "does not move the minimum",
        "answer": 'batchmean_effect = "d"',
    },
]
