"""The frozen program's entry point (PyInstaller): the same as the `support-console` script."""

import multiprocessing
import sys

from core.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
