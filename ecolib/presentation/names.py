"""Display names of the things a workspace's settings define: metrics, health dimensions and
the actions of warning rules, in the report's language.

A workspace may give its own names (``name``/``name_zh`` in ``workspace.yaml``); otherwise the
catalogue's (``evaluation.metric.<id>``, ``gaps.dimension.<id>``, ``evaluation.action.<id>``);
otherwise the English name or the id. The settings layer keeps only the data; the words live
here, with the rest of the language.

Examples
--------
>>> from ecolib.workspace.rules import CATALOGUE, DEFAULT_RULES, Metric
>>> name_of(CATALOGUE["talent_gap"], "zh")
'人才供需缺口'
>>> name_of(Metric("my_kpi", names={"en": "My KPI"}), "zh")
'My KPI'
>>> action_of(DEFAULT_RULES[0], "en") != ""
True
"""
from __future__ import annotations

from typing import Any

from ecolib.presentation.i18n import has, t
from ecolib.workspace.rules import Metric, Rule
from ecolib.workspace.settings import Dimension

_KEYS = {Metric: "evaluation.metric", Dimension: "gaps.dimension"}


def name_of(item: Metric | Dimension | Any, lang: str = "en") -> str:
    """The display name of a metric or a health dimension in ``lang``."""
    own = getattr(item, "names", {}) or {}
    if own.get(lang):
        return own[lang]
    key = f"{_KEYS.get(type(item), 'evaluation.metric')}.{item.id}"
    if has(key, lang):
        return t(key, lang)
    return own.get("en") or item.id


def action_of(rule: Rule, lang: str = "en") -> str:
    """The action a warning rule recommends, in ``lang``."""
    if rule.actions.get(lang):
        return rule.actions[lang]
    key = f"evaluation.action.{rule.id}"
    if has(key, lang):
        return t(key, lang)
    return rule.actions.get("en") or t("evaluation.action_default", lang)


def metric_name(metric_id: str, metrics: Any = None, lang: str = "en") -> str:
    """The display name of the metric ``metric_id`` of a catalogue (``metrics``: id → Metric)."""
    m = (metrics or {}).get(metric_id) if metrics is not None else None
    return name_of(m if m is not None else Metric(metric_id), lang)


def park_name(settings: Any, lang: str = "en") -> str:
    """The park's name as a report in ``lang`` shows it (``display_name``, ``name_zh`` in Chinese).

    Examples
    --------
    >>> from ecolib.workspace.settings import Settings
    >>> s = Settings(name="demo", display_name="Demo Park", name_zh="示范园")
    >>> park_name(s, "en"), park_name(s, "zh")
    ('Demo Park', '示范园')
    """
    if lang == "zh":
        return settings.name_zh or settings.display_name or settings.name
    return settings.display_name or settings.name


def benchmark_name(settings: Any, lang: str = "en") -> str:
    """The benchmark park's name in ``lang``; the words "the benchmark park" when none is given.

    Examples
    --------
    >>> from ecolib.workspace.settings import Settings
    >>> benchmark_name(Settings(benchmark_name="Riverside Park"), "zh")
    'Riverside Park'
    >>> benchmark_name(Settings(), "en")
    'the benchmark park'
    """
    own = settings.benchmark_name_zh if lang == "zh" else settings.benchmark_name
    return own or t("common.benchmark_park", lang)
