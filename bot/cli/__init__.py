"""The command line (`hrbot`, `hrbot-health`): the only code that prints for a person or picks an
exit code. It may import every other layer; nothing imports it but `bot/__main__.py`.
"""

__all__ = ["main"]
