"""Typical wrong answers to exercise 06_side_by_side (solutions/06_side_by_side.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""


def _grad(body: str) -> str:
    """A bce_margin_grad answer returning ``body`` (of y, f, m and n)."""
    return f'''
def bce_margin_grad(y_true, scores):
    y = np.asarray(y_true, dtype=float)
    f = np.asarray(scores, dtype=float)
    m = y * f
    n = m.size
    return {body}
'''


def _numbers(**changes) -> str:
    right = {
        "pull_mse": "2 * r",
        "pull_huber": "min(abs(r), 1.0)",
        "pull_ce": "1 / (1 + np.exp(m))",
        "pull_sqhinge": "2 * max(0.0, 1.0 - m)",
        "pull_sigmoid_mse": "2 * (1 / (1 + np.exp(-m))) * (1 / (1 + np.exp(m))) ** 2",
    }
    right.update(changes)
    lines = "\n".join(f"{k} = {v}" for k, v in right.items())
    return f"\nr, m = 6.0, -3.0\n{lines}\n"


def _slopes(mse: str, huber: str) -> str:
    return f'''
fits = {{loss: train_gd(x[:, None], y, loss=loss, delta=1.0, lr=0.1, num_epochs=1000)
        for loss in ("mse", "huber")}}
slope_mse = {mse}
slope_huber = {huber}
'''


MUTATIONS = [
    # ------------------------------------------------------------ q1: derive
    {"question": "q1", "mistake": "differentiates the sum (no 1/n)",
     "feedback": "did you differentiate the sum",
     "answer": _grad("-y / (1 + np.exp(m))")},
    {"question": "q1", "mistake": "the wrong sign",
     "feedback": "Check the sign",
     "answer": _grad("y / (1 + np.exp(m)) / n")},
    {"question": "q1", "mistake": "forgets the factor y (gradient w.r.t. the margin)",
     "feedback": "multiplies it by y",
     "answer": _grad("-1 / (1 + np.exp(m)) / n")},
    {"question": "q1", "mistake": "sigma(m) instead of sigma(-m)",
     "feedback": "sigma(m) where sigma(-m) belongs",
     "answer": _grad("-y / (1 + np.exp(-m)) / n")},
    {"question": "q1", "mistake": "chapter 3's 0/1 gradient with -1/+1 labels",
     "feedback": "chapter 3's gradient for labels 0 and 1",
     "answer": _grad("(1 / (1 + np.exp(-f)) - y) / n")},
    {"question": "q1", "mistake": "n is the number of rows",
     "feedback": "not the number of rows",
     "answer": _grad("-y / (1 + np.exp(m)) / len(m) if m.ndim else -y / (1 + np.exp(m))")},
    {"question": "q1", "mistake": "overflows to nan at large scores",
     "feedback": "inf / inf = nan",
     "answer": _grad("-y * np.exp(-m) / (1 + np.exp(-m)) / n")},
    # ------------------------------------------------------------ q2: two fits
    {"question": "q2", "mistake": "the intercepts instead of the slopes",
     "feedback": "That is the intercept b",
     "answer": _slopes('fits["mse"].b', 'fits["huber"].b')},
    {"question": "q2", "mistake": "the slopes swapped",
     "feedback": "That is the Huber fit's slope",
     "answer": _slopes('fits["huber"].w[0]', 'fits["mse"].w[0]')},
    {"question": "q2", "mistake": "Huber fit with the MSE",
     "feedback": "That is the least-squares slope",
     "answer": _slopes('fits["mse"].w[0]', 'fits["mse"].w[0]')},
    {"question": "q2", "mistake": "corrects the typo before fitting",
     "feedback": "typo included",
     "answer": '''
y_fixed = y.copy()
y_fixed[18] = y[18] / 10
slope_mse = np.polyfit(x, y_fixed, 1)[0]
slope_huber = train_gd(x[:, None], y, loss="huber", lr=0.1, num_epochs=1000).w[0]
'''},
    # ------------------------------------------------------------ q3: pulls
    {"question": "q3", "mistake": "the squared error's loss instead of its pull",
     "feedback": "That is the loss r ** 2",
     "answer": _numbers(pull_mse="r ** 2")},
    {"question": "q3", "mistake": "the squared error's pull without the 2",
     "feedback": "the factor 2 is missing",
     "answer": _numbers(pull_mse="r")},
    {"question": "q3", "mistake": "the signed derivative",
     "feedback": "absolute value of the derivative",
     "answer": _numbers(pull_mse="-2 * r")},
    {"question": "q3", "mistake": "Huber's residual not clipped",
     "feedback": "capped at delta",
     "answer": _numbers(pull_huber="r")},
    {"question": "q3", "mistake": "cross-entropy's loss instead of its pull",
     "feedback": "That is the loss log(1 + exp(-m))",
     "answer": _numbers(pull_ce="np.log(1 + np.exp(-m))")},
    {"question": "q3", "mistake": "the probability of the true class for cross-entropy",
     "feedback": "That is the probability q of the true class",
     "answer": _numbers(pull_ce="1 / (1 + np.exp(-m))")},
    {"question": "q3", "mistake": "the squared hinge without the 2",
     "feedback": "the factor 2 is missing",
     "answer": _numbers(pull_sqhinge="1.0 - m")},
    {"question": "q3", "mistake": "the squared hinge with threshold 0",
     "feedback": "The threshold is 1",
     "answer": _numbers(pull_sqhinge="-2 * m")},
    {"question": "q3", "mistake": "the sigmoid's slope left out",
     "feedback": "multiplies by the sigmoid's slope",
     "answer": _numbers(pull_sigmoid_mse="2 * (1 / (1 + np.exp(m)))")},
    # ------------------------------------------------------------ q4, q5: judgements
    {"question": "q4", "mistake": "the robust losses", "feedback": "both stay the same",
     "answer": 'takeover_judgement = "a"'},
    {"question": "q4", "mistake": "Huber and cross-entropy", "feedback": "capped at delta and",
     "answer": 'takeover_judgement = "c"'},
    {"question": "q4", "mistake": "Huber and the squared hinge", "feedback": "but Huber's is capped",
     "answer": 'takeover_judgement = "d"'},
    {"question": "q5", "mistake": "cross-entropy vanishes", "feedback": "logarithm cancels",
     "answer": 'stuck_judgement = "a"'},
    {"question": "q5", "mistake": "the hinge is flat", "feedback": "pulls with exactly 1",
     "answer": 'stuck_judgement = "b"'},
    {"question": "q5", "mistake": "the squared hinge", "feedback": "harder than any other option",
     "answer": 'stuck_judgement = "c"'},
    # ------------------------------------------------------------ more named mistakes
    {"question": "q1", "mistake": "n is the number of columns",
     "feedback": "not the number of columns",
     "answer": _grad("-y / (1 + np.exp(m)) / (m.shape[-1] if m.ndim else 1)")},
    {"question": "q3", "mistake": "Huber's pull doubled",
     "feedback": "not 2 delta", "answer": _numbers(pull_huber="2.0")},
    {"question": "q3", "mistake": "cross-entropy's signed derivative",
     "feedback": "absolute value of the derivative", "answer": _numbers(pull_ce="-1 / (1 + np.exp(m))")},
    {"question": "q3", "mistake": "the squared hinge's loss",
     "feedback": "That is the squared hinge (1 - m) ** 2 itself",
     "answer": _numbers(pull_sqhinge="(1.0 - m) ** 2")},
    {"question": "q3", "mistake": "the squared error of the probability, not its pull",
     "feedback": "That is the loss (1 - q) ** 2",
     "answer": _numbers(pull_sigmoid_mse="(1 / (1 + np.exp(m))) ** 2")},
    {"question": "q3", "mistake": "the squared error of the probability without the 2",
     "feedback": "the factor 2",
     "answer": _numbers(pull_sigmoid_mse="(1 / (1 + np.exp(-m))) * (1 / (1 + np.exp(m))) ** 2")},
]
