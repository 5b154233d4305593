"""The suppression module on its own: random tables of organizations' figures, every rule checked.

The check of "no hidden cell can be recovered" is written independently of the module: a hidden
cell is recoverable when adding its unit vector to the equations over the hidden cells does not
raise their rank (exact rational arithmetic).
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intranet.census.suppression import MIN_ORGANIZATIONS, Cell, Relation, State, suppress


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows if any(r)]
    rank, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable(shown: dict, relations: list[Relation]) -> list:
    """Hidden cells whose value follows from the shown cells and the relations."""
    hidden = sorted((k for k, s in shown.items() if not s.shown), key=repr)
    if not hidden:
        return []
    index = {k: i for i, k in enumerate(hidden)}
    rows = []
    for relation in relations:
        row = [Fraction(0)] * len(hidden)
        for key, sign in ((relation.total, -1), *((p, 1) for p in relation.parts)):
            if key in index:
                row[index[key]] += sign
        if any(row):
            rows.append(row)
    base = _rank(rows)
    found = []
    for key, i in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[i] = Fraction(1)
        if _rank(rows + [unit]) == base:
            found.append(key)
    return found


def table(orgs: list[tuple[int, list[int]]], categories: int):
    """Cells and relations of one question: rows are regions (plus the network, region 0),
    columns the total ("") and the categories; organizations are (region, figures by category)."""
    regions = sorted({r for r, _f in orgs})
    cats = [""] + [f"c{i}" for i in range(categories)]
    sums: dict = {}
    for region, figures in orgs:
        total = sum(figures)
        for key, value in [("", total), *zip(cats[1:], figures if categories else [], strict=True)]:
            for where in (region, 0):
                value_sum, respondents, positive = sums.get((where, key), (0, 0, 0))
                sums[(where, key)] = (value_sum + value, respondents + 1, positive + (value > 0))
    cells = {}
    for where in [0, *regions]:
        for key in cats:
            value, respondents, positive = sums[(where, key)]
            cells[(where, key)] = Cell(value, respondents, positive)
    relations = [Relation((0, c), tuple((r, c) for r in regions)) for c in cats]
    if categories:
        relations += [Relation((w, ""), tuple((w, c) for c in cats[1:])) for w in [0, *regions]]
    return cells, relations


organizations = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=5),
        st.lists(st.integers(min_value=0, max_value=12), min_size=3, max_size=3),
    ),
    min_size=1,
    max_size=18,
)


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orgs=organizations, k=st.sampled_from([3, 5, 10]), categories=st.sampled_from([0, 3]))
def test_every_shown_cell_is_safe_and_no_hidden_cell_can_be_recovered(orgs, k, categories):
    orgs = [(region, figures[:categories] if categories else [sum(figures)]) for region, figures in orgs]
    cells, relations = table(orgs, categories)
    shown = suppress(cells, relations, k)
    assert set(shown) == set(cells)
    for key, cell in shown.items():
        source = cells[key]
        if cell.shown:
            assert cell.value == source.value
            assert source.respondents >= MIN_ORGANIZATIONS
            assert source.value == 0 or (source.value >= k and source.contributors >= MIN_ORGANIZATIONS)
        else:
            assert cell.value is None  # a hidden figure never leaves the module
            assert cell.state in (State.SMALL, State.HIDDEN)
    assert recoverable(shown, relations) == []


def test_a_region_of_two_organizations_shows_nothing():
    orgs = [(1, [9, 4, 0]), (1, [7, 6, 2])] + [(2, [10, 8, 6])] * 4 + [(3, [12, 5, 7])] * 3
    cells, relations = table(orgs, 3)
    shown = suppress(cells, relations, 5)
    assert all(not s.shown for (region, _c), s in shown.items() if region == 1)
    assert shown[(0, "")].shown  # the network's total still shows...
    assert not shown[(3, "")].shown  # ...because another region's total is hidden beside region 1's
    assert recoverable(shown, relations) == []


def test_small_figures_show_as_less_than_k_and_zeros_show():
    cells = {
        "n": Cell(11, 6, 6),
        "a": Cell(0, 3, 0),
        "b": Cell(3, 3, 3),
        "c": Cell(8, 3, 3),
    }
    shown = suppress(cells, [Relation("n", ("a", "b", "c"))], 5)
    assert shown["a"].state == State.SHOWN and shown["a"].value == 0
    assert shown["b"].state == State.SMALL and shown["b"].value is None
    # "b" alone would be recovered from n - a - c: a second cell is hidden, never the zero.
    assert not shown["c"].shown and shown["n"].shown


def test_the_checker_sees_a_recovery_through_two_relations():
    """The independent checker is not vacuous: a hidden cell recoverable only by combining
    relations is found (rows r1 = a + b, column c1 = a + x, with b and x shown)."""
    from intranet.census.suppression import Shown

    shown = {
        "r1": Shown(State.SHOWN, 10, 5),
        "a": Shown(State.HIDDEN, None, 5),
        "b": Shown(State.SHOWN, 6, 5),
        "x": Shown(State.HIDDEN, None, 5),
        "c1": Shown(State.HIDDEN, None, 5),
    }
    relations = [Relation("r1", ("a", "b")), Relation("c1", ("a", "x"))]
    assert recoverable(shown, relations) == ["a"]
