"""``python -m forecasting``: see forecasting/cli.py."""

from forecasting.cli import main

raise SystemExit(main())
