"""planner: critical-mineral security planning for an alliance of countries."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("planner")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
