"""Child process of the crash tests: runs `genai-pipeline ARGS...` in this process.

    python crash_driver.py MARKER ARGS...

With MARKER not "-", the raw landing pauses in the middle of a day: the day's first
table-day file is in place, the second is written to its temp file and not yet renamed onto
its final name. The pid is written to MARKER and the process sleeps until the test kills it.
Only this test driver patches the pipeline; nothing in genai_pipeline knows about it.
"""

import os
import sys
import time
from pathlib import Path


def main() -> int:
    marker, *argv = sys.argv[1:]
    if marker != "-":
        import genai_pipeline.landing.raw_files as raw_files

        real_publish = raw_files.publish
        published = []

        def publish(temp: Path, final: Path) -> None:
            if published:
                Path(marker).write_text(str(os.getpid()))
                time.sleep(3600)
            real_publish(temp, final)
            published.append(final)

        raw_files.publish = publish
    from genai_pipeline.cli.main import main as cli

    return cli(argv)


if __name__ == "__main__":
    sys.exit(main())
