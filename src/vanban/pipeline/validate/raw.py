"""The readers of raw located data, where the checks across fields have always imported them.

Why a second name: the helpers live in ``vanban.pipeline.raw``, below this package, so that
each document kind (``vanban.pipeline.kinds``) checks its own parts with them without
importing the validation package that dispatches to it.
"""

from vanban.pipeline.raw import as_date, get, strings

__all__ = ["as_date", "get", "strings"]
