"""Typical wrong answers to exercise 08_choosing_a_loss (solutions/08_choosing_a_loss.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""

_RIGHT_TASKS = {"task_houses": "a", "task_digits": "c", "task_spam": "b", "task_svm": "d",
                "task_tags": "b"}


def _tasks(**wrong) -> str:
    """The answer cell of question 1 with some tasks answered wrongly."""
    answers = {**_RIGHT_TASKS, **wrong}
    return "\n".join(f'{name} = "{letter}"' for name, letter in answers.items())


# (task, wrong letter, words of its feedback)
_TASK_MISTAKES = [
    ("task_houses", "b", "a price is a number, so the output is the identity"),
    ("task_houses", "c", "a price is a number to predict, not a class"),
    ("task_houses", "d", "use the identity with Huber or the MAE"),
    ("task_digits", "a", "The digits are categories, not amounts"),
    ("task_digits", "b", "One sigmoid gives one probability, for two classes"),
    ("task_digits", "d", "one digit out of ten calls for softmax"),
    ("task_spam", "a", "outputs that are not probabilities"),
    ("task_spam", "c", "redundant second output"),
    ("task_spam", "d", "the mail client needs a probability"),
    ("task_svm", "a", "charges points for being too far on the right side"),
    ("task_svm", "b", "keeps pushing every point"),
    ("task_svm", "c", "the maximum-margin line is the hinge loss's"),
    ("task_tags", "a", "The tags are yes/no questions, not numbers"),
    ("task_tags", "c", "so the labels compete"),
    ("task_tags", "d", "several labels at once call for one sigmoid per label"),
]

_RIGHT_GRAD = '''
def sigmoid_mse_grad(y_true, logits):
    y = np.asarray(y_true, dtype=float)
    z = np.asarray(logits, dtype=float)
    p = 1 / (1 + np.exp(-z))
    return 2 * (p - y) * p * (1 - p) / z.size
'''


def _grad(old: str, new: str) -> str:
    assert old in _RIGHT_GRAD, old
    return _RIGHT_GRAD.replace(old, new)


_Q3_DATA = '''
logits = np.array([6.0, -1.0, 2.0, -3.0])
y_spam = np.array([0.0, 0.0, 1.0, 1.0])
probs = 1 / (1 + np.exp(-logits))
'''

_Q4_TRAIN = '''
first = {}
for loss in ("bce", "sigmoid_mse"):
    history = train_gd(X, labels, loss=loss, lr=0.5, num_epochs=300, w0=[-2.5, -2.5], b0=0.0)
    accuracy = np.array([np.mean((history.predict(X, e) > 0.5) == labels) for e in range(1, 301)])
    first[loss] = int(np.argmax(accuracy COMPARE 0.9)) + OFFSET
epochs_bce = first["bce"]
epochs_smse = first["sigmoid_mse"]
'''


def _q4(compare: str, offset: int) -> str:
    """Question 4's answer, comparing the accuracy with 0.9 by ``compare``, epochs from ``offset``."""
    return _Q4_TRAIN.replace("COMPARE", compare).replace("OFFSET", str(offset))


