"""Typical wrong answers to exercise 01_introduction (solutions/01_introduction.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""

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
        "answer": '''
grad_w = np.mean(2 * (y - w * x - b) * x)
grad_b = np.mean(2 * (y - w * x - b))
''',
    },
    {
        "question": "q2",
        "mistake": "drops the factor 2",
        "feedback": "the factor 2 is missing",
        "answer": '''
grad_w = np.mean((w * x + b - y) * x)
grad_b = np.mean(w * x + b - y)
''',
    },
    {
        "question": "q2",
        "mistake": "the gradient of the sum",
        "feedback": "divides by 4 too",
        "answer": '''
grad_w = np.sum(2 * (w * x + b - y) * x)
grad_b = np.sum(2 * (w * x + b - y))
''',
    },
    {
        "question": "q2",
        "mistake": "forgets the factor x_i in dL/dw",
        "feedback": "That is dL/db",
        "answer": '''
grad_w = np.mean(2 * (w * x + b - y))
grad_b = np.mean(2 * (w * x + b - y))
''',
    },
    {
        "question": "q2",
        "mistake": "puts x_i into dL/db",
        "feedback": "That is dL/dw",
        "answer": '''
grad_w = np.mean(2 * (w * x + b - y) * x)
grad_b = np.mean(2 * (w * x + b - y) * x)
''',
    },
    # ------------------------------------------------------------ q3: one step
    {
        "question": "q3",
        "mistake": "steps uphill",
        "feedback": "You moved uphill",
        "answer": '''
w_next = w + lr * grad_w
b_next = b + lr * grad_b
loss_next = np.mean((w_next * x + b_next - y) ** 2)
''',
    },
    {
        "question": "q3",
        "mistake": "forgets the learning rate",
        "feedback": "Multiply the gradient by the learning rate",
        "answer": '''
w_next = w - grad_w
b_next = b - grad_b
loss_next = np.mean((w_next * x + b_next - y) ** 2)
''',
    },
    {
        "question": "q3",
        "mistake": "the loss at the old parameters",
        "feedback": "That is the loss at the start",
        "answer": '''
w_next = w - lr * grad_w
b_next = b - lr * grad_b
loss_next = np.mean((w * x + b - y) ** 2)
''',
    },
    {
        "question": "q3",
        "mistake": "sums the squared residuals",
        "feedback": "sum the squared residuals",
        "answer": '''
w_next = w - lr * grad_w
b_next = b - lr * grad_b
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
        "answer": 'lr_judgement = "(c)"',
    },
    {
        "question": "q4",
        "mistake": "the learning rate only changes the run time",
        "feedback": "the learning rate decides where the parameters go",
        "answer": 'lr_judgement = "d"',
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
        "answer": 'zero_loss_judgement = "c"',
    },
    {
        "question": "q5",
        "mistake": "zero means divergence",
        "feedback": "Diverging makes the loss grow",
        "answer": 'zero_loss_judgement = "d"',
    },
]
