"""What is wrong with a workspace, in words for park office staff (the base of the workspace layer).

:class:`Problem` is one thing wrong (or worth a warning) in a table or in ``workspace.yaml``;
:func:`clip`, :func:`quote` and :func:`suggest` shape what a message quotes from the data or the
settings. Imported by :mod:`ecolib.workspace.numtext`, :mod:`ecolib.workspace.rules`, :mod:`ecolib.workspace.settings` and
:mod:`ecolib.workspace`; imports nothing of ecolib.
"""
from __future__ import annotations

import difflib
import re
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Problem", "clip", "quote", "suggest", "QUOTE_LIMIT", "MESSAGE_LIMIT", "ROW_LIMIT"]

ROW_LIMIT = 20  # rows reported one by one per (file, column, problem); the rest are counted
QUOTE_LIMIT = 60  # characters of a value from data or settings shown in a message
MESSAGE_LIMIT = 600  # characters of one message at most (a last guard; values are clipped first)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxdict, _SHORT.maxlist, _SHORT.maxtuple, _SHORT.maxset = 2, 4, 4, 4, 4
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = QUOTE_LIMIT, QUOTE_LIMIT, 40


def clip(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """Text from data or settings as it may appear in a message.

    Control characters (a NUL, a line break, a terminal escape) are shown as ``\\x00``; at most
    ``limit`` characters are kept (``…`` after). The work is bounded whatever ``value`` is: a
    container is shown by :mod:`reprlib` (a few items, two levels deep), so a YAML alias bomb or
    a huge cell never becomes a huge string.

    Parameters
    ----------
    value : any
        What to show.
    limit : int
        Characters at most.

    Returns
    -------
    str

    Examples
    --------
    >>> clip("a\\x00b")
    'a\\\\x00b'
    >>> clip("x" * 100, 5)
    'xxxx…'
    """
    if isinstance(value, str):
        text = value[: limit + 1]
    elif isinstance(value, (dict, list, tuple, set, frozenset)):
        text = _SHORT.repr(value)
    else:
        try:
            text = str(value)[: limit + 1] if not isinstance(value, int) or abs(value) < 10**40 else _SHORT.repr(value)
        except Exception:  # an object that cannot be shown (a huge int, a broken __str__)
            text = f"<{type(value).__name__}>"
    text = CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message shows it: numbers plain, text in single quotes (clipped by :func:`clip`).

    Parameters
    ----------
    value : any
        A cell or a settings value.
    limit : int
        Characters at most.

    Returns
    -------
    str

    Examples
    --------
    >>> quote(0.5), quote(7), quote("abc")
    ('0.5', '7', "'abc'")
    """
    if isinstance(value, (float, np.floating)):
        return format(float(value), ".10g")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return clip(int(value), limit)
    return "'" + clip(value, limit) + "'"


def suggest(word: Any, choices: Iterable[str], *, lower: bool = True) -> str:
    """`` (did you mean 'x'?)`` when one of ``choices`` is close to ``word``, else empty.

    Parameters
    ----------
    word : any
        What the user wrote (shown through :func:`str`, lower-cased unless ``lower=False``).
    choices : iterable of str
        The words that are known.
    lower : bool
        Compare ``word`` in lower case.

    Returns
    -------
    str

    Examples
    --------
    >>> suggest("treshold", ["threshold", "months"])
    " (did you mean 'threshold'?)"
    """
    text = str(word)[:200]
    close = difflib.get_close_matches(text.lower() if lower else text, list(choices), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a workspace.

    ``file`` is what the user sees (``flows.csv``, ``workspace.xlsx [flows]``,
    ``workspace.yaml``, or a table name when the table is missing); ``row`` counts as in a
    spreadsheet: the header is row 1, the first data row is row 2 (in workspace.yaml: the line);
    ``column`` is the column of a table or the key of workspace.yaml (``thresholds.niche_overlap``).
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"  # or "warning"

    def __post_init__(self) -> None:
        # a last guard: whatever a check quoted, a message stays one readable line of bounded size
        if self.column is not None and (len(self.column) > QUOTE_LIMIT or CONTROL.search(self.column)):
            object.__setattr__(self, "column", clip(self.column))
        if len(self.message) > MESSAGE_LIMIT:
            object.__setattr__(self, "message", self.message[: MESSAGE_LIMIT - 1] + "…")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def key(self) -> str | None:
        """The key of workspace.yaml a settings problem is about (the same as ``column``)."""
        return self.column

    def __str__(self) -> str:
        in_yaml = self.file.endswith((".yaml", ".yml"))
        where = self.file
        if self.row is not None:
            where += f" {'line' if in_yaml else 'row'} {self.row}"
        if self.column is not None:
            where += f", {'key' if in_yaml else 'column'} {self.column}"
        prefix = "" if self.is_error else "warning: "
        return f"{prefix}{where}: {self.message}"
