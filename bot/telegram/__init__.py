"""The Telegram adapter: python-telegram-bot turned into calls to the core's `Responder`.

Only `bot.cli` imports it. Other layers use `app` (`run_bot`) and `heartbeat` (read by
`hrbot-health`, which must not load python-telegram-bot: so nothing is imported here).
"""

__all__ = ["app", "heartbeat"]
