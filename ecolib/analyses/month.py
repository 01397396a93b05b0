"""The month model: every analysis of one park and one month, each computed once.

:func:`analyse` is the one entry point. It returns a :class:`MonthModel` whose parts
(``overview``, ``value_stream``, ``gene_map``, ``health``, ``health_history``, ``gaps``,
``evaluation``, ``niche``, ``embedding``) are computed on first use and then kept, and which
builds each part from the parts it depends on (the gap analysis uses the gene map, the value
stream and the health diagnosis of the same model), so that no two pages can compute the same
quantity twice in two ways. The report runner computes the whole model once per month
(:meth:`MonthModel.compute`), stores it (:meth:`MonthModel.save`) and every page of both
languages, the month's index, ``summary.json`` and ``tables.xlsx`` read that stored object;
an interactive notebook builds it in its setup call and computes only the parts it shows.

Pure: no language, no formatting; the words and tables are in :mod:`ecolib.presentation`.

Examples
--------
>>> from ecolib import datasets
>>> m = analyse(datasets.tiny(), "2026-03")
>>> m.month, m.name
('2026-03', 'tiny')
>>> m.gaps.health is m.health          # one health diagnosis for every page
True
>>> m.gaps.gene_map is m.gene_map
True
>>> sorted(m.computed())               # only what was asked for so far
['gaps', 'gene_map', 'health', 'value_stream']
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ecolib.workspace import Workspace
from ecolib.workspace.settings import Settings

#: The parts of a month model, in the order :meth:`MonthModel.compute` builds them.
PARTS = ("overview", "value_stream", "national", "gene_map", "health", "health_history", "evaluation", "gaps",
         "niche", "embedding", "entries", "brief")

#: Version of the stored form; a stored model of another version is not read back.
FORMAT = 1


@dataclass
class MonthModel:
    """Every analysis of one park and month (see the module docstring).

    Attributes
    ----------
    tables : dict of str to DataFrame
        The workspace's validated tables (:class:`ecolib.workspace.Workspace`).
    settings : Settings
        The workspace's typed settings, checked at load.
    month : str
        The month analysed, ``YYYY-MM``.
    name : str
        The park's name (``settings.name``, else the workspace folder's name).
    months : list of str
        Every month with data in the workspace (flows or KPIs), sorted.
    exit_firm : str or None
        The firm of the gap analysis's stress test (None: the most systemic anchor firm).
    niche_level : str
        The level the niche analysis compares zones at: ``segment`` or ``node``.
    niche_firm : str or None
        The firm whose embedding the niche page shows (None: the default rule of
        :func:`ecolib.analyses.niche.default_firm`).
    niche_nodes : tuple of str or None
        Target nodes of the embedding (None: the gene map's gap nodes).
    """

    tables: Mapping[str, pd.DataFrame] = field(repr=False)
    settings: Settings = field(repr=False)
    month: str
    name: str = ""
    months: list[str] = field(default_factory=list, repr=False)
    exit_firm: str | None = None
    niche_level: str = "segment"
    niche_firm: str | None = None
    niche_nodes: tuple[str, ...] | None = None

    # -- the parts ---------------------------------------------------------------------
    @cached_property
    def overview(self):
        """The park profile (:class:`ecolib.analyses.overview.Overview`)."""
        from ecolib.analyses import overview
        return overview.overview(self.tables, self.month, window=self.settings.window,
                                 min_capability=self.settings.min_capability, coverage=self.gene_map.coverage)

    @cached_property
    def value_stream(self):
        """The value-stream map (:class:`ecolib.analyses.valuestream.ValueStream`)."""
        from ecolib.analyses import valuestream
        return valuestream.value_stream(self.tables, self.month, window=self.settings.window,
                                        threshold=self.settings.thresholds.broken_link_share,
                                        min_value=self.settings.thresholds.broken_link_min_value)

    @cached_property
    def national(self):
        """The national key sectors behind the park's chain
        (:class:`ecolib.analyses.valuestream.NationalSectors`): the 42 sectors of China's 2020
        input-output table with their linkages, and those this model's value-stream segments
        map to (:func:`ecolib.analyses.valuestream.national`)."""
        from ecolib.analyses import valuestream
        from ecolib.datasets.china_io import load_china_io
        return valuestream.national(self.value_stream.flows.groups, load_china_io(2020),
                                    overrides=self.tables.get("sector_map"))

    @cached_property
    def gene_map(self):
        """Coverage, node space and feasibility (:class:`ecolib.analyses.genemap.GeneMap`)."""
        from ecolib.analyses import genemap
        return genemap.gene_map(self.tables, self.month, min_capability=self.settings.min_capability)

    @cached_property
    def health(self):
        """The health diagnosis of the month (:class:`ecolib.analyses.health.Health`)."""
        from ecolib.analyses import health
        return health.health_workspace(self.tables, self.settings, self.month)

    @cached_property
    def health_history(self):
        """The same diagnosis for every month up to this one (:class:`~ecolib.analyses.health.HealthHistory`)."""
        from ecolib.analyses import health
        return health.health_history_workspace(self.tables, self.settings, self.month)

    @cached_property
    def evaluation(self):
        """Metric history, rule checks and the alert ledger (:class:`ecolib.analyses.evaluation.Evaluation`)."""
        from ecolib.analyses import evaluation
        return evaluation.evaluate_workspace(self.tables, self.settings, self.month)

    @cached_property
    def gaps(self):
        """The gap analysis (:class:`ecolib.analyses.gaps.GapAnalysis`), on this model's gene
        map, value stream and health diagnosis."""
        from ecolib.analyses import gaps
        return gaps.gap_analysis(self.tables, self.settings, self.month, exit_firm=self.exit_firm,
                                 gene_map=self.gene_map, value_stream=self.value_stream, health=self.health)

    @cached_property
    def niche(self):
        """Zone portfolios, overlap and breadth (:class:`ecolib.analyses.niche.Niche`)."""
        from ecolib.analyses import niche
        return niche.niche(self.tables, self.month, level=self.niche_level,
                           threshold=self.settings.thresholds.niche_overlap,
                           min_firms=int(self.settings.thresholds.niche_min_firms),
                           min_zone_share=self.settings.thresholds.niche_min_share)

    @cached_property
    def embedding(self):
        """How one firm could move into the gaps (:class:`ecolib.analyses.niche.Embedding`)."""
        from ecolib.analyses import niche
        return niche.embedding(self.tables, self.month, firm_id=self.niche_firm, nodes=self.niche_nodes,
                               gm=self.gene_map, weights=self.settings.priority_weights)

    @cached_property
    def entries(self):
        """The best entry point of each of the ten smallest firms next to a gap
        (:class:`ecolib.analyses.niche.Entries`, on this model's gene map and priority weights)."""
        from ecolib.analyses import niche
        return niche.small_firm_entries(self.tables, self.month, self.gene_map, n=10,
                                        weights=self.settings.priority_weights)

    @cached_property
    def brief(self):
        """The month brief (:class:`ecolib.analyses.brief.Brief`): the headline figures against
        the latest earlier month with data, and this month's actions, ranked."""
        from ecolib.analyses import brief
        result = brief.brief(self, self.previous())
        self.__dict__.pop("_previous", None)      # the brief was the only reader: no chain of months kept
        return result

    def previous(self) -> "MonthModel | None":
        """The model of the latest earlier month with data (None: this is the first): the one
        :func:`analyse` was given as ``previous`` when it is that month's, on the same tables
        and stress-test firm; otherwise a fresh one."""
        earlier = [m for m in self.months if m < self.month]
        if not earlier:
            return None
        known = self.__dict__.get("_previous")
        if (known is not None and known.month == earlier[-1] and known.tables is self.tables
                and known.settings is self.settings and known.exit_firm == self.exit_firm):
            return known
        return MonthModel(self.tables, self.settings, earlier[-1], name=self.name, months=self.months,
                          exit_firm=self.exit_firm)

    # -- the whole model ---------------------------------------------------------------
    def computed(self) -> list[str]:
        """The parts computed so far."""
        return [p for p in PARTS if p in self.__dict__]

    def compute(self) -> "MonthModel":
        """Compute every part (the report runner does, before the pages); returns self."""
        for part in PARTS:
            getattr(self, part)
        return self

    def with_options(self, **options: Any) -> "MonthModel":
        """This model, or a fresh one (nothing computed) where an option differs
        (``exit_firm``, ``niche_level``, ``niche_firm``, ``niche_nodes``)."""
        options = {k: (tuple(v) if k == "niche_nodes" and v is not None else v) for k, v in options.items()}
        if all(getattr(self, k) == v for k, v in options.items()):
            return self
        return replace(self, **options)

    def save(self, path: str | Path) -> Path:
        """Store the model (with every part computed so far) for :func:`load_model`."""
        path = Path(path)
        with open(path, "wb") as fh:
            pickle.dump((FORMAT, self), fh, protocol=pickle.HIGHEST_PROTOCOL)
        return path

    def __getstate__(self) -> dict:
        """What is stored: the model without the earlier month it may have been given."""
        return {k: v for k, v in self.__dict__.items() if k != "_previous"}


def load_model(path: str | Path) -> MonthModel:
    """Read back a model stored by :meth:`MonthModel.save` (by this version of ecolib).

    The parts computed before the model was saved come back computed; the others are
    computed on first use, as for a fresh model. The file is a pickle: read only files
    written by your own report runner.

    Parameters
    ----------
    path : str or Path
        The file written by :meth:`MonthModel.save`.

    Returns
    -------
    MonthModel
        The stored model, with its ``tables``, ``settings``, ``month``, ``name``, ``months``,
        options (``exit_firm``, ``niche_level``, ``niche_firm``, ``niche_nodes``) and the
        parts computed so far.

    Raises
    ------
    ValueError
        If the file holds a model of another stored-form version (:data:`FORMAT`) or
        something other than a :class:`MonthModel`.
    OSError
        If the file cannot be read.

    See Also
    --------
    analyse : builds the model.
    MonthModel.save : stores it.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from ecolib import datasets
    >>> m = analyse(datasets.tiny(), "2026-03")
    >>> m.health.month
    '2026-03'
    >>> tmp = tempfile.TemporaryDirectory()
    >>> back = load_model(m.save(Path(tmp.name) / "model.pkl"))
    >>> back.month, back.name, back.computed()          # the health part comes back computed
    ('2026-03', 'tiny', ['health'])
    >>> tmp.cleanup()
    """
    with open(path, "rb") as fh:
        version, model = pickle.load(fh)  # noqa: S301 -- our own file, written by the report runner
    if version != FORMAT or not isinstance(model, MonthModel):
        raise ValueError(f"{path} holds a month model of another version ({version}); render the month again")
    return model


def analyse(workspace: Workspace, month: str | None = None, *, previous: MonthModel | None = None,
            **options: Any) -> MonthModel:
    """The month model of ``workspace`` for ``month`` (default: the latest month with data).

    Parameters
    ----------
    workspace : Workspace
        A loaded workspace (:func:`ecolib.load_workspace`).
    month : str, optional
        ``YYYY-MM``; None for the latest month with flows or KPIs.
    previous : MonthModel, optional
        The model of the latest earlier month with data, already built on the same workspace
        (a run of several months passes the one it has just computed): the brief compares
        with it instead of computing that month again. Ignored when it is not that month's.
    **options
        ``exit_firm``, ``niche_level``, ``niche_firm``, ``niche_nodes``: see :class:`MonthModel`.

    Returns
    -------
    MonthModel
        Parts computed on first use; :meth:`MonthModel.compute` computes them all.

    See Also
    --------
    ecolib.load_workspace : reads and checks the workspace this takes.

    Examples
    --------
    >>> from ecolib import datasets
    >>> ws = datasets.tiny()
    >>> m = analyse(ws)
    >>> m.month == m.months[-1]
    True
    >>> before = analyse(ws, "2026-02").compute()
    >>> after = analyse(ws, "2026-03", previous=before)
    >>> after.previous() is before, after.brief.previous_month      # no second model of February
    (True, '2026-02')
    """
    months = workspace.months()
    if month in (None, ""):
        if not months:
            raise ValueError(f"workspace {workspace.name!r} has no month with data")
        month = months[-1]
    model = MonthModel(workspace.tables, workspace.settings, str(month), name=workspace.name, months=months,
                       **options)
    if previous is not None:
        model.__dict__["_previous"] = previous
    return model
