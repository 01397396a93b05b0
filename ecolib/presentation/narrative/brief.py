"""The month brief in words: what happened, this month's actions, the headline figures against
the month before. Built from :class:`ecolib.analyses.brief.Brief` (``model.brief``) as plain
records the report runner writes to ``summary.json`` and the month's index shows.

Examples
--------
>>> from ecolib import datasets
>>> from ecolib.analyses.month import analyse
>>> m = analyse(datasets.tiny(), "2026-03")
>>> records = brief_records(m, "en")
>>> sorted(records)
['actions', 'figures', 'rule', 'story', 'title']
>>> records["figures"][0]["label"], records["figures"][0]["text"]
('Active local firms', '3')
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ecolib.analyses.brief import Brief
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_name, display_names, has, t
from ecolib.presentation.names import action_of, benchmark_name, name_of, park_name
from ecolib.presentation.narrative.evaluation import alert_message

__all__ = ["EVIDENCE", "figure_text", "change_text", "figure_records", "action_records", "story", "brief_records"]

#: Where the evidence of each kind of action is: the section key a page records (``ctx.section``).
EVIDENCE = {"alert": "evaluation.alerts", "gap": "gaps.priority", "exit": "gaps.exit", "link": "valuestream.broken"}


def _tn(key: str, lang: str, n: float, **values: Any) -> str:
    """``t(key)`` with the singular ``<key>_one`` where ``n`` is 1 and the language has one."""
    one = f"{key}_one"
    return t(one if n == 1 and has(one, lang) else key, lang, n=fmt.count(n), **values)


def _nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def figure_text(value: float, unit: str, lang: str = "en", currency: str = "CNY") -> str:
    """A headline figure as text: counts whole, money in the currency, shares and indices as percents.

    Examples
    --------
    >>> figure_text(0.30809, "share"), figure_text(131_815_400_000, "money", "zh"), figure_text(float("nan"), "count")
    ('30.8%', '1,318亿元', '–')
    """
    if _nan(value):
        return "–"
    if unit == "money":
        return fmt.money(value, lang, currency)
    if unit in ("share", "index"):
        return fmt.pct(value, 1)
    return fmt.count(value)


def change_text(row: Any, lang: str = "en", currency: str = "CNY") -> str:
    """The change of a headline figure since the month before: ``+1``, ``+CNY 112.6 m (+1.0%)``,
    ``−1.0 pp`` (percentage points); the verdict's word where there is no change to show.

    Examples
    --------
    >>> import pandas as pd
    >>> change_text(pd.Series({"unit": "share", "change": 0.0019, "previous": 0.306, "verdict": "better"}))
    '+0.2 pp'
    >>> change_text(pd.Series({"unit": "count", "change": 0.0, "previous": 2.0, "verdict": "same"}))
    'unchanged'
    """
    verdict = row["verdict"]
    if verdict in ("first", "not_reported", "same"):
        return t(f"brief.verdict.{verdict}", lang)
    change, unit = float(row["change"]), row["unit"]
    sign = "+" if change > 0 else "−"
    if unit == "money":
        text = sign + fmt.money(abs(change), lang, currency)
        if row["previous"]:
            pct = f"{sign}{abs(change) / abs(float(row['previous'])) * 100:.1f}%"
            text += f"（{pct}）" if lang == "zh" else f" ({pct})"
        return text
    if unit in ("share", "index"):
        return t("brief.pp", lang, n=f"{sign}{abs(change) * 100:.1f}")
    return f"{sign}{fmt.count(abs(change))}"


def figure_records(b: Brief, lang: str = "en", currency: str = "CNY", *, window: int = 12,
                   reported: dict[str, tuple[int, int]] | None = None) -> list[dict]:
    """The headline figures as records for ``summary.json`` and the brief's table.

    ``reported``: figure id → (firms reporting it, active local firms); a sum over only part
    of the firms says so in its label ("63 of 117 firms report it").

    Returns
    -------
    list of dict
        id, label, text, value (None: not reported), previous, previous_text, change_text,
        verdict (``better``, ``worse``, ``same``, ``first``, ``not_reported``), verdict_text,
        better (``higher``/``lower``).
    """
    out = []
    for row in b.figures.to_dict("records"):
        label = t(f"brief.figure.{row['id']}", lang, window=window)
        part = (reported or {}).get(row["id"])
        if part and 0 < part[0] < part[1] and not _nan(row["value"]):
            label += t("brief.figure_reported", lang, n=fmt.count(part[0]), of=fmt.count(part[1]))
        out.append({
            "id": row["id"], "label": label,
            "text": figure_text(row["value"], row["unit"], lang, currency),
            "value": None if _nan(row["value"]) else float(row["value"]),
            "previous": None if _nan(row["previous"]) else float(row["previous"]),
            "previous_text": figure_text(row["previous"], row["unit"], lang, currency),
            "change_text": change_text(row, lang, currency), "verdict": row["verdict"],
            "verdict_text": t(f"brief.verdict.{row['verdict']}", lang), "better": row["better"],
        })
    return out


# ----------------------------------------------------------------------------- actions


def _firm_name(model: Any, firm_id: str, lang: str) -> str:
    firms = model.tables["firms"]
    row = firms.loc[firms["firm_id"] == firm_id]
    if not len(row):
        return str(firm_id)
    return display_name(row["name"].iloc[0], row["name_zh"].iloc[0] if "name_zh" in row else None, lang)


def _node_names(model: Any, ids: list[str], lang: str) -> list[str]:
    nodes = model.tables["chain_nodes"].set_index("node_id", drop=False)
    known = [i for i in ids if i in nodes.index]
    names = display_names(nodes.loc[known], lang).set_axis(known) if known else pd.Series(dtype=object)
    return [str(names.get(i, i)) for i in ids]


def _join(items: list[str], lang: str) -> str:
    from ecolib.presentation.narrative.genemap import list_text
    return list_text(items, lang, 4)


def _alert_action(model: Any, d: dict, lang: str, currency: str) -> dict:
    ev = model.evaluation
    rule = ev.rule(d["rule"])
    row = ev.current.loc[ev.current["id"] == d["alert_id"]].iloc[0]
    level = t(f"brief.level.{d['severity']}", lang)
    return {"what": t("brief.action.alert.what", lang, level=level, metric=name_of(ev.metric(d["metric"]), lang)),
            "why": alert_message(ev, row, lang, currency, benchmark=benchmark_name(model.settings, lang), explain=True),
            "programme": action_of(rule, lang)}


def _gap_action(model: Any, d: dict, lang: str, currency: str) -> dict:
    ga = model.gaps
    nodes = list(d.get("nodes") or [d.get("node_id")])
    kind = d.get("kind", "node")
    name = display_name(d.get("name"), d.get("name_zh"), lang)
    if kind == "segment":
        what = t("brief.action.gap.what_segment", lang, segment=name, n=len(nodes),
                 nodes=_join(_node_names(model, nodes, lang), lang))
    else:
        what = t("brief.action.gap.what", lang, node=name)
    matches = ga.matches[ga.matches["node_id"].isin(nodes)] if len(ga.matches) else ga.matches
    if len(matches):
        best = matches.sort_values("match", ascending=False).iloc[0]
        region = display_name(best.get("region"), best.get("region_zh"), lang)
        who = _tn("brief.action.gap.best", lang, int(d.get("candidates") or matches["firm_id"].nunique()),
                firm=display_name(best["name"], best.get("name_zh"), lang), region=region)
    else:
        who = t("brief.action.gap.no_candidate", lang)
    tie = ""
    if d.get("tied"):
        rule = d.get("tie_break")
        how = t(f"brief.tie_break.{rule}", lang) if isinstance(rule, str) and has(f"brief.tie_break.{rule}", lang) \
            else t("brief.tie_break.other", lang)
        tie = _tn("brief.action.gap.tied", lang, d["tied"], how=how)
    reason = d.get("reason")
    reason_text = t(f"brief.reason.{reason}", lang) if isinstance(reason, str) and reason in REASONS else ""
    why = t("brief.action.gap.why", lang, score=f"{float(d['score']):.2f}", tie=tie, reason=reason_text, who=who)
    return {"what": what, "why": why, "programme": t("brief.programme.gap", lang)}


REASONS = ("importance", "demand", "feasibility", "fragility")


def _exit_action(model: Any, d: dict, lang: str, currency: str) -> dict:
    firm = _firm_name(model, d["firm_id"], lang)
    lost = _node_names(model, list(d.get("nodes_lost") or []), lang)
    nodes = t("brief.action.exit.nodes", lang, nodes=_join(lost, lang)) if lost else ""
    why = _tn("brief.action.exit.why", lang, d["affected_firms"], value=fmt.money(d["value_lost"], lang, currency),
            share=fmt.pct(d["value_share"], 1), nodes=nodes)
    return {"what": t("brief.action.exit.what", lang, firm=firm), "why": why,
            "programme": t("brief.programme.exit", lang)}


def _link_action(model: Any, d: dict, lang: str, currency: str) -> dict:
    source = display_name(d.get("source_name"), d.get("source_name_zh"), lang)
    target = display_name(d.get("target_name"), d.get("target_name_zh"), lang)
    window = model.settings.window
    why = t("brief.action.link.why", lang, source=source, target=target, window=window,
            bought=fmt.money(d["buyer_from_outside"], lang, currency),
            sold=fmt.money(d["supplier_to_outside"], lang, currency),
            stake=fmt.money(d["value_at_stake"], lang, currency), share=fmt.pct(d["value_at_stake"] / d["local_trade"], 0)
            if d.get("local_trade") else "–")
    return {"what": t("brief.action.link.what", lang, source=source, target=target), "why": why,
            "programme": t("brief.programme.link", lang)}


_ACTIONS = {"alert": _alert_action, "gap": _gap_action, "exit": _exit_action, "link": _link_action}


def action_records(model: Any, lang: str = "en", currency: str = "CNY") -> list[dict]:
    """This month's actions (``model.brief.actions``) in words.

    Returns
    -------
    list of dict
        rank, kind, subject, urgency (0–1), what, why, programme, section (the key of the
        section that holds the evidence, :data:`EVIDENCE`; the runner turns it into a link).
    """
    out = []
    for row in model.brief.actions.to_dict("records"):
        words = _ACTIONS[row["kind"]](model, row["detail"], lang, currency)
        out.append({"rank": int(row["rank"]), "kind": row["kind"], "subject": row["subject"],
                    "urgency": round(float(row["urgency"]), 4), **words, "section": EVIDENCE[row["kind"]]})
    return out


# ----------------------------------------------------------------------------- the story


def story(model: Any, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Three to five sentences on what happened this month, each true for the whole park.

    Examples
    --------
    >>> from ecolib import datasets
    >>> from ecolib.analyses.month import analyse
    >>> 3 <= len(story(analyse(datasets.tiny(), "2026-03"))) <= 5
    True
    """
    b = model.brief
    fig = b.figures.set_index("id")
    prev = b.previous_month
    out: list[str] = []
    # 1. alerts
    ev = model.evaluation
    if ev.evaluated:
        current = ev.current
        open_ = current[current["status"].isin(["new", "ongoing"])]
        if not len(open_):
            out.append(t("brief.story.no_alerts", lang))
        else:
            items = [t("brief.story.alert_item", lang, metric=name_of(ev.metric(r.metric), lang),
                       level=t(f"brief.level.{r.severity}", lang), status=t(f"brief.status.{r.status}", lang))
                     for r in open_.itertuples(index=False)]
            out.append(_tn("brief.story.alerts", lang, len(open_), items=_join(items, lang)))
    else:
        out.append(t("brief.story.alerts_not_evaluated", lang))
    # 2. health
    h = model.health
    if not _nan(fig.loc["health_index", "value"]) and b.weakest:
        score = h.dimensions.set_index("dimension").at[b.weakest, "score"]
        before = (t("brief.story.before", lang, value=fmt.pct(fig.loc["health_index", "previous"], 1), month=prev)
                  if fig.loc["health_index", "verdict"] not in ("first", "not_reported") else "")
        out.append(t("brief.story.health", lang, index=fmt.pct(fig.loc["health_index", "value"], 1), before=before,
                     benchmark=benchmark_name(model.settings, lang), dimension=name_of(h.dims[b.weakest], lang),
                     score=fmt.pct(score, 0)))
    else:
        out.append(t("brief.story.health_not_evaluated", lang))
    # 3. trade
    if not _nan(fig.loc["local_trade", "value"]):
        row = fig.loc["local_trade"]
        change = ""
        if row["verdict"] not in ("first", "not_reported", "same") and row["previous"]:
            change = t(f"brief.story.{'up' if row['change'] > 0 else 'down'}", lang, month=prev,
                       amount=fmt.money(abs(row["change"]), lang, currency),
                       pct=fmt.pct(abs(row["change"]) / abs(row["previous"]), 1))
        out.append(t("brief.story.trade", lang, value=fmt.money(fig.loc["local_trade", "value"], lang, currency),
                     window=model.settings.window, change=change,
                     sourcing=fmt.pct(fig.loc["local_sourcing", "value"], 1)))
    else:
        out.append(t("brief.story.trade_not_reported", lang))
    # 4. the chain
    missing = fig.loc["missing_nodes", "value"]
    gap = model.brief.candidates
    gap = gap[gap["kind"] == "gap"]
    if len(gap):
        d = gap.iloc[0]["detail"]
        name = display_name(d.get("name"), d.get("name_zh"), lang)
        if d.get("kind") == "segment":
            name = t("brief.story.segment", lang, segment=name, n=len(d.get("nodes") or ()))
        tie = _tn("brief.story.tied", lang, d["tied"]) if d.get("tied") else ""
        out.append(_tn("brief.story.chain", lang, missing, gap=name,
                     score=f"{float(d['score']):.2f}", tie=tie))
    elif not _nan(missing):
        out.append(_tn("brief.story.chain_no_gap", lang, missing))
    # 5. broken links
    link = b.candidates[b.candidates["kind"] == "link"]
    if len(link):
        d = link.iloc[0]["detail"]
        out.append(_tn("brief.story.links", lang, d["broken_links"],
                     source=display_name(d.get("source_name"), d.get("source_name_zh"), lang),
                     target=display_name(d.get("target_name"), d.get("target_name_zh"), lang),
                     stake=fmt.money(d["value_at_stake"], lang, currency)))
    elif fig.loc["broken_links", "value"] == 0 and len(model.value_stream.broken):
        out.append(t("brief.story.no_links", lang))
    return [s for s in out if s][:5]


def brief_records(model: Any, lang: str = "en", currency: str | None = None) -> dict:
    """Everything the month's index shows of the brief, as plain JSON-ready records.

    Returns
    -------
    dict
        title, story (sentences), actions (:func:`action_records`), rule (the ranking rule in
        two sentences), figures (:func:`figure_records`).
    """
    currency = currency or model.settings.currency
    return {
        "title": t("brief.title", lang, park=park_name(model.settings, lang), month=model.month),
        "story": story(model, lang, currency),
        "actions": action_records(model, lang, currency),
        "rule": t("brief.rule", lang),
        "figures": figure_records(model.brief, lang, currency, window=model.settings.window,
                                  reported={"output": (model.overview.headline["reported"]["output"],
                                                       model.overview.headline["local_firms"])}),
    }
