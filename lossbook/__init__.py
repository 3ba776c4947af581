"""lossbook: the course package of *Loss Functions, an executable course*.

Reference losses and gradients (:mod:`lossbook.losses`), training-curve
diagnostics (:mod:`lossbook.diagnostics`), the book's plotting style
(:mod:`lossbook.plotting`) and explorable figures (:mod:`lossbook.explore`).
Every notebook of the course imports its helpers from here.
"""

from .diagnostics import early_stopping_epoch, learning_curve
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    hinge,
    hinge_grad,
    huber,
    huber_grad,
    log_softmax,
    mae,
    mae_grad,
    mse,
    mse_grad,
    multiclass_hinge,
    sigmoid,
    softmax,
    squared_hinge,
)
from .models import fit_ridge, mse_gd_path, polynomial_features, train_gd

__version__ = "1.0.0"

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "early_stopping_epoch",
    "fit_ridge",
    "hinge",
    "hinge_grad",
    "huber",
    "huber_grad",
    "learning_curve",
    "log_softmax",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
    "mse_gd_path",
    "multiclass_hinge",
    "polynomial_features",
    "sigmoid",
    "softmax",
    "squared_hinge",
    "train_gd",
]
