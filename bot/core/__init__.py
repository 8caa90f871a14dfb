"""The core: reads the library and answers a message (normalise, safety, rank, decide, reply).

It imports nothing else of `bot` and never imports Telegram (import-linter checks both). Other
layers import from the modules in `__all__`; `blend` is the core's own. Nothing is imported here,
so importing one module (`bot.core.settings` for `hrbot-health`) does not load the matcher.
"""

__all__ = [
    "classifiers",
    "decide",
    "hub",
    "learned",
    "library",
    "loader",
    "matcher",
    "message_length",
    "normalise",
    "personalise",
    "responder",
    "safety",
    "safety_tiers",
    "settings",
    "validate",
    "yamlsource",
]
