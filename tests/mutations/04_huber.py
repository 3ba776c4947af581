"""Typical wrong answers to exercise 04_huber (solutions/04_huber.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""


def _huber(pieces: str, reduce: str = "float(np.mean(losses))") -> str:
    """A huber answer whose loss per element is ``pieces`` (of r, abs_r and delta)."""
    return f'''
def huber(y_true, y_pred, delta=1.0, reduction="mean"):
    r = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    abs_r = np.abs(r)
    losses = {pieces}
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    return {reduce}
'''


def _huber_grad(body: str) -> str:
    return f'''
def huber_grad(y_true, y_pred, delta=1.0):
    r = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return {body}
'''


_Q3 = '''
y_true_s = 60 * np.array([30.0, 25.0, 40.0, 35.0])
y_pred_s = 60 * np.array([29.5, 25.0, 41.5, 40.0])
loss_seconds = {seconds}
loss_seconds_scaled = {scaled}
'''

_Q4 = '''
sigma_hat = {sigma}
delta_hat = {delta}
'''

_Q5 = '''
cs = np.linspace(25.0, 40.0, 1501)
losses = [huber(times, np.full(15, c), delta={delta}) for c in cs]
huber_time = {huber_time}
mse_time = {mse_time}
mae_time = {mae_time}
'''

_Q7 = '''
x_km = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0])
minutes = np.array([6.9, 5.2, 8.8, 9.6, 33.2, 12.8, 13.1, 15.8, 16.9, 52.3, 20.7, 21.8])
slope_ls, intercept_ls = np.polyfit(x_km, minutes, 1)
residuals_ls = slope_ls * x_km + intercept_ls - minutes
delta_line = {delta}
slope, intercept = 0.0, 0.0
for _ in range({steps}):
    g = huber_grad(minutes, slope * x_km + intercept, delta={train_delta})
    slope, intercept = slope - 0.1 * np.sum(g * x_km), intercept - 0.1 * np.sum(g)
w_huber = {w}
b_huber = {b}
'''
_MAD_DELTA = "1.345 * 1.4826 * np.median(np.abs(residuals_ls - np.median(residuals_ls)))"


def _q7(delta=_MAD_DELTA, train_delta="delta_line", steps=3000, w="slope", b="intercept"):
    return _Q7.format(delta=delta, train_delta=train_delta, steps=steps, w=w, b=b)


MUTATIONS = [
    # ------------------------------------------------------------ q1: huber
    {
        "question": "q1",
        "mistake": "sums instead of averaging",
        "feedback": "sum the losses instead of averaging",
        "answer": _huber("np.where(abs_r <= delta, 0.5 * r**2, delta * (abs_r - 0.5 * delta))",
                         reduce="float(np.sum(losses))"),
    },
    {
        "question": "q1",
        "mistake": "no 1/2 in the quadratic piece",
        "feedback": "the 1/2 is missing",
        "answer": _huber("np.where(abs_r <= delta, r**2, delta * (abs_r - 0.5 * delta))"),
    },
    {
        "question": "q1",
        "mistake": "the linear piece delta * |r| - delta**2, without the half",
        "feedback": "the 1/2 of delta**2 is missing",
        "answer": _huber("np.where(abs_r <= delta, 0.5 * r**2, delta * abs_r - delta**2)"),
    },
    {
        "question": "q1",
        "mistake": "the linear piece delta * |r|, without the offset",
        "feedback": "without the offset",
        "answer": _huber("np.where(abs_r <= delta, 0.5 * r**2, delta * abs_r)"),
    },
    {
        "question": "q1",
        "mistake": "the two pieces swapped",
        "feedback": "The pieces are swapped",
        "answer": _huber("np.where(abs_r > delta, 0.5 * r**2, delta * (abs_r - 0.5 * delta))"),
    },
    {
        "question": "q1",
        "mistake": "delta ignored (always 1)",
        "feedback": "delta was ignored",
        "answer": _huber("np.where(abs_r <= 1.0, 0.5 * r**2, abs_r - 0.5)"),
    },
    {
        "question": "q1",
        "mistake": "the linear piece without the factor delta",
        "feedback": "the factor delta is missing",
        "answer": _huber("np.where(abs_r <= delta, 0.5 * r**2, abs_r - 0.5 * delta)"),
    },
    {
        "question": "q1",
        "mistake": "SmoothL1 (the Huber loss divided by delta)",
        "feedback": "SmoothL1Loss",
        "answer": _huber("np.where(abs_r < delta, 0.5 * r**2 / delta, abs_r - 0.5 * delta)"),
    },
    {
        "question": "q1",
        "mistake": "the offset 1/2 instead of delta / 2",
        "feedback": "not 1/2",
        "answer": _huber("np.where(abs_r <= delta, 0.5 * r**2, delta * (abs_r - 0.5))"),
    },
    {
        "question": "q1",
        "mistake": "no absolute value in the linear piece",
        "feedback": "Use |r| in the linear piece",
        "answer": _huber("np.where(abs_r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))"),
    },
    {
        "question": "q1",
        "mistake": "compares r, not |r|, with delta",
        "feedback": "Compare |r| with delta, not r",
        "answer": _huber("np.where(r <= delta, 0.5 * r**2, delta * (abs_r - 0.5 * delta))"),
    },
    {
        "question": "q1",
        "mistake": "the mean squared error",
        "feedback": "That is the mean squared error",
        "answer": _huber("r**2"),
    },
    {
        "question": "q1",
        "mistake": "averages along the last axis only",
        "feedback": "not along one axis",
        "answer": _huber("np.where(abs_r <= delta, 0.5 * r**2, delta * (abs_r - 0.5 * delta))",
                         reduce="np.mean(losses, axis=-1) if losses.ndim > 1 "
                                "else float(np.mean(losses))"),
    },
    {
        "question": "q1",
        "mistake": "an unknown reduction silently means 'mean'",
        "feedback": "must raise ValueError",
        "answer": '''
def huber(y_true, y_pred, delta=1.0, reduction="mean"):
    r = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    losses = np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    return float(np.mean(losses))
''',
    },
    {
        "question": "q1",
        "mistake": "reduction='none' returns the residuals",
        "feedback": "return the losses, not the residuals",
        "answer": '''
def huber(y_true, y_pred, delta=1.0, reduction="mean"):
    r = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    losses = np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))
    if reduction == "none":
        return r
    if reduction == "sum":
        return float(np.sum(losses))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    return float(np.mean(losses))
''',
    },
    # ------------------------------------------------------------ q2: huber_grad
    {
        "question": "q2",
        "mistake": "not divided by n",
        "feedback": "Did you differentiate the sum",
        "answer": _huber_grad("np.clip(r, -delta, delta)"),
    },
    {
        "question": "q2",
        "mistake": "the sign flipped",
        "feedback": "Did you use y_true - y_pred",
        "answer": _huber_grad("np.clip(-r, -delta, delta) / r.size"),
    },
    {
        "question": "q2",
        "mistake": "not clipped",
        "feedback": "That is the gradient of half the squared error",
        "answer": _huber_grad("r / r.size"),
    },
    {
        "question": "q2",
        "mistake": "clipped at -1 and 1 whatever delta is",
        "feedback": "not |r| <= 1",
        "answer": _huber_grad("np.clip(r, -1.0, 1.0) / r.size"),
    },
    {
        "question": "q2",
        "mistake": "2 r inside the band",
        "feedback": "not 2 * r",
        "answer": _huber_grad("np.where(np.abs(r) <= delta, 2 * r, delta * np.sign(r)) / r.size"),
    },
    {
        "question": "q2",
        "mistake": "delta * sign(r) everywhere",
        "feedback": "That is the slope outside the band everywhere",
        "answer": _huber_grad("delta * np.sign(r) / r.size"),
    },
    {
        "question": "q2",
        "mistake": "SmoothL1's gradient",
        "feedback": "the gradient of SmoothL1",
        "answer": _huber_grad("np.clip(r, -delta, delta) / delta / r.size"),
    },
    {
        "question": "q2",
        "mistake": "n is the number of rows",
        "feedback": "not the number of rows",
        "answer": _huber_grad("np.clip(r, -delta, delta) / len(r)"),
    },
    {
        "question": "q2",
        "mistake": "returns one number (the gradient summed)",
        "feedback": "but the right result is an array of shape (7,)",
        "answer": _huber_grad("float(np.sum(np.clip(r, -delta, delta)) / r.size)"),
    },
    # ------------------------------------------------------------ q3: seconds
    {
        "question": "q3",
        "mistake": "the loss in minutes",
        "feedback": "convert the times to seconds",
        "answer": _Q3.format(seconds="1.40625", scaled="5062.5"),
    },
    {
        "question": "q3",
        "mistake": "the MAE in seconds",
        "feedback": "That is the mean absolute error in seconds",
        "answer": _Q3.format(seconds="105.0", scaled="5062.5"),
    },
    {
        "question": "q3",
        "mistake": "the zero residual given the linear piece",
        "feedback": "The residual 0 is in the quadratic zone",
        "answer": _Q3.format(seconds="np.mean(np.abs(y_pred_s - y_true_s) - 0.5)",
                             scaled="5062.5"),
    },
    {
        "question": "q3",
        "mistake": "the loss in minutes times 60",
        "feedback": "not by 60",
        "answer": _Q3.format(seconds="104.625", scaled="60 * 1.40625"),
    },
    {
        "question": "q3",
        "mistake": "delta left at 1 second",
        "feedback": "use delta = 60",
        "answer": _Q3.format(seconds="huber(y_true_s, y_pred_s)",
                             scaled="huber(y_true_s, y_pred_s)"),
    },
    # ------------------------------------------------------------ q4: choosing delta
    {
        "question": "q4",
        "mistake": "the standard deviation",
        "feedback": "the two lost couriers inflate",
        "answer": _Q4.format(sigma="np.std(times)", delta="1.345 * np.std(times)"),
    },
    {
        "question": "q4",
        "mistake": "the median absolute deviation without 1.4826",
        "feedback": "multiply it by 1.4826",
        "answer": _Q4.format(sigma="np.median(np.abs(times - np.median(times)))",
                             delta="1.345 * sigma_hat"),
    },
    {
        "question": "q4",
        "mistake": "deviations from 0, not from the median",
        "feedback": "not the times themselves",
        "answer": _Q4.format(sigma="1.4826 * np.median(np.abs(times))",
                             delta="1.345 * sigma_hat"),
    },
    {
        "question": "q4",
        "mistake": "the mean absolute deviation",
        "feedback": "not their mean",
        "answer": _Q4.format(sigma="1.4826 * np.mean(np.abs(times - np.median(times)))",
                             delta="1.345 * sigma_hat"),
    },
    {
        "question": "q4",
        "mistake": "sigma_hat taken as delta",
        "feedback": "delta is 1.345 times it",
        "answer": _Q4.format(sigma="1.4826 * np.median(np.abs(times - np.median(times)))",
                             delta="sigma_hat"),
    },
    {
        "question": "q4",
        "mistake": "the libraries' default delta = 1",
        "feedback": "default delta = 1",
        "answer": _Q4.format(sigma="1.4826 * np.median(np.abs(times - np.median(times)))",
                             delta="1.0"),
    },
    # ------------------------------------------------------------ q5: typical time
    {
        "question": "q5",
        "mistake": "the median as the Huber estimate",
        "feedback": "That is the median",
        "answer": _Q5.format(delta="4.0", huber_time="np.median(times)",
                             mse_time="np.mean(times)", mae_time="np.median(times)"),
    },
    {
        "question": "q5",
        "mistake": "the default delta = 1",
        "feedback": "the default delta = 1",
        "answer": _Q5.format(delta="1.0", huber_time="cs[np.argmin(losses)]",
                             mse_time="np.mean(times)", mae_time="np.median(times)"),
    },
    {
        "question": "q5",
        "mistake": "mean and median swapped",
        "feedback": "swap them",
        "answer": _Q5.format(delta="4.0", huber_time="cs[np.argmin(losses)]",
                             mse_time="np.median(times)", mae_time="np.mean(times)"),
    },
    # ------------------------------------------------------------ q6: judgement
    {
        "question": "q6",
        "mistake": "the same function for every beta",
        "feedback": "They agree only at delta = beta = 1",
        "answer": 'smooth_l1_judgement = "a"',
    },
    {
        "question": "q6",
        "mistake": "the factor the wrong way round",
        "feedback": "It is the other way round",
        "answer": 'smooth_l1_judgement = "b"',
    },
    {
        "question": "q6",
        "mistake": "different minimisers",
        "feedback": "A constant factor does not move a minimiser",
        "answer": 'smooth_l1_judgement = "(C)"',
    },
    # ------------------------------------------------------------ q7: a robust line
    {
        "question": "q7",
        "mistake": "delta from the standard deviation",
        "feedback": "which the two lost couriers inflate",
        "answer": _q7(delta="1.345 * np.std(residuals_ls)"),
    },
    {
        "question": "q7",
        "mistake": "the median absolute deviation without 1.4826",
        "feedback": "Multiply the median absolute deviation by 1.4826",
        "answer": _q7(delta="1.345 * np.median(np.abs(residuals_ls - np.median(residuals_ls)))"),
    },
    {
        "question": "q7",
        "mistake": "deviations of the times, not residuals of a line",
        "feedback": "Use the residuals of the least-squares line",
        "answer": _q7(delta="1.345 * 1.4826 * np.median(np.abs(minutes - np.median(minutes)))"),
    },
    {
        "question": "q7",
        "mistake": "reports the least-squares line",
        "feedback": "That is the least-squares line",
        "answer": _q7(w="slope_ls", b="intercept_ls"),
    },
    {
        "question": "q7",
        "mistake": "trains with the default delta = 1",
        "feedback": "the default delta = 1",
        "answer": _q7(train_delta="1.0"),
    },
    {
        "question": "q7",
        "mistake": "forgets x in the derivative with respect to w",
        "feedback": "which is not right",
        "answer": _q7().replace("np.sum(g * x_km)", "np.sum(g)"),
    },
]
