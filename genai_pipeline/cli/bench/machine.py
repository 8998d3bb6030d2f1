"""The machine a benchmark ran on, printed with its figures."""

import os
import platform


def machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
