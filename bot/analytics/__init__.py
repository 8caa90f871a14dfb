"""Analytics: anonymous daily counts (`store`), scrubbing before anything is kept, staff reports.

Imports only `bot.core`.
"""

__all__ = ["report", "store"]
