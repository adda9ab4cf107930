"""Session-wide test settings.

The CLI's Rich console is created when ``decentwork.cli`` is imported and takes its width
from ``COLUMNS``; fixing it here, before any test module imports the CLI, keeps the CLI tests'
output independent of how long the checkout's path is (Rich wraps long lines).
"""

from __future__ import annotations

import os

os.environ["COLUMNS"] = "200"
