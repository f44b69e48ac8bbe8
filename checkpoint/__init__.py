"""checkpoint: screen departing travellers against the PMI placement registry."""

#: The one place the version is written: the build reads it from here (pyproject `[tool.hatch.version]`),
#: so the running code never asks the package metadata (importlib.metadata costs ~70 ms a start).
__version__ = "0.1.0"
