"""``python -m proj``: the same as the ``proj`` command."""

from proj.cli.main import main

if __name__ == "__main__":
    main()
