"""What every command shares: exit codes, usage errors, date arguments, a quiet console."""

import argparse
import datetime as dt
import sys

# Bad input: one line, before anything is written.
EXIT_USAGE = 2
# Not a usage error: the environment (e.g. a warehouse locked by another process) or the
# data (a failed blocking check) stopped the command.
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130

# A run's full log goes to the instance (the UI shows it); the terminal gets one line per day.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


class UsageError(ValueError):
    """A bad argument: reported in one line with exit status 2, before anything is written."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse with the project's usage exit: one line, status 2."""

    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def parse_date(text: str) -> dt.date:
    """An argparse type: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Prints the one-line error and returns the exit status."""
    print(f"genai-pipeline: error: {message}", file=sys.stderr)
    return code
