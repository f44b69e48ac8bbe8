"""Allow `python -m checkpoint`."""

from checkpoint.cli.app import main

if __name__ == "__main__":
    main()
