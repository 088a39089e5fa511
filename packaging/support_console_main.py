"""The frozen program's entry point (PyInstaller): the same as the `support-console` script."""

import multiprocessing

from core.cli import run

if __name__ == "__main__":
    multiprocessing.freeze_support()
    run()
