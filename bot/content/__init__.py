"""Content checks for staff (`hrbot lint`): wording, reading age, confusable intents, governance.

Imports only `bot.core`. Other layers use `lint` (`lint_library`, `LintOptions`); the other
modules are its checks.
"""

__all__ = ["lint"]
