"""checkpoint: screen departing travellers against the PMI placement registry."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("checkpoint")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
