"""``python -m fakesapcc``: the ``fakesapcc`` command."""
import sys

from .cli import main

sys.exit(main())
