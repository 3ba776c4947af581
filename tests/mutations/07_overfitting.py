"""Typical wrong answers to exercise 07_overfitting (solutions/07_overfitting.ipynb).

Each mutation replaces the answer cell of one question with a typical wrong
answer. tests/test_exercise_mutations.py grades the notebook with it (otter's
tests, hidden ones included): the question must lose points, and one of its
failure messages must contain ``feedback``, the likely mistake named.
"""

# The right rule, with one slip in each mutation below.
_RULE = '''
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    if patience < 0 or min_delta < 0:
        raise ValueError("patience and min_delta must be >= 0")
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return None, best_epoch
'''


def _slip(old: str, new: str) -> str:
    assert old in _RULE, old
    return _RULE.replace(old, new)


_TRAIN = '''
X, X_val = polynomial_features(x, 9), polynomial_features(x_val, 9)
history = train_gd(X, y, lr=0.05, num_epochs=300, X_val=X_val, y_val=y_val)
stop, best = early_stopping_epoch(history.val_loss, patience=10, min_delta=0.001)
'''


def _penalised(penalty_w: str, penalty_b: str, residuals: str = "X @ w + b - y",
               n: str = "len(y)", two: str = "2.0") -> str:
    """A penalised_mse_grad answer with the given penalty terms and data-term slips."""
    return f'''
def penalised_mse_grad(X, y, w, b, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    residuals = {residuals}
    grad_w = {two} * X.T @ residuals / {n} + {penalty_w}
    grad_b = {two} * np.sum(residuals) / {n} + {penalty_b}
    return np.append(grad_w, grad_b)
'''


