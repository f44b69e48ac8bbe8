"""The command-line interface: the only place that imports typer, prints, and chooses exit codes."""
