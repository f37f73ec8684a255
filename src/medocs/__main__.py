"""Allow ``python -m medocs``."""

from medocs.cli import main

main()
