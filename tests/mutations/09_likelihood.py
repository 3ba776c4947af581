"""Typical wrong answers to exercise 09_likelihood (solutions/09_likelihood.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""


def _nll(per_element: str, reduce: str = "float(np.mean(losses))") -> str:
    """A gaussian_nll answer whose loss per element is ``per_element`` (of r and s)."""
    return f'''
def gaussian_nll(y_true, mean, log_var, reduction="mean"):
    r = np.asarray(y_true, dtype=float) - np.asarray(mean, dtype=float)
    s = np.asarray(log_var, dtype=float)
    losses = {per_element}
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    return {reduce}
'''


def _grad(name: str, body: str) -> str:
    return f'''
def {name}(y_true, mean, log_var):
    r = np.asarray(y_true, dtype=float) - np.asarray(mean, dtype=float)
    s = np.asarray(log_var, dtype=float)
    return {body}
'''


def _mean(body: str) -> str:
    return _grad("gaussian_nll_grad_mean", body)


def _log_var(body: str) -> str:
    return _grad("gaussian_nll_grad_log_var", body)


_FIT = '''
params = np.zeros(4)
for epoch in range(1000):
    mean_x, log_var_x = params[0] + params[1] * x, params[2] + params[3] * x
    g_mean = gaussian_nll_grad_mean(y, mean_x, log_var_x)
    g_log_var = gaussian_nll_grad_log_var(y, mean_x, log_var_x)
    params = params - 0.2 * np.array([g_mean.sum(), (g_mean * x).sum(),
                                      g_log_var.sum(), (g_log_var * x).sum()])
a, b, c, d = params
slope_mean = {slope}
sd_left = {left}
sd_right = {right}
'''

_GOOD = "0.5 * (s + r**2 * np.exp(-s))"

MUTATIONS = [
    # q1: the loss
    {"question": "q1", "mistake": "keeps the constant 0.5 log(2 pi)",
     "feedback": "Leave out the constant",
     "answer": _nll(_GOOD + " + 0.5 * np.log(2 * np.pi)")},
    {"question": "q1", "mistake": "no factor 1/2",
     "feedback": "factor 1/2 on both terms",
     "answer": _nll("s + r**2 * np.exp(-s)")},
    {"question": "q1", "mistake": "sums instead of averaging",
     "feedback": "sum the losses instead of averaging",
     "answer": _nll(_GOOD, reduce="float(np.sum(losses))")},
    {"question": "q1", "mistake": "reads exp(log_var) as the standard deviation",
     "feedback": "not the standard deviation",
     "answer": _nll("0.5 * (2 * s + r**2 * np.exp(-2 * s))")},
    {"question": "q1", "mistake": "forgets the log-variance term",
     "feedback": "the price of a large variance, is missing",
     "answer": _nll("0.5 * r**2 * np.exp(-s)")},
    {"question": "q1", "mistake": "multiplies by the variance",
     "feedback": "do not multiply by it",
     "answer": _nll("0.5 * (s + r**2 * np.exp(s))")},
    {"question": "q1", "mistake": "mean along the last axis",
     "feedback": "not along one axis",
     "answer": _nll(_GOOD, reduce="np.mean(losses, axis=-1) if losses.ndim > 1 else float(np.mean(losses))")},
    {"question": "q1", "mistake": "accepts any reduction",
     "feedback": "must raise ValueError",
     "answer": '''
def gaussian_nll(y_true, mean, log_var, reduction="mean"):
    r = np.asarray(y_true, dtype=float) - np.asarray(mean, dtype=float)
    s = np.asarray(log_var, dtype=float)
    losses = 0.5 * (s + r**2 * np.exp(-s))
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    return float(np.mean(losses))
'''},
    # q2: gradient with respect to the mean
    {"question": "q2", "mistake": "differentiates the sum (no 1/n)",
     "feedback": "Did you differentiate the sum?",
     "answer": _mean("-r * np.exp(-s)")},
    {"question": "q2", "mistake": "wrong sign",
     "feedback": "check the sign",
     "answer": _mean("r * np.exp(-s) / r.size")},
    {"question": "q2", "mistake": "forgets the variance (half the MSE's gradient)",
     "feedback": "half the squared error",
     "answer": _mean("-r / r.size")},
    {"question": "q2", "mistake": "divides by the standard deviation",
     "feedback": "not by its square root",
     "answer": _mean("-r * np.exp(-s / 2) / r.size")},
    {"question": "q2", "mistake": "a factor 2",
     "feedback": "no factor 2",
     "answer": _mean("-2 * r * np.exp(-s) / r.size")},
    {"question": "q2", "mistake": "n is the number of rows",
     "feedback": "not the number of rows",
     "answer": _mean("-r * np.exp(-s) / (len(r) if r.ndim else 1)")},
    # q3: gradient with respect to the log-variance
    {"question": "q3", "mistake": "differentiates the sum (no 1/n)",
     "feedback": "Did you differentiate the sum?",
     "answer": _log_var("0.5 * (1 - r**2 * np.exp(-s))")},
    {"question": "q3", "mistake": "no factor 1/2",
     "feedback": "keep it in the derivative",
     "answer": _log_var("(1 - r**2 * np.exp(-s)) / s.size")},
    {"question": "q3", "mistake": "wrong sign",
     "feedback": "Check the sign",
     "answer": _log_var("0.5 * (r**2 * np.exp(-s) - 1) / s.size")},
    {"question": "q3", "mistake": "derivative with respect to the variance",
     "feedback": "derivative with respect to the variance",
     "answer": _log_var("0.5 * (np.exp(-s) - r**2 * np.exp(-2 * s)) / s.size")},
    {"question": "q3", "mistake": "only the log term",
     "feedback": "through exp(-log_var)",
     "answer": _log_var("np.full(s.shape, 0.5 / max(s.size, 1)) if s.ndim else 0.5")},
    {"question": "q3", "mistake": "only the squared-residual term",
     "feedback": "its derivative is 1/2",
     "answer": _log_var("-0.5 * r**2 * np.exp(-s) / s.size")},
    {"question": "q3", "mistake": "n is the number of columns",
     "feedback": "not the number of columns",
     "answer": _log_var("0.5 * (1 - r**2 * np.exp(-s)) / (s.shape[-1] if s.ndim else 1)")},
    # q4: the fit
    {"question": "q4", "mistake": "reports the MSE slope",
     "feedback": "slope of the MSE line",
     "answer": _FIT.format(slope="np.polyfit(x, y, 1)[0]", left="np.exp(0.5 * (c - d))",
                           right="np.exp(0.5 * (c + d))")},
    {"question": "q4", "mistake": "reports the variance, not the standard deviation",
     "feedback": "its square root",
     "answer": _FIT.format(slope="b", left="np.exp(c - d)", right="np.exp(c + d)")},
    {"question": "q4", "mistake": "reports the log-variance",
     "feedback": "That is the log-variance",
     "answer": _FIT.format(slope="b", left="c - d", right="c + d")},
    {"question": "q4", "mistake": "swaps the two ends",
     "feedback": "That is the spread at x",
     "answer": _FIT.format(slope="b", left="np.exp(0.5 * (c + d))", right="np.exp(0.5 * (c - d))")},
    {"question": "q4", "mistake": "one constant spread from the MSE line",
     "feedback": "one constant spread",
     "answer": _FIT.format(
         slope="b",
         left="np.sqrt(np.mean((y - np.polyval(np.polyfit(x, y, 1), x)) ** 2))",
         right="np.sqrt(np.mean((y - np.polyval(np.polyfit(x, y, 1), x)) ** 2))")},
    {"question": "q4", "mistake": "reports the slope of the log-variance",
     "feedback": "slope of the log-variance line",
     "answer": _FIT.format(slope="d", left="np.exp(0.5 * (c - d))", right="np.exp(0.5 * (c + d))")},
    # q5 and q6: every wrong letter
    *[{"question": "q5", "mistake": f"chooses {letter}", "feedback": words,
       "answer": f'counts_choice = "{letter}"'}
      for letter, words in (("a", "one fixed spread"), ("c", "0/1 label"), ("d", "Laplace noise"))],
    *[{"question": "q6", "mistake": f"chooses {letter}", "feedback": words,
       "answer": f'torch_choice = "{letter}"'}
      for letter, words in (("a", "not its logarithm"), ("b", "standard deviation"), ("d", "precision"))],
]
