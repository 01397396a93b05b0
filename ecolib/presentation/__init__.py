"""Presentation: words in two languages (:mod:`~ecolib.presentation.i18n`), number formats
(:mod:`~ecolib.presentation.fmt`), escaping of everything from data
(:mod:`~ecolib.presentation.escape`), plots and widgets.

May import every layer below it; nothing below imports it.
"""
