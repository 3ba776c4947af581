"""``python -m lossbook.exercises``: build exercises and autograders (see
:mod:`lossbook.grading.exercises`, where this code now lives)."""

import sys

from .grading import exercises as _exercises
from .grading.exercises import *  # noqa: F401,F403
from .grading.exercises import main

# ``from lossbook import exercises`` sees the same module object's names, private ones included.
globals().update({k: v for k, v in vars(_exercises).items() if not k.startswith("__")})

if __name__ == "__main__":
    sys.exit(main())
