"""Typical wrong answers to exercise 05_hinge (solutions/05_hinge.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""

_CHECK = '''
    if not np.all((y == -1.0) | (y == 1.0)):
        raise ValueError("labels must be -1 or +1: convert 0/1 labels with 2 * y - 1")'''


def _hinge(losses: str, check: str = _CHECK, reduce: str = "float(np.mean(losses))") -> str:
    """A hinge answer with the label check ``check`` and the losses ``losses`` (of y, f)."""
    return f'''
def hinge(y_true, scores, reduction="mean"):
    y = np.asarray(y_true, dtype=float)
    f = np.asarray(scores, dtype=float){check}
    losses = {losses}
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    return {reduce}
'''


_RIGHT = "np.maximum(0.0, 1.0 - y * f)"


def _multiclass(violations: str, zero_true: bool = True, combine: str = "violations.sum(axis=1)",
                reduce: str = "float(np.mean(losses))") -> str:
    """A multiclass_hinge answer from its violations (of s, true_scores, margin)."""
    zero = "\n    violations[rows, y] = 0.0" if zero_true else ""
    return f'''
def multiclass_hinge(y_true, scores, margin=1.0, reduction="mean"):
    s = np.asarray(scores, dtype=float)
    y = np.asarray(y_true, dtype=int)
    rows = np.arange(len(s))
    true_scores = s[rows, y][:, None]
    violations = {violations}{zero}
    losses = {combine}
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    return {reduce}
'''


_WW = "np.maximum(0.0, s - true_scores + margin)"

_Q4 = '''
labels01 = np.array([1, 0, 0, 1, 1, 0])
spam_scores = np.array([2.5, -0.3, 0.8, 0.4, -1.2, -3.0])
labels_pm = {labels_pm}
spam_hinge = {spam_hinge}
hinge_on_01 = {hinge_on_01}
'''

def _grad(body: str) -> str:
    """A hinge_grad answer returning ``body`` (of y and f)."""
    return f'''
def hinge_grad(y_true, scores):
    y = np.asarray(y_true, dtype=float)
    f = np.asarray(scores, dtype=float)
    return {body}
'''


_SVM = '''
from lossbook import train_gd

rng = np.random.default_rng(5)
y_svm = np.where(np.arange(40) % 2 == 0, 1.0, -1.0)
X = np.column_stack([1.2 * y_svm, 0.8 * y_svm]) + rng.standard_normal((40, 2))
svm = train_gd(X, y_svm, loss="hinge", l2=0.01, lr=0.1, num_epochs=200)
margins = y_svm * (X @ svm.w + svm.b)
n_inside_margin = int({inside})
n_wrong_side = int({wrong})
margin_width = {width}
'''

MUTATIONS = [
    # ------------------------------------------------------------ q1: hinge
    {
        "question": "q1",
        "mistake": "sums instead of averaging",
        "feedback": "sum the losses instead of averaging",
        "answer": _hinge(_RIGHT, reduce="float(np.sum(losses))"),
    },
    {
        "question": "q1",
        "mistake": "forgets the clamp at 0",
        "feedback": "Clamp at 0",
        "answer": _hinge("1.0 - y * f"),
    },
    {
        "question": "q1",
        "mistake": "the wrong sign of the margin",
        "feedback": "check the sign in front of the margin",
        "answer": _hinge("np.maximum(0.0, 1.0 + y * f)"),
    },
    {
        "question": "q1",
        "mistake": "no margin (the perceptron loss)",
        "feedback": "not max(0, -y * f)",
        "answer": _hinge("np.maximum(0.0, -y * f)"),
    },
    {
        "question": "q1",
        "mistake": "leaves the labels out",
        "feedback": "Did you leave y out",
        "answer": _hinge("np.maximum(0.0, 1.0 - f)"),
    },
    {
        "question": "q1",
        "mistake": "the squared hinge",
        "feedback": "That is the squared hinge",
        "answer": _hinge("np.maximum(0.0, 1.0 - y * f) ** 2"),
    },
    {
        "question": "q1",
        "mistake": "accepts 0/1 labels silently",
        "feedback": "0/1 labels must be refused",
        "answer": _hinge(_RIGHT, check=""),
    },
    {
        "question": "q1",
        "mistake": "converts 0/1 labels silently, as Keras does",
        "feedback": "nor converted silently as Keras does",
        "answer": _hinge(_RIGHT, check='''
    if np.all((y == 0.0) | (y == 1.0)):
        y = 2.0 * y - 1.0'''),
    },
    {
        "question": "q1",
        "mistake": "an error that does not say how to convert",
        "feedback": "does not say how to fix the input",
        "answer": _hinge(_RIGHT, check='''
    if not np.all((y == -1.0) | (y == 1.0)):
        raise ValueError("invalid labels")'''),
    },
    {
        "question": "q1",
        "mistake": "refuses only labels that are all 0 or 1",
        "feedback": "a 0 among -1 and +1 labels must raise",
        "answer": _hinge(_RIGHT, check='''
    if np.all((y == 0.0) | (y == 1.0)):
        raise ValueError("labels must be -1 or +1: convert 0/1 labels with 2 * y - 1")'''),
    },
    {
        "question": "q1",
        "mistake": "averages along the last axis only",
        "feedback": "not along one axis",
        "answer": _hinge(_RIGHT, reduce="np.mean(losses, axis=-1) if losses.ndim > 1 "
                                        "else float(np.mean(losses))"),
    },
    {
        "question": "q1",
        "mistake": "reduction='none' returns the margins",
        "feedback": "return the losses, not the margins",
        "answer": '''
def hinge(y_true, scores, reduction="mean"):
    y = np.asarray(y_true, dtype=float)
    f = np.asarray(scores, dtype=float)
    if not np.all((y == -1.0) | (y == 1.0)):
        raise ValueError("labels must be -1 or +1: convert 0/1 labels with 2 * y - 1")
    if reduction == "none":
        return y * f
    losses = np.maximum(0.0, 1.0 - y * f)
    if reduction == "sum":
        return float(np.sum(losses))
    if reduction != "mean":
        raise ValueError("unknown reduction")
    return float(np.mean(losses))
''',
    },
    {
        "question": "q1",
        "mistake": "an unknown reduction silently means 'mean'",
        "feedback": "must raise ValueError, not be read as 'mean'",
        "answer": '''
def hinge(y_true, scores, reduction="mean"):
    y = np.asarray(y_true, dtype=float)
    if not np.all((y == -1.0) | (y == 1.0)):
        raise ValueError("labels must be -1 or +1: convert 0/1 labels with 2 * y - 1")
    losses = np.maximum(0.0, 1.0 - y * np.asarray(scores, dtype=float))
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    return float(np.mean(losses))
''',
    },
    # ------------------------------------------------------------ q2: multiclass_hinge
    {
        "question": "q2",
        "mistake": "includes the true class in the sum",
        "feedback": "does not compete with itself",
        "answer": _multiclass(_WW, zero_true=False),
    },
    {
        "question": "q2",
        "mistake": "the largest violation instead of the sum (Crammer-Singer)",
        "feedback": "that is Crammer-Singer",
        "answer": _multiclass(_WW, combine="violations.max(axis=1)"),
    },
    {
        "question": "q2",
        "mistake": "subtracts the margin",
        "feedback": "The margin is added",
        "answer": _multiclass("np.maximum(0.0, s - true_scores - margin)"),
    },
    {
        "question": "q2",
        "mistake": "forgets the clamp at 0",
        "feedback": "Clamp each term at 0",
        "answer": _multiclass("s - true_scores + margin"),
    },
    {
        "question": "q2",
        "mistake": "a mean over the classes too (PyTorch's division by C)",
        "feedback": "PyTorch's MultiMarginLoss divides by C",
        "answer": _multiclass(_WW, combine="violations.mean(axis=1)"),
    },
    {
        "question": "q2",
        "mistake": "a mean over the C - 1 wrong classes",
        "feedback": "averaged over the C - 1 wrong classes",
        "answer": _multiclass(_WW, combine="violations.sum(axis=1) / (s.shape[1] - 1)"),
    },
    {
        "question": "q2",
        "mistake": "true class minus wrong class",
        "feedback": "Did you swap them",
        "answer": _multiclass("np.maximum(0.0, true_scores - s + margin)"),
    },
    {
        "question": "q2",
        "mistake": "sums over the samples",
        "feedback": "sum the per-sample losses instead of averaging",
        "answer": _multiclass(_WW, reduce="float(np.sum(losses))"),
    },
    {
        "question": "q2",
        "mistake": "indexes every label for every row",
        "feedback": "picks every label for every row",
        "answer": '''
def multiclass_hinge(y_true, scores, margin=1.0, reduction="mean"):
    s = np.asarray(scores, dtype=float)
    y = np.asarray(y_true, dtype=int)
    violations = np.maximum(0.0, s - s[:, y] + margin)
    violations[np.arange(len(s)), y] = 0.0
    losses = violations.sum(axis=1)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    return float(np.mean(losses))
''',
    },
    {
        "question": "q2",
        "mistake": "ignores the margin",
        "feedback": "margin was ignored",
        "answer": _multiclass("np.maximum(0.0, s - true_scores + 1.0)"),
    },
    {
        "question": "q2",
        "mistake": "returns the per-sample losses for the mean",
        "feedback": "but the right result is a single number",
        "answer": _multiclass(_WW, reduce="losses"),
    },
    {
        "question": "q2",
        "mistake": "an unknown reduction silently means 'mean'",
        "feedback": "must raise ValueError, not be read as 'mean'",
        "answer": '''
def multiclass_hinge(y_true, scores, margin=1.0, reduction="mean"):
    s = np.asarray(scores, dtype=float)
    y = np.asarray(y_true, dtype=int)
    rows = np.arange(len(s))
    violations = np.maximum(0.0, s - s[rows, y][:, None] + margin)
    violations[rows, y] = 0.0
    losses = violations.sum(axis=1)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(np.sum(losses))
    return float(np.mean(losses))
''',
    },
    # ------------------------------------------------------------ q3: CS231n numbers
    {
        "question": "q3",
        "mistake": "margin 1 instead of 2",
        "feedback": "pass margin=2.0",
        "answer": '''
ww_margin2 = multiclass_hinge(labels, class_scores)
pytorch_multimargin = multiclass_hinge(labels, class_scores) / 3
''',
    },
    {
        "question": "q3",
        "mistake": "the true class included at margin 2",
        "feedback": "The true class does not compete with itself",
        "answer": '''
ww_margin2 = multiclass_hinge(labels, class_scores, margin=2.0) + 2.0
pytorch_multimargin = multiclass_hinge(labels, class_scores) / 3
''',
    },
    {
        "question": "q3",
        "mistake": "Crammer-Singer at margin 2",
        "feedback": "That is Crammer-Singer",
        "answer": '''
ww_margin2 = (3.9 + 0.0 + 7.6) / 3
pytorch_multimargin = multiclass_hinge(labels, class_scores) / 3
''',
    },
    {
        "question": "q3",
        "mistake": "PyTorch's number not divided by C",
        "feedback": "MultiMarginLoss divides each image's sum by the number of classes",
        "answer": '''
ww_margin2 = multiclass_hinge(labels, class_scores, margin=2.0)
pytorch_multimargin = multiclass_hinge(labels, class_scores)
''',
    },
    {
        "question": "q3",
        "mistake": "PyTorch's number divided by C - 1",
        "feedback": "not by C - 1",
        "answer": '''
ww_margin2 = multiclass_hinge(labels, class_scores, margin=2.0)
pytorch_multimargin = multiclass_hinge(labels, class_scores) / 2
''',
    },
    {
        "question": "q3",
        "mistake": "PyTorch's number taken as Crammer-Singer",
        "feedback": "MultiMarginLoss is Weston-Watkins divided by C",
        "answer": '''
ww_margin2 = multiclass_hinge(labels, class_scores, margin=2.0)
pytorch_multimargin = (2.9 + 0.0 + 6.6) / 3
''',
    },
    # ------------------------------------------------------------ q4: 0/1 labels
    {
        "question": "q4",
        "mistake": "the classes swapped by 1 - 2y",
        "feedback": "The classes are swapped",
        "answer": _Q4.format(labels_pm="1 - 2 * labels01",
                             spam_hinge="hinge(labels_pm, spam_scores)",
                             hinge_on_01="np.maximum(0, 1 - labels01 * spam_scores).mean()"),
    },
    {
        "question": "q4",
        "mistake": "y - 1",
        "feedback": "y - 1 maps the labels to -1 and 0",
        "answer": _Q4.format(labels_pm="labels01 - 1",
                             spam_hinge="np.maximum(0, 1 - labels01 * spam_scores).mean()",
                             hinge_on_01="np.maximum(0, 1 - labels01 * spam_scores).mean()"),
    },
    {
        "question": "q4",
        "mistake": "the formula on the 0/1 labels for spam_hinge",
        "feedback": "use the converted labels",
        "answer": _Q4.format(labels_pm="2 * labels01 - 1",
                             spam_hinge="np.maximum(0, 1 - labels01 * spam_scores).mean()",
                             hinge_on_01="np.maximum(0, 1 - labels01 * spam_scores).mean()"),
    },
    {
        "question": "q4",
        "mistake": "the converted labels for hinge_on_01",
        "feedback": "apply the formula to the 0/1 labels as they are",
        "answer": _Q4.format(labels_pm="2 * labels01 - 1",
                             spam_hinge="hinge(labels_pm, spam_scores)",
                             hinge_on_01="hinge(labels_pm, spam_scores)"),
    },
    # ------------------------------------------------------------ q5: judgement
    {
        "question": "q5",
        "mistake": "only misclassified samples cost",
        "feedback": "Being on the right side is not enough",
        "answer": 'margin_judgement = "a"',
    },
    {
        "question": "q5",
        "mistake": "surer is always better",
        "feedback": "Once the margin reaches 1 the hinge is exactly 0",
        "answer": 'margin_judgement = "C"',
    },
    {
        "question": "q5",
        "mistake": "the hinge is never zero",
        "feedback": "exactly 0 for a margin of 1 or more",
        "answer": 'margin_judgement = " b "',
    },
    # ------------------------------------------------------------ q6: judgement
    {
        "question": "q6",
        "mistake": "PyTorch's division by C is a bug",
        "feedback": "does divide each sample's sum by the number of classes",
        "answer": 'multiclass_judgement = "a"',
    },
    {
        "question": "q6",
        "mistake": "Crammer-Singer is Weston-Watkins without the true class",
        "feedback": "that is Crammer-Singer",
        "answer": 'multiclass_judgement = "b"',
    },
    {
        "question": "q6",
        "mistake": "all three are constant multiples",
        "feedback": "Only 5.27 and 1.76 differ by a constant factor",
        "answer": 'multiclass_judgement = "d"',
    },
    # ------------------------------------------------------------ q7: derive hinge_grad
    {"question": "q7", "mistake": "differentiates the sum (no 1/n)",
     "feedback": "did you differentiate the sum",
     "answer": _grad("np.where(y * f < 1.0, -y, 0.0)")},
    {"question": "q7", "mistake": "the wrong sign",
     "feedback": "Check the sign",
     "answer": _grad("np.where(y * f < 1.0, y, 0.0) / f.size")},
    {"question": "q7", "mistake": "leaves the label out",
     "feedback": "multiplies by the label y",
     "answer": _grad("np.where(y * f < 1.0, -1.0, 0.0) / f.size")},
    {"question": "q7", "mistake": "the kink at margin 0 (perceptron)",
     "feedback": "a margin of 1, not 0",
     "answer": _grad("np.where(y * f < 0.0, -y, 0.0) / f.size")},
    {"question": "q7", "mistake": "the squared hinge's gradient",
     "feedback": "gradient of the squared hinge",
     "answer": _grad("-2.0 * y * np.maximum(0.0, 1.0 - y * f) / f.size")},
    {"question": "q7", "mistake": "n is the number of rows",
     "feedback": "not the number of rows",
     "answer": _grad("np.where(y * f < 1.0, -y, 0.0) / (len(f) if f.ndim else 1)")},
    # ------------------------------------------------------------ q8: train a classifier
    {"question": "q8", "mistake": "counts the training errors as inside the margin",
     "feedback": "That counts the training errors",
     "answer": _SVM.format(inside="np.sum(margins <= 0)", wrong="np.sum(margins <= 0)",
                           width="2 / np.linalg.norm(svm.w)")},
    {"question": "q8", "mistake": "counts the points inside the margin as errors",
     "feedback": "a training error is a margin of 0",
     "answer": _SVM.format(inside="np.sum(margins < 1)", wrong="np.sum(margins < 1)",
                           width="2 / np.linalg.norm(svm.w)")},
    {"question": "q8", "mistake": "half the width",
     "feedback": "twice as wide",
     "answer": _SVM.format(inside="np.sum(margins < 1)", wrong="np.sum(margins <= 0)",
                           width="1 / np.linalg.norm(svm.w)")},
    {"question": "q8", "mistake": "the squared norm",
     "feedback": "not its squared norm",
     "answer": _SVM.format(inside="np.sum(margins < 1)", wrong="np.sum(margins <= 0)",
                           width="2 / np.sum(svm.w ** 2)")},
    {"question": "q8", "mistake": "trains without the penalty",
     "feedback": "without the penalty",
     "answer": _SVM.format(inside="np.sum(margins < 1)", wrong="np.sum(margins <= 0)",
                           width="2 / np.linalg.norm(train_gd(X, y_svm, loss='hinge', lr=0.1, "
                                 "num_epochs=200).w)")},
    # ------------------------------------------------------------ more named mistakes
    {"question": "q7", "mistake": "n is the number of columns",
     "feedback": "not the number of columns",
     "answer": _grad("np.where(y * f < 1.0, -y, 0.0) / (f.shape[-1] if f.ndim else 1)")},
    {"question": "q8", "mistake": "counts the points outside the margin",
     "feedback": "counts the points outside the margin",
     "answer": _SVM.format(inside="np.sum(margins >= 1)", wrong="np.sum(margins <= 0)",
                           width="2 / np.linalg.norm(svm.w)")},
]
