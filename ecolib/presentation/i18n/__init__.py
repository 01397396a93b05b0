"""English and Chinese labels, headings and narrative strings, in one place.

Strings live in ``en/*.yaml`` and ``zh/*.yaml`` beside this file: one file per analysis
(``overview.yaml``, ...) plus ``common.yaml``, merged into one flat catalogue per language under
dotted keys. ``t("overview.title", "zh")`` returns the Chinese heading; ``{placeholders}`` are
filled with ``str.format``. A key missing in one language is a bug: ``tests/test_basics.py``
checks that both languages carry the same keys and the same placeholders.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("en", "zh")


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = str(value)
    return flat


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language as a flat ``{dotted.key: text}`` mapping."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    merged: dict[str, str] = {}
    folder = resources.files(__package__).joinpath(lang)
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yaml"):
            flat = _flatten(yaml.safe_load(item.read_text(encoding="utf-8")) or {})
            clash = set(flat) & set(merged)
            if clash:
                raise ValueError(f"i18n/{lang}/{item.name} repeats keys: {', '.join(sorted(clash))}")
            merged.update(flat)
    return merged


def t(key: str, lang: str = "en", /, **values: Any) -> str:
    """The text for ``key`` in ``lang`` with ``values`` filled in.

    In Chinese, the one place two rules apply to every placeholder value, so no caller has to:

    * **months**: a month in a value (``2026-10``, also inside a longer value such as
      ``"2026-08 – 2026-10"``) reads ``2026年10月``; a run of months ``A – B`` or
      ``{first} 至 {last}`` reads ``2026年8月至10月`` (``2025年11月至2026年10月`` across
      years); months in a list are joined with 、; no space between such a month and the
      Chinese around it (:func:`ecolib.presentation.fmt.months_in_text`);
    * **currency**: the value of a ``{currency}`` placeholder reads as the currency's
      Chinese name where it has one (CNY → 元; :func:`ecolib.presentation.fmt.currency_unit`).

    English texts get the values as given (a month stays ``2026-10``).

    Raises ``KeyError`` naming the key and language when it is missing.

    Examples
    --------
    >>> t("common.report_for", "zh", month="2026-10"), t("common.report_for", "en", month="2026-10")
    ('2026年10月月度报告', 'Report for 2026-10')
    """
    try:
        text = catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"no {lang} text for {key!r} in ecolib/i18n/{lang}/") from None
    if not values:
        return text
    if lang != "zh":
        return text.format(**values)
    from ecolib.presentation import fmt          # fmt builds on this module: imported when used
    if isinstance(values.get("currency"), str):
        values["currency"] = fmt.currency_unit(values["currency"], lang)
    return fmt.unmark_months(text.format(**{k: fmt.mark_months(v) for k, v in values.items()}), lang)


def has(key: str, lang: str = "en") -> bool:
    return key in catalogue(lang)


def display_names(frame, lang: str = "en", *, base: str = "name"):
    """The names to show for the rows of ``frame`` in ``lang``: the ``base`` column, or in
    Chinese the ``{base}_zh`` column where it holds a name (English where it is blank or
    absent). The one rule for "Chinese name, else English" (firms, nodes, zones, candidates,
    the ``source_name`` / ``target_name`` pairs of a link table …).

    Returns
    -------
    Series
        Names as text (object dtype), on ``frame``'s index; a missing name is ``"–"``.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"name": ["Cell Co", "Pack Co"], "name_zh": ["电芯公司", ""]})
    >>> display_names(firms, "zh").tolist(), display_names(firms, "en").tolist()
    (['电芯公司', 'Pack Co'], ['Cell Co', 'Pack Co'])
    """
    col = frame[base].astype(object).where(frame[base].notna(), "–")
    zh = f"{base}_zh"
    if lang == "zh" and zh in frame:
        other = frame[zh].astype(object)
        col = other.where(other.notna() & (other.astype(str).str.strip() != ""), col)
    return col.astype(str).astype(object)


def display_name(name: Any, name_zh: Any = None, lang: str = "en") -> str:
    """One name in ``lang``: ``name_zh`` in Chinese where it holds a name, else ``name``.

    Examples
    --------
    >>> display_name("Cell Co", "电芯公司", "zh"), display_name("Cell Co", None, "zh")
    ('电芯公司', 'Cell Co')
    """
    if lang == "zh" and isinstance(name_zh, str) and name_zh.strip():
        return name_zh
    if name is None or (isinstance(name, float) and name != name):
        return "–"
    return str(name)
