"""Typical wrong answers to exercise 02_mse_mae (solutions/02_mse_mae.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""

def _mae_grad(body: str) -> str:
    """A mae_grad answer returning ``body`` (of the residuals r)."""
    return f'''
def mae_grad(y_true, y_pred):
    r = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    with np.errstate(all="ignore"):
        return {body}
'''


MUTATIONS = [
    # ------------------------------------------------------------ q1: mse
    {
        "question": "q1",
        "mistake": "sums instead of averaging",
        "feedback": "sum the squared errors instead of averaging",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    squared = (np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2
    if reduction == "none":
        return squared
    return float(np.sum(squared))
''',
    },
    {
        "question": "q1",
        "mistake": "absolute errors instead of squared errors",
        "feedback": "That is the mean absolute error",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    return float(np.mean(np.abs(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))))
''',
    },
    {
        "question": "q1",
        "mistake": "takes the root (RMSE)",
        "feedback": "That is the RMSE",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    return float(np.sqrt(np.mean((np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2)))
''',
    },
    {
        "question": "q1",
        "mistake": "a 1/2 in front",
        "feedback": "Did you put a 1/2 in front",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    return 0.5 * float(np.mean((np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2))
''',
    },
    {
        "question": "q1",
        "mistake": "squares the mean error",
        "feedback": "You squared the mean error",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    return float(np.mean(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2)
''',
    },
    {
        "question": "q1",
        "mistake": "ignores reduction",
        "feedback": "With reduction='sum'",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    return float(np.mean((np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2))
''',
    },
    {
        "question": "q1",
        "mistake": "reduction='none' returns the signed errors",
        "feedback": "return the squared errors themselves",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    if reduction == "none":
        return error
    if reduction == "sum":
        return float(np.sum(error ** 2))
    return float(np.mean(error ** 2))
''',
    },
    {
        "question": "q1",
        "mistake": "averages along the last axis only",
        "feedback": "not along one axis",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    squared = (np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2
    if reduction == "none":
        return squared
    if reduction == "sum":
        return float(np.sum(squared))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    mean = np.mean(squared, axis=-1)
    return float(mean) if mean.ndim == 0 else mean
''',
    },
    {
        "question": "q1",
        "mistake": "divides by the number of rows",
        "feedback": "number of rows instead of the number of elements",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    squared = (np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2
    if reduction == "none":
        return squared
    if reduction == "sum":
        return float(np.sum(squared))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    return float(np.sum(squared) / len(squared))
''',
    },
    {
        "question": "q1",
        "mistake": "an unknown reduction silently means 'mean'",
        "feedback": "must raise ValueError",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    squared = (np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2
    if reduction == "none":
        return squared
    if reduction == "sum":
        return float(np.sum(squared))
    return float(np.mean(squared))
''',
    },
    {
        "question": "q1",
        "mistake": "subtracts Python lists",
        "feedback": "convert them with np.asarray",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    return float(np.mean((y_pred - y_true) ** 2))
''',
    },
    {
        "question": "q1",
        "mistake": "changes y_pred in place",
        "feedback": "changed its argument number 2 in place",
        "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    y_pred = np.asarray(y_pred, dtype=float)
    y_pred -= np.asarray(y_true, dtype=float)
    y_pred **= 2
    if reduction == "none":
        return y_pred
    if reduction == "sum":
        return float(np.sum(y_pred))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    return float(np.mean(y_pred))
''',
    },
    # ------------------------------------------------------------ q2: mae
    {
        "question": "q2",
        "mistake": "sums instead of averaging",
        "feedback": "sum the absolute errors instead of averaging",
        "answer": '''
def mae(y_true, y_pred, reduction="mean"):
    return float(np.sum(np.abs(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))))
''',
    },
    {
        "question": "q2",
        "mistake": "forgets the absolute value",
        "feedback": "Without the absolute value",
        "answer": '''
def mae(y_true, y_pred, reduction="mean"):
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    if reduction == "none":
        return error
    if reduction == "sum":
        return float(np.sum(error))
    return float(np.mean(error))
''',
    },
    {
        "question": "q2",
        "mistake": "squares instead",
        "feedback": "That is the mean squared error",
        "answer": '''
def mae(y_true, y_pred, reduction="mean"):
    return float(np.mean((np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2))
''',
    },
    {
        "question": "q2",
        "mistake": "averages along the last axis only",
        "feedback": "not along one axis",
        "answer": '''
def mae(y_true, y_pred, reduction="mean"):
    absolute = np.abs(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))
    if reduction == "none":
        return absolute
    if reduction == "sum":
        return float(np.sum(absolute))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    mean = np.mean(absolute, axis=-1)
    return float(mean) if mean.ndim == 0 else mean
''',
    },
    {
        "question": "q2",
        "mistake": "an unknown reduction silently means 'mean'",
        "feedback": "must raise ValueError",
        "answer": '''
def mae(y_true, y_pred, reduction="mean"):
    absolute = np.abs(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))
    if reduction == "none":
        return absolute
    if reduction == "sum":
        return float(np.sum(absolute))
    return float(np.mean(absolute))
''',
    },
    # ------------------------------------------------------------ q3: mse_grad
    {
        "question": "q3",
        "mistake": "drops the factor 2",
        "feedback": "the factor 2 is missing",
        "answer": '''
def mse_grad(y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=float)
    return (y_pred - np.asarray(y_true, dtype=float)) / y_pred.size
''',
    },
    {
        "question": "q3",
        "mistake": "differentiates with respect to y_true",
        "feedback": "Did you use y_true - y_pred",
        "answer": '''
def mse_grad(y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=float)
    return 2.0 * (np.asarray(y_true, dtype=float) - y_pred) / y_pred.size
''',
    },
    {
        "question": "q3",
        "mistake": "the gradient of the sum",
        "feedback": "Did you differentiate the sum",
        "answer": '''
def mse_grad(y_true, y_pred):
    return 2.0 * (np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))
''',
    },
    {
        "question": "q3",
        "mistake": "returns the error itself",
        "feedback": "That is the error itself",
        "answer": '''
def mse_grad(y_true, y_pred):
    return np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
''',
    },
    {
        "question": "q3",
        "mistake": "n is the number of rows",
        "feedback": "not the number of rows",
        "answer": '''
def mse_grad(y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=float)
    return 2.0 * (y_pred - np.asarray(y_true, dtype=float)) / len(y_pred)
''',
    },
    {
        "question": "q3",
        "mistake": "returns one number (the derivative summed)",
        "feedback": "but the right result is an array of shape (4,)",
        "answer": '''
def mse_grad(y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=float)
    return float(np.sum(2.0 * (y_pred - np.asarray(y_true, dtype=float)) / y_pred.size))
''',
    },
    # ------------------------------------------------------------ q4: mae_grad
    {
        "question": "q4",
        "mistake": "not divided by n",
        "feedback": "Did you differentiate the sum",
        "answer": _mae_grad("np.sign(r)"),
    },
    {
        "question": "q4",
        "mistake": "the sign flipped",
        "feedback": "Did you use y_true - y_pred",
        "answer": _mae_grad("np.sign(-r) / r.size"),
    },
    {
        "question": "q4",
        "mistake": "the residual instead of its sign",
        "feedback": "the gradient of half the squared error",
        "answer": _mae_grad("r / r.size"),
    },
    {
        "question": "q4",
        "mistake": "the gradient of the MSE",
        "feedback": "That is the gradient of the MSE",
        "answer": _mae_grad("2 * r / r.size"),
    },
    {
        "question": "q4",
        "mistake": "n is the number of rows",
        "feedback": "not the number of rows",
        "answer": _mae_grad("np.sign(r) / len(r)"),
    },
    {
        "question": "q4",
        "mistake": "r / |r|, nan at a zero residual",
        "feedback": "0 / 0 = nan",
        "answer": _mae_grad("r / np.abs(r) / r.size"),
    },
    {
        "question": "q4",
        "mistake": "a subgradient outside [-1/n, 1/n] at zero",
        "feedback": "but the right value is",
        "answer": _mae_grad("np.where(r == 0, 1.0, np.sign(r)) / r.size * np.where(r == 0, 2.0, 1.0)"),
    },
    # ------------------------------------------------------------ q5: house prices
    {
        "question": "q5",
        "mistake": "the error, not its square",
        "feedback": "That is the error itself",
        "answer": '''
house_squared_error = 300_000 - 250_000
house_rmse = 31_622.78
''',
    },
    {
        "question": "q5",
        "mistake": "a zero missing: 2.5e8",
        "feedback": "A zero went missing",
        "answer": '''
house_squared_error = 2.5e8
house_rmse = 31_622.78
''',
    },
    {
        "question": "q5",
        "mistake": "prices in thousands",
        "feedback": "not in thousands",
        "answer": '''
house_squared_error = (300 - 250) ** 2
house_rmse = 31_622.78
''',
    },
    {
        "question": "q5",
        "mistake": "MSE instead of RMSE",
        "feedback": "take its square root",
        "answer": '''
house_squared_error = 2.5e9
house_rmse = ((300_000 - 250_000) ** 2 + (200_000 - 210_000) ** 2 + (500_000 - 480_000) ** 2) / 3
''',
    },
    {
        "question": "q5",
        "mistake": "MAE instead of RMSE",
        "feedback": "That is the mean absolute error",
        "answer": '''
house_squared_error = 2.5e9
house_rmse = (50_000 + 10_000 + 20_000) / 3
''',
    },
    {
        "question": "q5",
        "mistake": "root of the sum of squares",
        "feedback": "root of the sum",
        "answer": '''
house_squared_error = 2.5e9
house_rmse = np.sqrt(2.5e9 + 1e8 + 4e8)
''',
    },
    # ------------------------------------------------------------ q6: best constants
    {
        "question": "q6",
        "mistake": "mean and median swapped",
        "feedback": "That is the median, which minimises the MAE",
        "answer": '''
values = np.array([2.0, 3.0, 3.0, 5.0, 37.0])
best_constant_mse = float(np.median(values))
best_constant_mae = float(np.mean(values))
''',
    },
    {
        "question": "q6",
        "mistake": "the outlier dropped",
        "feedback": "Keep the outlier",
        "answer": '''
values = np.array([2.0, 3.0, 3.0, 5.0, 37.0])
best_constant_mse = float(np.mean(values[:-1]))
best_constant_mae = float(np.median(values))
''',
    },
    # ------------------------------------------------------------ q7: judgement
    {
        "question": "q7",
        "mistake": "both constants move alike",
        "feedback": "the median is still 3",
        "answer": 'outlier_judgement = "b"',
    },
    {
        "question": "q7",
        "mistake": "absolute errors punish large errors more",
        "feedback": "It is the other way round",
        "answer": 'outlier_judgement = "c"',
    },
    {
        "question": "q7",
        "mistake": "one value cannot move a minimiser",
        "feedback": "one value can move it as far as it likes",
        "answer": 'outlier_judgement = "D"',
    },
]
