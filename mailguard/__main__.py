"""``python -m mailguard`` is the same as the ``mailguard`` console script."""

from mailguard.cli import main

raise SystemExit(main())
