"""lossbook: the course package of *Loss Functions, an executable course*.

Reference losses and gradients (:mod:`lossbook.losses`), training-curve
diagnostics (:mod:`lossbook.diagnostics`), the book's plotting style
(:mod:`lossbook.plotting`) and explorable figures (:mod:`lossbook.explore`).
Every notebook of the course imports its helpers from here.
"""

from .diagnostics import (
    calibration_curve,
    early_stopping_epoch,
    expected_calibration_error,
    fit_temperature,
    learning_curve,
)
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    binary_focal_loss,
    brier_score,
    cross_entropy,
    cross_entropy_grad,
    hinge,
    hinge_grad,
    huber,
    gamma_deviance,
    gamma_deviance_grad,
    huber_grad,
    kl_divergence,
    log_softmax,
    mae,
    mae_grad,
    mse,
    mse_grad,
    msle,
    msle_grad,
    multiclass_hinge,
    pinball,
    pinball_grad,
    poisson_deviance,
    poisson_deviance_grad,
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
    "binary_focal_loss",
    "brier_score",
    "calibration_curve",
    "cross_entropy",
    "cross_entropy_grad",
    "early_stopping_epoch",
    "expected_calibration_error",
    "fit_temperature",
    "fit_ridge",
    "gamma_deviance",
    "gamma_deviance_grad",
    "hinge",
    "hinge_grad",
    "huber",
    "huber_grad",
    "kl_divergence",
    "learning_curve",
    "log_softmax",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
    "mse_gd_path",
    "msle",
    "msle_grad",
    "multiclass_hinge",
    "pinball",
    "pinball_grad",
    "poisson_deviance",
    "poisson_deviance_grad",
    "polynomial_features",
    "sigmoid",
    "softmax",
    "squared_hinge",
    "train_gd",
]
