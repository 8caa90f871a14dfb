"""What the Telegram bot says outside the intent library: commands and things it cannot read.

Plain text (no formatting), so every line reads the same in any Telegram app. Plain UK English
for a reading age of 9 to 11. Every reply to something the bot cannot read ends with the 999 line:
a voice note or a photo could be someone asking for help in an emergency.
"""

from __future__ import annotations

from ..core.personalise import unmatched_note

EMERGENCY = "If someone is in danger right now, call 999."

WELCOME = (
    "Hi, I'm glad you're here.\n\n"
    "I give free, honest info to help you stay safer if you use drugs. I can tell you about "
    "overdose, naloxone, needle exchange, hep C, safer use and where to find support.\n\n"
    "I won't judge you or tell you what to do.\n\n"
    "Type a question in your own words, or pick a topic below.\n\n"
    "{kept} Send /privacy to find out more.\n\n"
    f"{EMERGENCY}"
)
WELCOME_KEPT = "I don't keep your messages or your name."
WELCOME_KEPT_UNMATCHED = (
    "I don't keep your name. I only keep questions I couldn't answer, with personal details "
    "taken out, so I can learn."
)

HELP = (
    "How to use me:\n\n"
    '• Type a question in your own words, like "what is naloxone?"\n'
    "• Or send /topics and tap a topic, then a question.\n"
    "• Tap a button under an answer to find out more.\n\n"
    "I'm a bot, not a person. I send answers that people wrote and checked.\n\n"
    "/topics - pick a topic\n"
    "/privacy - what I keep and what I don't\n"
    "{forget}"
    "/help - this message\n\n"
    f"{EMERGENCY}"
)
HELP_FORGET = "/forget - clear what I remember and delete my recent messages\n"

PRIVACY = (
    "Your privacy:\n\n"
    "{written}"
    "• I don't keep your name or your Telegram ID.\n"
    "• I only keep anonymous counts of what people ask about each day. This helps make the bot "
    "better.\n"
    "• I remember the last topic we talked about for {minutes} minutes, so I can follow on."
    "{forget}\n\n"
    "Telegram keeps this chat on its own servers. Chats with bots are not end-to-end "
    "encrypted, so a screen lock on your phone is a good idea.\n\n"
    f"{EMERGENCY}"
)
PRIVACY_FORGET = " Send /forget to clear it and delete my recent messages."
PRIVACY_WRITTEN = "• I don't keep what you write.\n"
PRIVACY_WRITTEN_UNMATCHED = "• I don't keep what you write, except questions I couldn't answer.\n"


def welcome_text(unmatched_days: int | None) -> str:
    return WELCOME.format(kept=WELCOME_KEPT_UNMATCHED if unmatched_days else WELCOME_KEPT)


def help_text(can_forget: bool) -> str:
    return HELP.format(forget=HELP_FORGET if can_forget else "")


def privacy_text(minutes: float, can_forget: bool, unmatched_days: int | None = None) -> str:
    text = PRIVACY.format(
        minutes=f"{minutes:g}",
        forget=PRIVACY_FORGET if can_forget else "",
        written=PRIVACY_WRITTEN_UNMATCHED if unmatched_days else PRIVACY_WRITTEN,
    )
    note = unmatched_note(unmatched_days)
    return text.replace(f"\n\n{EMERGENCY}", f"\n\n{note}\n\n{EMERGENCY}") if note else text


TOPICS = "Pick a topic, then a question. Or just type your question."
CLARIFY_OTHER = "Something else"
OTHER_TOPICS = "Other topics"
BACK_TO_TOPICS = "« All topics"
STALE_BUTTON = "Sorry, that button has stopped working. Pick a topic below, or type your question."
SAFETY_MORE = "More that might help:"
ENGLISH_ONLY = "Sorry, I can only read English for now."
UNKNOWN_COMMAND = (
    "Sorry, I don't know that command. Try /topics or /help, or just type your question."
)

VOICE = f"I can't listen to voice notes yet, could you type it?\n\n{EMERGENCY}"
VIDEO = f"I can't watch videos yet. Could you type your question?\n\n{EMERGENCY}"
PHOTO = (
    "I can't look at photos yet. Could you tell me in words what you'd like to know?\n\n"
    f"{EMERGENCY}"
)
STICKER = (
    "Thanks for the sticker! I can only read typed messages. "
    "Type a question, or pick a topic below."
)
DOCUMENT = f"I can't open files. Could you type your question instead?\n\n{EMERGENCY}"
CONTACT = (
    "Thanks, but I don't keep contact details and I can't pass them on. "
    "You can type a question, or pick a topic below.\n\n"
    f"{EMERGENCY}"
)
LOCATION = (
    "Thanks. I can't find services near you from a location yet, and I don't keep it.\n\n"
    'You can ask me things like "where can I get naloxone?" or "where is my nearest needle '
    "exchange?\" and I'll tell you how to find them.\n\n"
    f"{EMERGENCY}"
)
OTHER = (
    "I can only read typed messages for now. Type a question, or pick a topic below.\n\n"
    f"{EMERGENCY}"
)
SOMETHING_WENT_WRONG = f"Sorry, I couldn't answer that. Please send it again.\n\n{EMERGENCY}"

# Groups: answer, but point people to a private chat, which is more private.
GROUP_HINT = "It's more private to talk to me one to one: open @{username} and press Start."
GROUP_WELCOME = (
    "Hi, I give free, honest info to help people stay safer if they use drugs. I don't judge.\n\n"
    "In this group, mention me (@{username}) with your question, or reply to one of my "
    "messages.\n\n"
    f"{GROUP_HINT}\n\n"
    f"{EMERGENCY}"
)