MUTATIONS = [
    # ------------------------------------------------------------ q1: the pairings
    *[{"question": "q1", "mistake": f"{task} answered {letter!r}", "feedback": words,
       "answer": _tasks(**{task: letter})} for task, letter, words in _TASK_MISTAKES],
    # ------------------------------------------------------------ q2: sigmoid_mse_grad
    {
        "question": "q2",
        "mistake": "forgets the sigmoid's slope",
        "feedback": "The chain rule multiplies by the sigmoid's slope",
        "answer": _grad("2 * (p - y) * p * (1 - p) / z.size", "2 * (p - y) / z.size"),
    },
    {
        "question": "q2",
        "mistake": "drops the factor 2",
        "feedback": "the factor 2 is missing",
        "answer": _grad("2 * (p - y) * p * (1 - p) / z.size", "(p - y) * p * (1 - p) / z.size"),
    },
    {
        "question": "q2",
        "mistake": "the wrong sign (y - p)",
        "feedback": "Did you use y - p",
        "answer": _grad("2 * (p - y) * p * (1 - p) / z.size", "2 * (y - p) * p * (1 - p) / z.size"),
    },
    {
        "question": "q2",
        "mistake": "differentiates the sum",
        "feedback": "Did you differentiate the sum",
        "answer": _grad("2 * (p - y) * p * (1 - p) / z.size", "2 * (p - y) * p * (1 - p)"),
    },
    {
        "question": "q2",
        "mistake": "the gradient of binary cross-entropy",
        "feedback": "That is the gradient of binary cross-entropy",
        "answer": _grad("2 * (p - y) * p * (1 - p) / z.size", "(p - y) / z.size"),
    },
    {
        "question": "q2",
        "mistake": "the slope taken as p",
        "feedback": "not p alone",
        "answer": _grad("2 * (p - y) * p * (1 - p) / z.size", "2 * (p - y) * p / z.size"),
    },
    {
        "question": "q2",
        "mistake": "the squared error of the logits",
        "feedback": "not of the logit z itself",
        "answer": _grad("2 * (p - y) * p * (1 - p) / z.size", "2 * (z - y) / z.size"),
    },
    {
        "question": "q2",
        "mistake": "the slope written with exp, nan at -1000",
        "feedback": "inf / inf = nan at z = -1000",
        "answer": _grad("2 * (p - y) * p * (1 - p) / z.size",
                        "2 * (p - y) * np.exp(-z) / (1 + np.exp(-z)) ** 2 / z.size"),
    },
    {
        "question": "q2",
        "mistake": "the sigmoid as exp(z) / (1 + exp(z)), nan at 1000",
        "feedback": "inf / inf = nan at z = 1000",
        "answer": _grad("p = 1 / (1 + np.exp(-z))", "p = np.exp(z) / (1 + np.exp(z))"),
    },
    {
        "question": "q2",
        "mistake": "n as the number of rows",
        "feedback": "not the number of rows",
        "answer": _grad("/ z.size", "/ len(z)"),
    },
    {
        "question": "q2",
        "mistake": "n as the number of columns",
        "feedback": "not the number of columns",
        "answer": _grad("/ z.size", "/ z.shape[-1]"),
    },
    # ------------------------------------------------------------ q3: the two gradients
    {
        "question": "q3",
        "mistake": "the gradients of one sample, not of the mean",
        "feedback": "so divide by n = 4",
        "answer": _Q3_DATA + '''
grad_bce_first = probs[0] - y_spam[0]
grad_smse_first = 2 * (probs[0] - y_spam[0]) * probs[0] * (1 - probs[0])
gradient_ratio = grad_bce_first / grad_smse_first
''',
    },
    {
        "question": "q3",
        "mistake": "the wrong sign",
        "feedback": "Did you use y - ",
        "answer": _Q3_DATA + '''
grad_bce_first = (y_spam[0] - probs[0]) / 4
grad_smse_first = 2 * (y_spam[0] - probs[0]) * probs[0] * (1 - probs[0]) / 4
gradient_ratio = grad_bce_first / grad_smse_first
''',
    },
    {
        "question": "q3",
        "mistake": "a target of 1, as in the chapter's example",
        "feedback": "label is 0 (not spam)",
        "answer": _Q3_DATA + '''
grad_bce_first = (probs[0] - 1) / 4
grad_smse_first = 2 * (probs[0] - 1) * probs[0] * (1 - probs[0]) / 4
gradient_ratio = grad_bce_first / grad_smse_first
''',
    },
    {
        "question": "q3",
        "mistake": "the squared error without the sigmoid's slope",
        "feedback": "slope p (1 - p) is missing",
        "answer": _Q3_DATA + '''
grad_bce_first = (probs[0] - y_spam[0]) / 4
grad_smse_first = 2 * (probs[0] - y_spam[0]) / 4
gradient_ratio = grad_bce_first / grad_smse_first
''',
    },
    {
        "question": "q3",
        "mistake": "the ratio upside down",
        "feedback": "upside down",
        "answer": _Q3_DATA + '''
grad_bce_first = (probs[0] - y_spam[0]) / 4
grad_smse_first = sigmoid_mse_grad(y_spam, logits)[0]
gradient_ratio = grad_smse_first / grad_bce_first
''',
    },
    {
        "question": "q3",
        "mistake": "the loss instead of its derivative",
        "feedback": "That is the loss itself",
        "answer": _Q3_DATA + '''
grad_bce_first = (6.0 + np.log1p(np.exp(-6.0))) / 4
grad_smse_first = sigmoid_mse_grad(y_spam, logits)[0]
gradient_ratio = grad_bce_first / grad_smse_first
''',
    },
    # ------------------------------------------------------------ q4: training
    {
        "question": "q4",
        "mistake": "0-based epochs",
        "feedback": "Count epochs from 1",
        "answer": _q4(">=", 0),
    },
    {
        "question": "q4",
        "mistake": "more than 90 % instead of at least 90 %",
        "feedback": "use >= 0.9, not > 0.9",
        "answer": _q4(">", 1),
    },
    {
        "question": "q4",
        "mistake": "trained from zero weights",
        "feedback": "Start from the confidently wrong weights",
        "answer": '''
first = {}
for loss in ("bce", "sigmoid_mse"):
    history = train_gd(X, labels, loss=loss, lr=0.5, num_epochs=300)
    accuracy = np.array([np.mean((history.predict(X, e) > 0.5) == labels) for e in range(1, 301)])
    first[loss] = int(np.argmax(accuracy >= 0.9)) + 1
epochs_bce = first["bce"]
epochs_smse = first["sigmoid_mse"]
''',
    },
    {
        "question": "q4",
        "mistake": "the two numbers swapped",
        "feedback": "That is the squared error's epoch",
        "answer": _q4(">=", 1).replace(
            'epochs_bce = first["bce"]\nepochs_smse = first["sigmoid_mse"]',
            'epochs_bce = first["sigmoid_mse"]\nepochs_smse = first["bce"]'),
    },
    # ------------------------------------------------------------ q5: least squares
    {
        "question": "q5",
        "mistake": "nothing goes wrong",
        "feedback": "Easy examples hurt least squares",
        "answer": 'least_squares_judgement = "b"',
    },
    {
        "question": "q5",
        "mistake": "least squares cannot fit 0/1 labels",
        "feedback": "Least squares fits any targets",
        "answer": 'least_squares_judgement = "c"',
    },
    {
        "question": "q5",
        "mistake": "the easy points are ignored",
        "feedback": "It is the other way round",
        "answer": 'least_squares_judgement = "d"',
    },
    # ------------------------------------------------------------ q6: real large values
    {
        "question": "q6",
        "mistake": "the MAE for real large values",
        "feedback": "The workshops are not errors",
        "answer": 'energy_judgement = "a"',
    },
    {
        "question": "q6",
        "mistake": "Huber with a small delta for real large values",
        "feedback": "also aims below the mean",
        "answer": 'energy_judgement = "b"',
    },
    {
        "question": "q6",
        "mistake": "every loss gives the same total",
        "feedback": "Only the squared error fitted with an intercept",
        "answer": 'energy_judgement = "d"',
    },
]
