"""The small tree of errors the core raises; each message is a sentence an operator can act on.

::

    NewsdeskError            anything the program reports instead of a traceback
    ├── SettingsError        a setting has an unusable value (names the variable)
    ├── ArchiveError         the articles folder is missing or unusable
    ├── EvalFileError        an evaluation file is missing or not SQuAD-shaped
    └── StoreError           the store's database is unusable (bot.store)

What a *chat user* did wrong is never an exception: the core answers it with a sentence.
"""

from __future__ import annotations

__all__ = ["ArchiveError", "EvalFileError", "NewsdeskError", "SettingsError"]


class NewsdeskError(Exception):
    """Base of every error the program reports as a sentence instead of a traceback."""


class SettingsError(NewsdeskError):
    """A setting has a value the program cannot use; the message names it and says why."""


class ArchiveError(NewsdeskError):
    """The articles folder is missing or cannot be read."""


class EvalFileError(NewsdeskError):
    """An evaluation file is missing, unreadable or not in SQuAD format."""
