"""CalmDesk: complaint handling and live de-escalation coaching for customer-service teams."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("calmdesk")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
