"""Typical wrong answers to exercise 01_introduction (solutions/01_introduction.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""


def _line_grad(dl_dw: str, dl_db: str) -> str:
    """A line_grad answer returning the two expressions (of x, y, w and b)."""
    return f'''
def line_grad(x, y, w, b):
    x = np.atleast_1d(np.asarray(x, dtype=float))
    y = np.atleast_1d(np.asarray(y, dtype=float))
    return float({dl_dw}), float({dl_db})
'''


_TYPO = '''
x_new = np.arange(8.0)
y_typed = np.array({targets})
slope, intercept = 0.0, 0.0
for _ in range({steps}):
    grad = line_grad(x_new, y_typed, slope, intercept)
    slope, intercept = slope - 0.02 * grad[0], intercept - 0.02 * grad[1]
w_typo = slope
b_typo = intercept
'''


MUTATIONS = [
    # ------------------------------------------------------------ q1: the loss
    {
        "question": "q1",
        "mistake": "sums instead of averaging",
        "feedback": "sum the squared residuals instead of averaging",
        "answer": "loss_start = np.sum((w * x + b - y) ** 2)",
    },
    {
        "question": "q1",
        "mistake": "averages the residuals without squaring",
        "feedback": "without squaring them",
        "answer": "loss_start = np.mean(w * x + b - y)",
    },
    {
        "question": "q1",
        "mistake": "absolute residuals",
        "feedback": "That is the mean absolute error",
        "answer": "loss_start = np.mean(np.abs(w * x + b - y))",
    },
    {
        "question": "q1",
        "mistake": "takes the root",
        "feedback": "That is the RMSE",
        "answer": "loss_start = np.sqrt(np.mean((w * x + b - y) ** 2))",
    },
    {
        "question": "q1",
        "mistake": "a 1/2 in front",
        "feedback": "Did you put a 1/2 in front",
        "answer": "loss_start = 0.5 * np.mean((w * x + b - y) ** 2)",
    },
    # ------------------------------------------------------------ q2: the gradient
    {
        "question": "q2",
        "mistake": "the wrong sign (target - prediction)",
        "feedback": "Check the sign",
        "answer": _line_grad("np.mean(2 * (y - w * x - b) * x)", "np.mean(2 * (y - w * x - b))"),
    },
    {
        "question": "q2",
        "mistake": "drops the factor 2",
        "feedback": "the factor 2 is missing",
        "answer": _line_grad("np.mean((w * x + b - y) * x)", "np.mean(w * x + b - y)"),
    },
    {
        "question": "q2",
        "mistake": "the gradient of the sum",
        "feedback": "Did you differentiate the sum",
        "answer": _line_grad("np.sum(2 * (w * x + b - y) * x)", "np.sum(2 * (w * x + b - y))"),
    },
    {
        "question": "q2",
        "mistake": "forgets the factor x_i in dL/dw",
        "feedback": "dL/dw is missing the factor x_i",
        "answer": _line_grad("np.mean(2 * (w * x + b - y))", "np.mean(2 * (w * x + b - y))"),
    },
    {
        "question": "q2",
        "mistake": "puts x_i into dL/db",
        "feedback": "dL/db has no x_i in it",
        "answer": _line_grad("np.mean(2 * (w * x + b - y) * x)",
                             "np.mean(2 * (w * x + b - y) * x)"),
    },
    {
        "question": "q2",
        "mistake": "returns the pair in the wrong order",
        "feedback": "in that order",
        "answer": _line_grad("np.mean(2 * (w * x + b - y))", "np.mean(2 * (w * x + b - y) * x)"),
    },
    {
        "question": "q2",
        "mistake": "n is the number of rows of a 2-D input",
        "feedback": "not the number of rows",
        "answer": _line_grad("np.sum(2 * (w * x + b - y) * x) / len(x)",
                             "np.sum(2 * (w * x + b - y)) / len(x)"),
    },
    {
        "question": "q2",
        "mistake": "the derivatives at the starting point, hard-coded",
        "feedback": "the right value is",
        "answer": _line_grad("-14.0", "-6.0"),
    },
    # ------------------------------------------------------------ q3: one step
    {
        "question": "q3",
        "mistake": "steps uphill",
        "feedback": "You moved uphill",
        "answer": '''
w_next = w + lr * line_grad(x, y, w, b)[0]
b_next = b + lr * line_grad(x, y, w, b)[1]
loss_next = np.mean((w_next * x + b_next - y) ** 2)
''',
    },
    {
        "question": "q3",
        "mistake": "forgets the learning rate",
        "feedback": "Multiply the gradient by the learning rate",
        "answer": '''
w_next = w - line_grad(x, y, w, b)[0]
b_next = b - line_grad(x, y, w, b)[1]
loss_next = np.mean((w_next * x + b_next - y) ** 2)
''',
    },
    {
        "question": "q3",
        "mistake": "the loss at the old parameters",
        "feedback": "That is the loss at the start",
        "answer": '''
w_next = w - lr * line_grad(x, y, w, b)[0]
b_next = b - lr * line_grad(x, y, w, b)[1]
loss_next = np.mean((w * x + b - y) ** 2)
''',
    },
    {
        "question": "q3",
        "mistake": "sums the squared residuals",
        "feedback": "sum the squared residuals",
        "answer": '''
w_next = w - lr * line_grad(x, y, w, b)[0]
b_next = b - lr * line_grad(x, y, w, b)[1]
loss_next = np.sum((w_next * x + b_next - y) ** 2)
''',
    },
    # ------------------------------------------------------------ q4, q5: judgements
    {
        "question": "q4",
        "mistake": "the largest steps learn fastest",
        "feedback": "Each step overshoots the minimum",
        "answer": 'lr_judgement = "a"',
    },
    {
        "question": "q4",
        "mistake": "smaller is always better",
        "feedback": "Small steps are safe but slow",
        "answer": 'lr_judgement = "(b)"',
    },
    {
        "question": "q4",
        "mistake": "the learning rate only changes the run time",
        "feedback": "the learning rate decides where the parameters go",
        "answer": 'lr_judgement = "C"',
    },
    {
        "question": "q5",
        "mistake": "zero training loss means perfect on new data",
        "feedback": "says nothing by itself about new data",
        "answer": 'zero_loss_judgement = "a"',
    },
    {
        "question": "q5",
        "mistake": "a squared error cannot be zero",
        "feedback": "A squared error is 0 exactly when",
        "answer": 'zero_loss_judgement = "b"',
    },
    {
        "question": "q5",
        "mistake": "zero means divergence",
        "feedback": "Diverging makes the loss grow",
        "answer": 'zero_loss_judgement = "d"',
    },
    # ------------------------------------------------------------ q6: the typo
    {
        "question": "q6",
        "mistake": "the line of the corrected data",
        "feedback": "That is the line of the corrected data",
        "answer": _TYPO.format(targets="[1.0, 2.1, 3.1, 4.2, 5.3, 6.4, 7.4, 8.6]", steps=2000),
    },
    {
        "question": "q6",
        "mistake": "stops after 20 steps",
        "feedback": "Take all 2000 steps",
        "answer": _TYPO.format(targets="[1.0, 2.1, 3.1, 4.2, 5.3, 6.4, 74.0, 8.6]", steps=20),
    },
    {
        "question": "q6",
        "mistake": "steps uphill",
        "feedback": "from an overflow",
        "answer": _TYPO.format(targets="[1.0, 2.1, 3.1, 4.2, 5.3, 6.4, 74.0, 8.6]",
                               steps=2000).replace("slope - 0.02", "slope + 0.02"),
    },
]
