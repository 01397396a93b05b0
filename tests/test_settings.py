"""Settings once, at load (issue 11): workspace.yaml is parsed into one typed, checked Settings.

The rule: what ``ecolib validate`` accepts cannot fail in a notebook because of a setting. One
test per settings mistake of the issue (each asserting the validate message with file, key and
reason, or that the analysis using the setting runs on the tiny park), a property test over
generated settings, and a test that the settings layer imports no analysis module.
"""
from __future__ import annotations

import ast
import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import ROOT, write_tiny_park
from ecolib import cli
from ecolib.analyses import evaluation, gaps, genemap, health, niche, valuestream
from ecolib.analyses.month import analyse
from ecolib.workspace.numtext import parse_number
from ecolib.workspace.rules import check_formula, evaluate_formula
from ecolib.workspace.settings import Settings, SettingsError, Thresholds, as_settings, read_settings
from ecolib.workspace import load_workspace, validate_workspace

M = "2026-03"

# the tiny park with KPIs that make formulas meet zeros, negatives and large values
KPIS = """\
    month,metric,value
    2026-01,output,100
    2026-02,output,110
    2026-03,output,120
    2026-01,area,0
    2026-02,area,10
    2026-03,area,10
    2026-01,patents,2
    2026-02,patents,0
    2026-03,patents,-3
    2026-01,talent_demand,0
    2026-02,talent_demand,50
    2026-03,talent_demand,1e300
    2026-01,talent_supply,40
    2026-03,talent_supply,30
    2026-01,policy_compliance,0.6
    2026-02,policy_compliance,0.8
    2026-03,policy_compliance,0.65
    2026-02,local_flow_value,-5
    2026-03,local_flow_value,7
    """
BENCHMARKS = """\
    metric,value,direction,source
    output,150,higher,hand-made
    eco_value_density,1e-300,higher,hand-made
    policy_compliance,0.9,higher,hand-made
    talent_gap,0.1,lower,hand-made
    """


def _yaml(**settings) -> str:
    return yaml.safe_dump({"name": "tiny", **settings}, allow_unicode=True, sort_keys=False)


def _park(tmp_path: Path, text: str) -> Path:
    return write_tiny_park(tmp_path / "park", workspace_yaml=text, kpis_csv=KPIS, benchmarks_csv=BENCHMARKS)


def _validate_lines(folder: Path, capsys) -> tuple[int, list[str]]:
    """``ecolib validate`` on the folder: its exit code and its printed lines."""
    code = cli.main(["validate", str(folder)])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def _errors(folder: Path) -> list[str]:
    return [str(p) for p in validate_workspace(folder)[1] if p.is_error]


def run_every_analysis(ws) -> None:
    """Every analysis of the month model, as the report runner computes it before the pages,
    and the words that read settings (rule conditions, alert records, the KPI table)."""
    from ecolib.presentation.narrative import evaluation as words
    from ecolib.presentation.tables import evaluation as specs

    m = analyse(ws, M).compute()
    words.alert_records(m.evaluation, "en")
    specs.KPIS.view(m.evaluation, "zh")
    specs.RULES.view(m.evaluation, "en")


# --------------------------------------------------------------------------- one number parser


@pytest.mark.parametrize("text, number", [
    (0.1, 0.1), ("0.1", 0.1), ("10%", 0.1), ("1,000", 1000.0), ("80万", 800_000.0), ("1.2亿", 120_000_000.0),
    ("１２３", 123.0), ("(1,200)", -1200.0), (" 7 ", 7.0), (3, 3.0),
])
def test_one_number_parser_reads_numbers_as_park_staff_write_them(text, number) -> None:
    assert parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", [float("nan"), float("inf"), "nan", "inf", "-inf", "1e999", 10**400, True,
                                  None, "abc", "1,2", [1], {"a": 1}, "x" * 200])
def test_one_number_parser_refuses_what_is_not_a_finite_number(text) -> None:
    assert parse_number(text) is None


