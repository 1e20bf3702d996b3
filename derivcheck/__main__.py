"""``python -m derivcheck ...`` is the ``derivcheck`` command."""

import sys

from derivcheck import main

sys.exit(main())
