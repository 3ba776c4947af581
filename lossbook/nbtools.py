"""Former home of :mod:`lossbook.book.nbtools`; ``python -m lossbook.nbtools``
still works and runs the same command line."""

import sys

from lossbook.book.nbtools import *  # noqa: F401,F403
from lossbook.book.nbtools import __all__, main  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