def test_bounded_numbers_refuse_1e300() -> None:
    assert parse_number("1e300") == 1e300                            # a number …
    assert parse_number("1e300", minimum=1, maximum=240, whole=True) is None   # … but not a window
    assert parse_number("12", minimum=1, maximum=240, whole=True) == 12


# --------------------------------------------------------------------------- the mistakes of issue 11


def test_broken_link_share_10_percent_is_0_1_and_used_by_the_value_stream(tmp_path: Path, capsys) -> None:
    folder = _park(tmp_path, _yaml(thresholds={"broken_link_share": "10%"}))
    code, lines = _validate_lines(folder, capsys)
    assert code == 0, lines
    ws = load_workspace(folder)
    assert ws.settings.thresholds.broken_link_share == pytest.approx(0.1)
    vs = valuestream.value_stream(ws.tables, M, window=ws.settings.window,
                                  threshold=ws.settings.thresholds.broken_link_share)
    assert vs.threshold == pytest.approx(0.1)
    # the same as writing 0.1
    plain = valuestream.value_stream(ws.tables, M, window=ws.settings.window, threshold=0.1)
    assert vs.broken.equals(plain.broken)


def test_niche_overlap_70_percent_is_accepted_as_0_7(tmp_path: Path, capsys) -> None:
    folder = _park(tmp_path, _yaml(thresholds={"niche_overlap": "70%"}))
    code, lines = _validate_lines(folder, capsys)
    assert code == 0, lines
    ws = load_workspace(folder)
    assert ws.settings.thresholds.niche_overlap == pytest.approx(0.7)
    result = niche.niche(ws.tables, M, level="segment", threshold=ws.settings.thresholds.niche_overlap)
    assert result.threshold == pytest.approx(0.7)


@pytest.mark.parametrize("key, value, message", [
    ("broken_link_share", "abc",
     "workspace.yaml, key thresholds.broken_link_share: expected a share greater than 0 and at most 1 "
     "(like 0.1 or 10%), got 'abc'"),
    ("broken_link_share", "150%",
     "workspace.yaml, key thresholds.broken_link_share: expected a share greater than 0 and at most 1 "
     "(like 0.1 or 10%), got '150%'"),
    ("dependence_share", 0,
     "workspace.yaml, key thresholds.dependence_share: expected a share greater than 0 and at most 1 "
     "(like 0.3 or 30%), got 0"),
    ("niche_overlap", ".nan",
     "workspace.yaml, key thresholds.niche_overlap: expected a share between 0 and 1 (like 0.7 or 70%), got nan"),
])
def test_a_threshold_out_of_range_is_named_with_key_and_reason(tmp_path: Path, key, value, message) -> None:
    text = f"name: tiny\nthresholds:\n  {key}: {value}\n"
    assert _errors(_park(tmp_path, text)) == [message]


def test_window_1e300_is_rejected_by_validate(tmp_path: Path, capsys) -> None:
    folder = _park(tmp_path, "name: tiny\nwindow: 1e300\n")
    code, lines = _validate_lines(folder, capsys)
    assert code != 0
    message = "workspace.yaml, key window: expected a whole number of months from 1 to 240, got '1e300'"
    assert any(message in line for line in lines), lines
    assert _errors(folder) == [message]
    assert _errors(_park(tmp_path, "name: tiny\nwindow: 1.0e+300\n")) == [
        "workspace.yaml, key window: expected a whole number of months from 1 to 240, got 1e+300"]


