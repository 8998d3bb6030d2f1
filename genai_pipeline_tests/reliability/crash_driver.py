"""Child process of the crash tests: runs `genai-pipeline ARGS...` in this process.

    python crash_driver.py MARKER ARGS...

With MARKER not "-", the raw landing pauses inside its open transaction, after the first
raw table's rows of the day are inserted and before the others: the pid is written to
MARKER and the process sleeps until the test kills it. Only this test driver patches the
pipeline; nothing in genai_pipeline knows about it.
"""

import os
import sys
import time
from pathlib import Path


class PausingFrames(dict):
    """The day's frames; iterating them (as land_days does) stops after the first table."""

    marker: Path

    def items(self):
        pairs = list(super().items())
        yield pairs[0]
        self.marker.write_text(str(os.getpid()))
        time.sleep(3600)
        yield from pairs[1:]


def main() -> int:
    marker, *argv = sys.argv[1:]
    if marker != "-":
        import genai_pipeline.landing.raw_tables as raw

        real_generate_day = raw.generate_day

        def generate_day(settings, day):
            frames = PausingFrames(real_generate_day(settings, day))
            frames.marker = Path(marker)
            return frames

        raw.generate_day = generate_day
    from genai_pipeline.cli.main import main as cli

    return cli(argv)


if __name__ == "__main__":
    sys.exit(main())
