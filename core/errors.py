"""Errors a user can act on; each maps to a command-line exit code."""


class SupportConsoleError(Exception):
    """Base class: the message is shown to the user as it is."""

    exit_code = 1


class BadInput(SupportConsoleError):
    """Bad input or usage: a value, a file or an option is wrong (exit 2). `subject` names
    the value in the domain's words (e.g. "agent", "days"), for a front end to say which
    of its fields or options it was."""

    exit_code = 2

    def __init__(self, message: str, *, subject: str | None = None):
        super().__init__(message)
        self.subject = subject


class PermissionDenied(SupportConsoleError):
    """The caller may not see or do this (exit 3)."""

    exit_code = 3

    def __init__(self, message: str = "permission denied"):
        if not message.startswith("permission denied"):
            message = f"permission denied: {message}"
        super().__init__(message)


class DatabaseProblem(SupportConsoleError):
    """The database cannot be opened or used (exit 1)."""

    exit_code = 1


def one_line(error: BaseException) -> str:
    """An error as one line a person can read: its message's first line, or its type's name."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
