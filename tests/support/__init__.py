"""Code the tests share and the package does not need: writers of inputs that checkpoint only reads.

Importable as `support` because pyproject.toml puts `tests/` on pytest's `pythonpath`.
"""