@pytest.mark.parametrize("formula, reason", [
    ("1/0", "divides by zero: the divisor '0' is always 0"),
    ("output / (area - area + 1 - 1)", None),                       # data-dependent: harmless, see below
    ("10 ** 400", "the exponent in '10 ** 400' is out of range: at most 100 in size"),
    ("output * 1e400", "a number in the formula is too large to compute with"),
    ("(0-1) ** 0.5", "'(0 - 1) ** 0.5' is not a real number (a negative number to a fractional power)"),
    ("lag(output, 10**20)", "lag: the number of months must be a whole number ≥ 1 and at most 240, written as a "
                            "number, not '10 ** 20'"),
    ("lag(output, 100000000000000000000)", "lag: the number of months must be a whole number ≥ 1 and at most 240, "
                                           "written as a number, not '100000000000000000000'"),
    ("avg(output, 241)", "avg: the number of months must be a whole number ≥ 1 and at most 240, written as a "
                         "number, not '241'"),
    ("(10 ** 50) ** 10", "'(10 ** 50) ** 10' is too large (it overflows)"),
    ("0 ** -1", "divides by zero: '0 ** (-1)' is 0 to a negative power"),
])
def test_a_formula_that_would_fail_later_is_refused_at_load(tmp_path: Path, capsys, formula, reason) -> None:
    rules = [{"metric": "bad_metric", "formula": formula, "comparison": ">", "threshold": 1}]
    folder = _park(tmp_path, _yaml(rules=rules))
    if reason is None:            # accepted: then it must evaluate without raising (NaN where x / 0)
        ws = load_workspace(folder)
        run_every_analysis(ws)
        history = evaluation.metric_history(ws.kpis, ws.settings.metrics, month=M)
        assert history["bad_metric"].isna().all()
        return
    code, lines = _validate_lines(folder, capsys)
    assert code != 0
    message = (f"workspace.yaml, key rules: entry 1 (bad_metric), field formula: {reason}; "
               f"got '{formula}'")
    assert _errors(folder) == [message]
    assert any(message in line for line in lines), lines


@pytest.mark.parametrize("formula", [
    "output / area",                 # area is 0 in 2026-01
    "patents ** 0.5",                # patents is -3 in 2026-03: not a real number
    "talent_demand * talent_demand",  # 1e300 squared overflows in 2026-03
    "output ** patents",             # a data exponent
    "mom(patents)",                  # 0 → -3: division by zero
    "yoy(output) / lag(local_flow_value, 1)",
    "abs(local_flow_value) ** -0.5",
])
def test_data_dependent_failures_are_missing_values_never_errors(tmp_path: Path, formula) -> None:
    rules = [{"metric": "risky", "formula": formula, "comparison": ">", "threshold": "10%"}]
    ws = load_workspace(_park(tmp_path, _yaml(rules=rules)))
    run_every_analysis(ws)
    values = evaluation.metric_history(ws.kpis, ws.settings.metrics, month=M)["risky"]
    assert values.dtype == "float64" and not values.isin([math.inf, -math.inf]).any()


def test_evaluate_formula_on_constants_is_nan_not_an_exception() -> None:
    idx = pd.Index(["2026-01"])
    # a tree that bypasses the load-time check still cannot raise when evaluated
    tree = ast.parse("(0 - 1) ** 0.5 + 1 / 0 + 10.0 ** 400", mode="eval")
    assert evaluate_formula(tree, lambda name: pd.Series([1.0], index=idx), idx).isna().all()


def test_rule_months_and_thresholds_are_bounded(tmp_path: Path) -> None:
    rules = [{"metric": "talent_gap", "months": "1e300"}, {"metric": "policy_compliance", "threshold": "1e300"}]
    assert _errors(_park(tmp_path, _yaml(rules=rules))) == [
        "workspace.yaml, key rules: entry 1 (talent_gap), field months: expected a whole number of consecutive "
        "months from 1 to 240, got '1e300'",
        "workspace.yaml, key rules: entry 2 (policy_compliance), field threshold: expected a number (0.25 or 25%) "
        "or a pair [low, high], got '1e300'",
    ]


