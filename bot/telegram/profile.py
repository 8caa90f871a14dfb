"""What a person sees before pressing Start: the bot's description (in the empty chat) and its
short description (on the bot's profile and when it is shared), from BOT_DESCRIPTION and
BOT_SHORT_DESCRIPTION.

Set at every start, so an edit to the settings shows after a restart. Telegram keeps them between
starts, so each is only sent when it differs: the profile methods have tight rate limits of their
own. This is a nicety: a failure is logged and the bot starts anyway, and a slow answer holds the
start up for PROFILE_SECONDS at most.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot

from ..core.settings import Settings

log = logging.getLogger(__name__)

PROFILE_SECONDS = 10.0


async def set_profile(bot: Bot, settings: Settings) -> None:
    for what, update, text in (
        ("description", _description, settings.bot_description),
        ("short description", _short_description, settings.bot_short_description),
    ):
        try:
            if await asyncio.wait_for(update(bot, text), PROFILE_SECONDS):
                log.info("bot %s updated", what)
        # Any failure at all: the profile is never worth a bot that does not start. Only the
        # type is logged, as an error's text can hold the request's URL (with the token).
        except Exception as exc:
            log.warning("could not set the bot's %s (%s)", what, type(exc).__name__)


async def _description(bot: Bot, text: str) -> bool:
    if (await bot.get_my_description()).description == text:
        return False
    return await bot.set_my_description(description=text)


async def _short_description(bot: Bot, text: str) -> bool:
    if (await bot.get_my_short_description()).short_description == text:
        return False
    return await bot.set_my_short_description(short_description=text)
