"""Evaluation (`hrbot eval`): accuracy and safety figures on labelled messages, sweeps, HTML.

Imports only `bot.core`.
"""

__all__ = ["evaluate", "report_html", "sweep"]
