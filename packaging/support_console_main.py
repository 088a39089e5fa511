"""The frozen program's entry point (PyInstaller): the same as the `support-console` script."""

import multiprocessing

from cli.main import run

if __name__ == "__main__":
    multiprocessing.freeze_support()
    run()