def test_dimension_and_priority_weights_use_the_one_parser(tmp_path: Path) -> None:
    text = _yaml(dimensions={"talent": {"metrics": ["talent_gap"], "weight": "50%"}},
                 priority_weights={"importance": "40%", "demand": "30%", "feasibility": "20%", "fragility": "10%"})
    ws = load_workspace(_park(tmp_path, text))
    assert ws.settings.dimensions["talent"].weight == 0.5
    assert dict(ws.settings.priority_weights) == pytest.approx(
        {"importance": 0.4, "demand": 0.3, "feasibility": 0.2, "fragility": 0.1})
    run_every_analysis(ws)
    bad = _yaml(dimensions={"talent": {"metrics": ["talent_gap"], "weight": "inf"}})
    assert _errors(_park(tmp_path / "b", bad)) == [
        "workspace.yaml, key dimensions.talent.weight: expected a number ≥ 0, got 'inf'"]


# --------------------------------------------------------------------------- the typed object


def test_settings_are_typed_and_frozen() -> None:
    s, problems = read_settings({"window": "24", "min_capability": "30%", "currency": "USD"}, default_name="p")
    assert problems == [] and isinstance(s, Settings)
    assert (s.name, s.name_zh, s.window, s.min_capability, s.currency) == ("p", "p", 24, 0.3, "USD")
    assert s.thresholds == Thresholds() and math.isclose(sum(s.priority_weights.values()), 1.0)
    assert not hasattr(s, "get") and not hasattr(s, "__getitem__")      # one way to read: attributes
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.window = 3
    with pytest.raises(TypeError):
        s.priority_weights["demand"] = 1.0
    with pytest.raises(SettingsError, match="key window"):
        as_settings({"window": 0})
    assert as_settings(s) is s


def test_loaded_settings_pickle_and_compare_equal(tmp_path: Path) -> None:
    import pickle

    ws = load_workspace(_park(tmp_path, _yaml(rules=[{"metric": "talent_gap", "threshold": "20%"}])))
    again = pickle.loads(pickle.dumps(ws.settings))
    assert again == ws.settings and {r.id: r.threshold for r in again.rules}["talent_gap"] == 0.2


# --------------------------------------------------------------------------- property: accepted ⇒ runs


_ATOMS = st.sampled_from(["output", "area", "patents", "talent_demand", "talent_supply", "local_flow_value",
                          "policy_compliance", "output", "area", "patents", "0", "1", "-1", "0.5", "2", "10",
                          "400", "1e400", "1e300", "x9"])
_MONTHS = st.sampled_from(["1", "3", "12", "240", "1", "2", "0", "241", "10**20", "1.5", "k"])


