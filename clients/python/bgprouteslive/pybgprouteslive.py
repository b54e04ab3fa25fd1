"""The public client's module path: `from bgprouteslive.pybgprouteslive import ...`."""

from .client import *  # noqa: F401,F403
from .client import __all__  # noqa: F401