MUTATIONS = [
    # ------------------------------------------------------------ q1: early_stopping_epoch
    {
        "question": "q1",
        "mistake": "stops one epoch early (patience - 1)",
        "feedback": "one epoch too early",
        "answer": _slip("if wait >= patience:", "if wait >= patience - 1:"),
    },
    {
        "question": "q1",
        "mistake": "stops one epoch late (wait > patience)",
        "feedback": "one epoch too late",
        "answer": _slip("if wait >= patience:", "if wait > patience:"),
    },
    {
        "question": "q1",
        "mistake": "ignores min_delta",
        "feedback": "min_delta was ignored",
        "answer": _slip("if loss < best - min_delta:", "if loss < best:"),
    },
    {
        "question": "q1",
        "mistake": "adds min_delta instead of subtracting it",
        "feedback": "min_delta",
        "answer": _slip("if loss < best - min_delta:", "if loss < best + min_delta:"),
    },
    {
        "question": "q1",
        "mistake": "<= instead of <",
        "feedback": "use <, not <=",
        "answer": _slip("if loss < best - min_delta:", "if loss <= best - min_delta:"),
    },
    {
        "question": "q1",
        "mistake": "returns the best epoch as the stop epoch",
        "feedback": "not the best epoch",
        "answer": _slip("return epoch, best_epoch", "return best_epoch, best_epoch"),
    },
    {
        "question": "q1",
        "mistake": "returns the pair in the wrong order",
        "feedback": "wrong order",
        "answer": _slip("return epoch, best_epoch", "return best_epoch, epoch"),
    },
    {
        "question": "q1",
        "mistake": "1-based epochs",
        "feedback": "0-based",
        "answer": '''
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    if patience < 0 or min_delta < 0:
        raise ValueError("patience and min_delta must be >= 0")
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return None, best_epoch
''',
    },
    {
        "question": "q1",
        "mistake": "never returns None (the last epoch when training runs to the end)",
        "feedback": "must be None",
        "answer": _slip("return None, best_epoch", "return len(val_losses) - 1, best_epoch"),
    },
    {
        "question": "q1",
        "mistake": "never resets the count after an improvement",
        "feedback": "Reset the count",
        "answer": _slip("best, best_epoch, wait = loss, epoch, 0",
                        "best, best_epoch = loss, epoch"),
    },
    {
        "question": "q1",
        "mistake": "compares with the previous epoch instead of the best",
        "feedback": "not with the previous epoch",
        "answer": '''
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    if patience < 0 or min_delta < 0:
        raise ValueError("patience and min_delta must be >= 0")
    previous, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < previous - min_delta:
            best_epoch, wait = epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
        previous = loss
    return None, best_epoch
''',
    },
    {
        "question": "q1",
        "mistake": "lets a decrease smaller than min_delta move the best (scikit-learn's way)",
        "feedback": "must not move best",
        "answer": '''
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    if patience < 0 or min_delta < 0:
        raise ValueError("patience and min_delta must be >= 0")
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses):
        improved = loss < best - min_delta
        if loss < best:
            best, best_epoch = loss, epoch
        if improved:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return None, best_epoch
''',
    },
    {
        "question": "q1",
        "mistake": "accepts a negative patience",
        "feedback": "instead of raising ValueError",
        "answer": _slip('''    if patience < 0 or min_delta < 0:
        raise ValueError("patience and min_delta must be >= 0")
''', ""),
    },
    # ------------------------------------------------------------ q2: training
    {
        "question": "q2",
        "mistake": "0-based epochs",
        "feedback": "Count epochs from 1",
        "answer": _TRAIN + '''
stopped_after = stop
best_epoch_number = best
best_val_loss = history.val_loss[best]
''',
    },
    {
        "question": "q2",
        "mistake": "early stopping without min_delta",
        "feedback": "min_delta",
        "answer": '''
X, X_val = polynomial_features(x, 9), polynomial_features(x_val, 9)
history = train_gd(X, y, lr=0.05, num_epochs=300, X_val=X_val, y_val=y_val)
stop, best = early_stopping_epoch(history.val_loss, patience=10)
stopped_after = stop + 1
best_epoch_number = best + 1
best_val_loss = history.val_loss[best]
''',
    },
    {
        "question": "q2",
        "mistake": "the lowest validation loss of the whole run",
        "feedback": "lowest validation loss of the whole run",
        "answer": _TRAIN + '''
stopped_after = stop + 1
best_epoch_number = int(np.argmin(history.val_loss)) + 1
best_val_loss = history.val_loss.min()
''',
    },
    {
        "question": "q2",
        "mistake": "the loss after the last epoch run (weights not restored)",
        "feedback": "restore_best_weights",
        "answer": _TRAIN + '''
stopped_after = stop + 1
best_epoch_number = best + 1
best_val_loss = history.val_loss[stop]
''',
    },
    {
        "question": "q2",
        "mistake": "the 1-based epoch number used as an index",
        "feedback": "later epoch",
        "answer": _TRAIN + '''
stopped_after = stop + 1
best_epoch_number = best + 1
best_val_loss = history.val_loss[best_epoch_number]
''',
    },
    {
        "question": "q2",
        "mistake": "the training loss instead of the validation loss",
        "feedback": "training loss of the best epoch",
        "answer": _TRAIN + '''
stopped_after = stop + 1
best_epoch_number = best + 1
best_val_loss = history.train_loss[best]
''',
    },
    {
        "question": "q2",
        "mistake": "the stop epoch reported as the restored one",
        "feedback": "the restored weights are those of the best epoch",
        "answer": _TRAIN + '''
stopped_after = stop + 1
best_epoch_number = stop + 1
best_val_loss = history.val_loss[best]
''',
    },
    # ------------------------------------------------------------ q3: diagnoses
    {
        "question": "q3",
        "mistake": "run A read as underfitting",
        "feedback": "below the noise level 0.09, so the model can fit its data",
        "answer": 'diagnosis_A = "a"\ndiagnosis_B = "a"\ndiagnosis_C = "c"',
    },
    {
        "question": "q3",
        "mistake": "run A read as a good fit",
        "feedback": "does not carry over",
        "answer": 'diagnosis_A = "c"\ndiagnosis_B = "a"\ndiagnosis_C = "c"',
    },
    {
        "question": "q3",
        "mistake": "run A read as unfinished",
        "feedback": "Training longer makes run A worse",
        "answer": 'diagnosis_A = "d"\ndiagnosis_B = "a"\ndiagnosis_C = "c"',
    },
    {
        "question": "q3",
        "mistake": "run B read as overfitting",
        "feedback": "no growing gap",
        "answer": 'diagnosis_A = "b"\ndiagnosis_B = "b"\ndiagnosis_C = "c"',
    },
    {
        "question": "q3",
        "mistake": "run B read as a good fit (the noise level ignored)",
        "feedback": "about twice the noise level",
        "answer": 'diagnosis_A = "b"\ndiagnosis_B = "c"\ndiagnosis_C = "c"',
    },
    {
        "question": "q3",
        "mistake": "run B read as unfinished",
        "feedback": "More capacity would",
        "answer": 'diagnosis_A = "b"\ndiagnosis_B = "d"\ndiagnosis_C = "c"',
    },
    {
        "question": "q3",
        "mistake": "run C read as underfitting",
        "feedback": "close to the noise level",
        "answer": 'diagnosis_A = "b"\ndiagnosis_B = "a"\ndiagnosis_C = "a"',
    },
    {
        "question": "q3",
        "mistake": "run C read as overfitting",
        "feedback": "validation loss does not rise",
        "answer": 'diagnosis_A = "b"\ndiagnosis_B = "a"\ndiagnosis_C = "b"',
    },
    {
        "question": "q3",
        "mistake": "run C read as unfinished",
        "feedback": "near the noise level: training longer changes nothing",
        "answer": 'diagnosis_A = "b"\ndiagnosis_B = "a"\ndiagnosis_C = "d"',
    },
    # ------------------------------------------------------------ q4: the remedy
    {
        "question": "q4",
        "mistake": "train longer",
        "feedback": "training longer fits more noise",
        "answer": 'remedy_judgement = "b"',
    },
    {
        "question": "q4",
        "mistake": "more capacity",
        "feedback": "remedy for underfitting",
        "answer": 'remedy_judgement = "c"',
    },
    {
        "question": "q4",
        "mistake": "a smaller learning rate",
        "feedback": "only slows gradient descent down",
        "answer": 'remedy_judgement = "d"',
    },
    # ------------------------------------------------------------ q5: L2
    {
        "question": "q5",
        "mistake": "both losses fall",
        "feedback": "fit its training data worse on purpose",
        "answer": 'l2_judgement = "a"',
    },
    {
        "question": "q5",
        "mistake": "the training loss falls",
        "feedback": "other way round",
        "answer": 'l2_judgement = "c"',
    },
    {
        "question": "q5",
        "mistake": "the penalty changes nothing",
        "feedback": "still changes the weights",
        "answer": 'l2_judgement = "b"',
    },
    # ------------------------------------------------------------ q6: derive the gradient
    {"question": "q6", "mistake": "the chapter's penalty gradient 2 lam w",
     "feedback": "not 2 lam w", "answer": _penalised("2 * lam * w", "0.0")},
    {"question": "q6", "mistake": "penalises the intercept",
     "feedback": "The intercept b is not penalised", "answer": _penalised("lam * w", "lam * b")},
    {"question": "q6", "mistake": "the residual's sign flipped",
     "feedback": "Check the sign of the residual",
     "answer": _penalised("lam * w", "0.0", residuals="y - X @ w - b")},
    {"question": "q6", "mistake": "differentiates the sum (no 1/n)",
     "feedback": "did you differentiate the sum", "answer": _penalised("lam * w", "0.0", n="1")},
    {"question": "q6", "mistake": "the factor 2 missing",
     "feedback": "the factor 2 is missing", "answer": _penalised("lam * w", "0.0", two="1.0")},
    {"question": "q6", "mistake": "averages over the features",
     "feedback": "not over the p = 4 features",
     "answer": _penalised("lam * w", "0.0", n="X.shape[1]")},
    {"question": "q6", "mistake": "forgets the penalty",
     "feedback": "The penalty's gradient is missing", "answer": _penalised("0.0 * w", "0.0")},
]