def _formulas() -> st.SearchStrategy[str]:
    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["lag", "avg"]), inner, _MONTHS).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            st.tuples(st.sampled_from(["yoy", "mom", "abs", "lag"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            inner.map(lambda x: f"-{x}"),
        )
    return st.recursive(_ATOMS, extend, max_leaves=6)


_BAD = st.one_of(
    st.sampled_from(["1e300", "abc", "nan", "-1", "150%", ".inf", "241", "1,2", "0"]),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-10, max_value=500),
)


def _mostly(good: st.SearchStrategy) -> st.SearchStrategy:
    """Usually a good value, sometimes a bad one (so that many generated settings load)."""
    return st.integers(min_value=0, max_value=9).flatmap(lambda n: _BAD if n == 0 else good)


_SHARE = _mostly(st.sampled_from(["10%", "70%", "1", "0.5", 0.3, "5%", "100%"]))
_WEIGHT = _mostly(st.sampled_from(["10%", "1", 0, "0.5", "1,000", "80万", 2]))
_MONTH_COUNT = _mostly(st.sampled_from([1, "2", 3, "12", 240]))
_WINDOW = _mostly(st.sampled_from([1, "3", 12, "240", "24"]))
_THRESHOLD = _mostly(st.sampled_from(["10%", 0.8, "1.2亿", "-3", 0, "1e12", "1,000"]))


@st.composite
def _settings(draw) -> dict:
    raw: dict = {"name": "tiny"}
    if draw(st.booleans()):
        raw["window"] = draw(_WINDOW)
    if draw(st.booleans()):
        raw["min_capability"] = draw(_SHARE)
    thresholds = {k: draw(_SHARE) for k in ("broken_link_share", "dependence_share", "niche_overlap")
                  if draw(st.booleans())}
    if thresholds:
        raw["thresholds"] = thresholds
    if draw(st.booleans()):
        raw["priority_weights"] = {k: draw(_WEIGHT) for k in ("importance", "demand", "feasibility", "fragility")
                                   if draw(st.booleans())}
    if draw(st.booleans()):
        metrics = st.lists(st.sampled_from(["talent_gap", "output", "m0", "eco_value_density"]), min_size=1,
                           max_size=3, unique=True)
        raw["dimensions"] = {draw(st.sampled_from(["talent", "resilience", "own"])):
                             {"metrics": draw(metrics), "weight": draw(_WEIGHT)}}
    rules = []
    for n in range(draw(st.integers(min_value=0, max_value=3))):
        comparison = draw(st.sampled_from(["<", ">=", "outside"]))
        entry = {"metric": f"m{n}", "formula": draw(_formulas()), "comparison": comparison,
                 "basis": draw(st.sampled_from(["absolute", "benchmark"])), "months": draw(_MONTH_COUNT)}
        if comparison == "outside":
            low, high = draw(_THRESHOLD), draw(_THRESHOLD)
            entry["threshold"] = [low, high] if draw(st.booleans()) else sorted([low, high], key=str)
        else:
            entry["threshold"] = draw(_THRESHOLD)
        rules.append(entry)
    if draw(st.booleans()):
        rules.append({"metric": "eco_value_density", "threshold": draw(_THRESHOLD), "months": draw(_MONTH_COUNT)})
    if rules:
        raw["rules"] = rules
    return raw


@pytest.fixture(scope="module")
def tiny_ws(tmp_path_factory):
    return load_workspace(_park(tmp_path_factory.mktemp("prop"), "name: tiny\n"))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(raw=_settings())
def test_settings_that_load_never_fail_an_analysis(tiny_ws, raw) -> None:
    kpi_metrics = set(tiny_ws.kpis["metric"])
    settings, problems = read_settings(raw, default_name="tiny", kpi_metrics=kpi_metrics)
    if any(p.is_error for p in problems):
        for p in problems:   # every refusal names the file, the key and a reason
            assert p.file == "workspace.yaml" and p.message and (p.column or not p.is_error)
        return
    run_every_analysis(dataclasses.replace(tiny_ws, settings=settings))


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(raw=_settings())
def test_what_validate_workspace_accepts_runs_every_analysis(tmp_path_factory, raw) -> None:
    folder = _park(tmp_path_factory.mktemp("gen"), yaml.safe_dump(raw, allow_unicode=True))
    ws, problems = validate_workspace(folder)
    direct = read_settings(yaml.safe_load(yaml.safe_dump(raw)), default_name="tiny",
                           kpi_metrics=set(pd.read_csv(folder / "kpis.csv")["metric"]))
    assert (ws is None) == any(p.is_error for p in direct[1])      # the file path and the direct path agree
    if ws is not None:
        assert ws.settings == direct[0]
        run_every_analysis(ws)


# --------------------------------------------------------------------------- layers


# The settings layer importing no analysis (and no language) is asserted for every module by
# tests/test_layers.py.


def test_formula_checks_agree_with_the_documented_examples() -> None:
    assert check_formula("yoy(local_flow_value) / yoy(output)") is None
    assert check_formula("avg(talent_gap, 3) ** 2") is None
    assert "out of range" in check_formula("output ** 400")
    assert "too long" not in (check_formula("+".join(["output"] * 60)) or "")
    assert "at most 500" in check_formula("+".join(["output"] * 100))
