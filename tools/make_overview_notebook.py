"""Write notebooks/00_overview.ipynb (kept as a script so the notebook stays reviewable)."""
import nbformat as nbf

nb = nbf.v4.new_notebook()
nb.metadata = {
    "kernelspec": {"name": "ecolib", "display_name": "Python (ecolib)", "language": "python"},
    "language_info": {"name": "python"},
    "title": "Park overview",
}
md = lambda text, **kw: nbf.v4.new_markdown_cell(text, **kw)  # noqa: E731
code = lambda text, **kw: nbf.v4.new_code_cell(text, **kw)  # noqa: E731
note = {"tags": ["analyst-note"]}
nb.cells = [
    md("# Park overview (园区概览)\n\nThe park profile for one month: firms by stage and zone, output, area, patents, "
       "flow volume over the months and the chain tree. Set the parameters below and run all cells; with "
       "`interactive = True` a month picker redraws the figures. Cells tagged `analyst-note` (like this one) "
       "are left out of the client report.", metadata=note),
    code("# Parameters (papermill overrides them in the monthly report).\n"
         "# workspace: a workspace folder (see data/README.md); month: YYYY-MM, None for the latest\n"
         "# month with data; lang: en or zh; interactive: False in the rendered report.\n"
         'workspace = "../data/demo"\n'
         "month = None\n"
         'lang = "en"\n'
         "interactive = True", metadata={"tags": ["parameters"]}),
    code("from ecolib import overview as ov\n"
         "from ecolib.notebook import setup\n"
         "from ecolib.plots import overview as plot\n\n"
         'ctx = setup(workspace, month, lang=lang, interactive=interactive, title="overview.title")\n'
         'result = ov.overview(ctx.tables, ctx.month, window=ctx.settings["window"], lang=ctx.lang)\n'
         'ctx.paragraph("overview.intro", month=ctx.month)\n'
         "ctx.cards(ov.headline_cards(result, ctx.lang, currency=ctx.currency))\n"
         "ctx.findings(ov.findings(result, ctx.lang, currency=ctx.currency))\n"
         "ctx.record(headline=result.headline)"),
    md("## Firms by stage and zone", metadata=note),
    code('ctx.section("overview.firms")\n'
         "ctx.show(plot.stage_zone_bar(result.stage_zone, ctx.lang))"),
    md("## Zones at a glance", metadata=note),
    code('ctx.section("overview.zones", currency=ctx.currency)\n'
         "ctx.table(result.zones, index=True, total_row=\"total\", columns=ov.ZONE_COLUMNS,\n"
         "          formats=ov.zone_formats(ctx.lang, ctx.currency))"),
    md("## Largest local firms", metadata=note),
    code('ctx.section("overview.top", currency=ctx.currency)\n'
         "ctx.table(result.top_firms, columns=ov.TOP_FIRM_COLUMNS, formats=ov.top_firm_formats(ctx.lang, ctx.currency))"),
    md("## Value flows over the months", metadata=note),
    code('ctx.section("overview.flows", currency=ctx.currency, window=len(result.window), month=ctx.month)\n'
         "ctx.show(plot.flow_lines(result.flows, result.window, ctx.lang, currency=ctx.currency))"),
    md("## The chain and who covers it", metadata=note),
    code('ctx.section("overview.chain")\n'
         "ctx.show(plot.chain_sunburst(result.tree, ctx.lang, currency=ctx.currency))"),
    md("## Explore another month (interactive only)", metadata=note),
    code("if ctx.interactive:\n"
         "    from ecolib.widgets import MonthExplorer\n"
         "    explorer = MonthExplorer(\n"
         "        ctx.workspace.months(), ctx.month, label=ctx.t(\"common.pick_month\"),\n"
         "        build=lambda m: plot.overview_figures(ov.overview(ctx.tables, m, window=ctx.settings[\"window\"]),\n"
         "                                              ctx.lang, currency=ctx.currency))\n"
         "    display(explorer.widget)"),
]
nbf.write(nb, "notebooks/00_overview.ipynb")
