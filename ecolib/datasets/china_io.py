"""China national input-output table, 42 sectors (NBS), shipped with ecolib.

Source: National Bureau of Statistics of China (https://www.stats.gov.cn) national
input-output tables, as packaged in the R package *ionet* (repository
``Carol-seven/ionet``, GPL-3); see ``ecolib/datasets/data/README.md``.

Units: **10,000 CNY (万元)**, current prices.

The table is in the *non-competitive-import* layout: every product appears twice, once as
domestically produced and once as imported.  For domestic products the row balance is
``x = Z_dom·1 + f_dom`` (``x`` = gross output ``GO``) and the column balance is
``x_j = Σ_i Z_dom[i, j] + Σ_i Z_imp[i, j] + VA_j`` (total input ``TI`` = gross output).

With ``competitive=True`` the imported block is added to the domestic one:
``Z = Z_dom + Z_imp``, ``f = f_dom + f_imp`` and ``x = Z·1 + f − imports``
(``imports_i`` = total imports of product ``i``), the usual competitive-import table.
Feeding ``Z`` and ``x`` of either form to :func:`ecolib.analyses.iotable.linkages` derives final
demand as ``x − Z·1`` (net of imports in the competitive form).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from ecolib.contract.schema import NATIONAL_SECTORS

__all__ = ["IOTable", "load_china_io", "available_years", "load_sector_rules", "sector_aliases", "sector_code",
           "SECTOR_CODES"]

_PACKAGE = "ecolib.datasets"
_PATTERN = re.compile(r"^china_io_(\d{4})_42\.csv$")
_RULES_FILE = "china_io_sector_rules_42.csv"

#: The codes of the 42 sectors, ``"01"`` … ``"42"`` (the same in every shipped year; the contract's).
SECTOR_CODES: tuple[str, ...] = NATIONAL_SECTORS
_FINAL = {
    "TC": "consumption",
    "FU201": "gross_fixed_capital_formation",
    "FU202": "inventory_change",
    "EX": "exports",
}
_VA = {
    "VA001": "compensation_of_employees",
    "VA002": "net_taxes_on_production",
    "VA003": "depreciation",
    "VA004": "operating_surplus",
}


@dataclass(frozen=True)
class IOTable:
    """One national input-output table; all values in ``unit`` (10,000 CNY).

    Attributes (sector codes ``"01"`` … ``"42"`` as labels, index name ``sector``)
    ----------
    year : table year.
    Z : intermediate flows, 42 × 42 DataFrame, rows = supplying sector, columns = using
        sector (domestic products only, or domestic + imported if ``competitive``).
    x : gross output of domestic production (``GO`` of the domestic rows).
    f : total final use (``TFU``: consumption + capital formation + inventory change +
        exports), of domestic products (or domestic + imported if ``competitive``).
    final_demand : the four components of ``f`` (columns consumption,
        gross_fixed_capital_formation, inventory_change, exports).
    imports : total imports of each product (``GO`` of the ``Imports`` rows).
    Z_imports : intermediate use of imported products (42 × 42).
    value_added : total value added per sector (``TVA``).
    value_added_detail : its components (compensation_of_employees,
        net_taxes_on_production, depreciation, operating_surplus).
    total_input : total input per sector (``TI`` row; equals ``x``).
    names_en, names_zh : sector names.
    competitive : whether ``Z`` and ``f`` include imported products.
    unit, source : unit of all values, and the data source.
    """

    year: int
    Z: pd.DataFrame
    x: pd.Series
    f: pd.Series
    final_demand: pd.DataFrame
    imports: pd.Series
    Z_imports: pd.DataFrame
    value_added: pd.Series
    value_added_detail: pd.DataFrame
    total_input: pd.Series
    names_en: pd.Series
    names_zh: pd.Series
    competitive: bool = False
    unit: str = "10,000 CNY"
    source: str = "National Bureau of Statistics of China, via R package ionet (Carol-seven/ionet)"


def _data_dir():
    return resources.files(_PACKAGE) / "data"


def available_years() -> list[int]:
    """Years for which a 42-sector table is shipped."""
    years = []
    for entry in _data_dir().iterdir():
        m = _PATTERN.match(entry.name)
        if m:
            years.append(int(m.group(1)))
    return sorted(years)


def load_china_io(year: int = 2020, *, competitive: bool = False) -> IOTable:
    """Load the shipped China 42-sector input-output table of ``year``.

    ``competitive=False`` (default): ``Z`` and ``f`` hold domestic products only
    (non-competitive-import table, ``x = Z·1 + f``).  ``competitive=True``:
    ``Z = Z_dom + Z_imp`` and ``f = f_dom + f_imp`` (``x = Z·1 + f − imports``).
    """
    years = available_years()
    if year not in years:
        raise ValueError(f"no China input-output table shipped for {year!r}; available: {years}")
    path = _data_dir() / f"china_io_{year}_42.csv"
    with path.open("rb") as fh:
        raw = pd.read_csv(fh, dtype={"Code": str}, encoding="utf-8")
    return _build(raw, year=int(year), competitive=competitive)


def _build(raw: pd.DataFrame, *, year: int, competitive: bool) -> IOTable:
    dom = raw[raw["Origin"] == "Domestic"].set_index("Code")
    imp = raw[raw["Origin"] == "Imports"].set_index("Code")
    tot = raw[raw["Origin"] == "TOT"].set_index("Code")
    codes = pd.Index(dom.index, name="sector")
    if len(codes) != 42 or not imp.index.equals(dom.index) or list(raw.columns[4:46]) != list(codes):
        raise ValueError("unexpected layout of the shipped China input-output table")

    def block(frame: pd.DataFrame) -> pd.DataFrame:
        z = frame.loc[codes, list(codes)].astype("float64")
        z.index = codes
        z.columns = codes
        return z

    def col(frame: pd.DataFrame, name: str, series_name: str) -> pd.Series:
        return pd.Series(frame.loc[codes, name].to_numpy(dtype="float64"), index=codes, name=series_name)

    def row(code: str, series_name: str) -> pd.Series:
        return pd.Series(tot.loc[code, list(codes)].to_numpy(dtype="float64"), index=codes, name=series_name)

    def final(frame: pd.DataFrame) -> pd.DataFrame:
        fd = frame.loc[codes, list(_FINAL)].astype("float64").rename(columns=_FINAL)
        fd.index = codes
        return fd

    z_dom, z_imp = block(dom), block(imp)
    f_dom, f_imp = col(dom, "TFU", "f"), col(imp, "TFU", "f")
    fd = final(dom)
    if competitive:
        z, f, fd = z_dom + z_imp, f_dom + f_imp, fd + final(imp)
    else:
        z, f = z_dom, f_dom
    vad = pd.DataFrame({name: row(code, name) for code, name in _VA.items()})
    return IOTable(
        year=year,
        Z=z,
        x=col(dom, "GO", "x"),
        f=f,
        final_demand=fd,
        imports=col(imp, "GO", "imports"),
        Z_imports=z_imp,
        value_added=row("TVA", "value_added"),
        value_added_detail=vad,
        total_input=row("TI", "total_input"),
        names_en=pd.Series(dom["Description"].to_numpy(), index=codes, name="name_en"),
        names_zh=pd.Series(dom["DescriptionInChinese"].to_numpy(), index=codes, name="name_zh"),
        competitive=competitive,
    )


@lru_cache(maxsize=None)
def _rules() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    with (_data_dir() / _RULES_FILE).open("rb") as fh:
        raw = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8")
    out = []
    for row in raw.itertuples(index=False):
        codes = tuple(row.sectors.split())
        if not codes or any(c not in SECTOR_CODES for c in codes):
            raise ValueError(f"sector rules: bad sector codes {row.sectors!r}")
        pattern = "|".join(p for p in (row.en.strip(), row.zh.strip()) if p)
        re.compile(pattern)
        out.append((pattern, codes, row.note))
    return tuple(out)


def load_sector_rules() -> list[tuple[str, tuple[str, ...]]]:
    """The shipped rules that match a chain segment's name to sectors of the 42-sector table.

    Read from ``china_io_sector_rules_42.csv`` (columns sectors, en, zh, note): one rule a
    row, in the order they are tried; ``sectors`` holds one or more codes separated by
    spaces, ``en`` and ``zh`` regular expressions of English and Chinese keywords (matched
    case-insensitively anywhere in the segment's id and names, see
    :func:`ecolib.analyses.valuestream.segment_mapping`); the first rule that matches wins. The
    first rows are compound names whose last word decides the sector although an earlier word
    would match another (医药批发 is trade, not pharmaceuticals); then rows match every sector by
    its own names and common synonyms; the last ones are those written for the
    new-energy-vehicle and battery chain.

    Returns
    -------
    list of (pattern, sector codes)
        ``pattern`` is the row's ``en`` and ``zh`` joined by ``|``.

    Examples
    --------
    >>> rules = load_sector_rules()
    >>> sorted({c for _, codes in rules for c in codes}) == list(SECTOR_CODES)   # every sector
    True
    >>> rules[-1][1]                                       # research and design
    ('35',)
    """
    return [(pattern, codes) for pattern, codes, _ in _rules()]


@lru_cache(maxsize=None)
def sector_aliases(year: int = 2020) -> dict[str, str]:
    """How a sector may be named → its code: the code (``"07"`` and ``"7"``), the English and
    the Chinese name of the shipped table, lower case with spaces collapsed.

    Examples
    --------
    >>> a = sector_aliases()
    >>> a["7"], a["finance"], a["电气机械和器材"]
    ('07', '32', '19')
    """
    table = load_china_io(year)
    out: dict[str, str] = {}
    for code in table.x.index:
        for name in (code, str(int(code)), table.names_en[code], table.names_zh[code]):
            out[_key(name)] = code
    return out


def _key(text) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


def sector_code(value, year: int = 2020) -> str | None:
    """The code of the sector ``value`` names (its code or its English or Chinese name, see
    :func:`sector_aliases`); None when it names none.

    Examples
    --------
    >>> sector_code("19"), sector_code(" Finance "), sector_code("金融"), sector_code("banking")
    ('19', '32', '32', None)
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    return sector_aliases(year).get(_key(value))
