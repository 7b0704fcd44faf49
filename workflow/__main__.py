"""Allow ``python -m workflow``."""

from workflow.cli import main

if __name__ == "__main__":
    main()
