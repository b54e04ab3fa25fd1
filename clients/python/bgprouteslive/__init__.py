"""bgprouteslive: a Python client of the bgproutes-live stream, a drop-in for pybgprouteslive.

    from bgprouteslive import BGProutesWebsocketClient, BGPLiveMsg, DEBUG_ESSENTIAL

The module bgprouteslive.pybgprouteslive holds the same names, so that scripts written as
`from pybgprouteslive.pybgprouteslive import ...` change only the package name.
"""

from .client import (  # noqa: F401
    BGProutesWebsocketClient, BGPLiveMsg,
    PybgproutesliveError, WebsocketConnectionError, PrefixToAPIKeyError,
    MESSAGE_TYPE_ANNOUNCE, MESSAGE_TYPE_WITHDRAW,
    DEBUG_NOTHING, DEBUG_ESSENTIAL, DEBUG_EXHAUSTIVE, DEBUG_TOO_MUCH,
    DEFAULT_API_URL, DEFAULT_WS_URL, PERMANENT_ERROR_CODES,
)
from .client import __all__  # noqa: F401

__version__ = "0.1.0"
