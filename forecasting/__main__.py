"""``python -m forecasting``: see forecasting/cli/main.py."""

from forecasting.cli.main import main

raise SystemExit(main())
