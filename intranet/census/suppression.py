"""Small-cell suppression: the one place that decides which figure may be shown (DOMAIN rule 7).

Input: cells (a key, the sum of the organizations' figures, how many organizations answered in the
cell's scope, how many of them counted more than zero) and additive relations between them
(``total = part + part + ...``: regions add up to the network, breakdown categories to their
question's total, parts to their question).

A cell is shown when at least ``MIN_ORGANIZATIONS`` organizations answered in its scope and its
figure is zero, or when at least ``MIN_ORGANIZATIONS`` of them counted more than zero and the figure
is at least ``k`` (so no figure is one or two organizations' own). Otherwise it is hidden: "< k"
when it is small but drawn from enough organizations, "—" in every other case.

Complementary suppression: no hidden cell may be recovered from what is shown. First every
relation that hides exactly one of its cells hides a second one (the smallest part still shown,
else its total), until none is left; then an exact check solves the system the shown figures
leave (rational Gaussian elimination over the hidden cells only, which are few) and hides more
where a hidden cell is still determined by a combination of relations.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from fractions import Fraction

MIN_ORGANIZATIONS = 3
DEFAULT_K = 5


class State(enum.StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # hidden, drawn from enough organizations but below k: shown as "< k"
    HIDDEN = "hidden"  # hidden: too few organizations, or hidden to protect another cell: "—"


@dataclass(frozen=True, slots=True)
class Cell:
    value: int
    respondents: int  # organizations that answered in the cell's scope
    contributors: int  # of them, those whose figure is above zero


@dataclass(frozen=True, slots=True)
class Shown:
    """What may be displayed of a cell: its value when shown, never otherwise."""

    state: State
    value: int | None
    k: int

    @property
    def shown(self) -> bool:
        return self.state == State.SHOWN


@dataclass(frozen=True, slots=True)
class Relation:
    total: Hashable
    parts: tuple[Hashable, ...]


def primary_state(cell: Cell, k: int) -> State:
    if cell.respondents < MIN_ORGANIZATIONS:
        return State.HIDDEN
    if cell.value == 0:
        return State.SHOWN
    if cell.contributors >= MIN_ORGANIZATIONS and cell.value >= k:
        return State.SHOWN
    if cell.contributors >= MIN_ORGANIZATIONS:
        return State.SMALL
    return State.HIDDEN


def suppress(
    cells: dict[Hashable, Cell], relations: Iterable[Relation], k: int = DEFAULT_K
) -> dict[Hashable, Shown]:
    """Decide every cell. Cells named by a relation must all be in ``cells``."""
    relations = [r for r in relations if r.parts]
    states = {key: primary_state(cell, k) for key, cell in cells.items()}
    hidden = {key for key, state in states.items() if state != State.SHOWN}
    by_cell: dict[Hashable, list[int]] = {}
    for index, relation in enumerate(relations):
        for key in (relation.total, *relation.parts):
            by_cell.setdefault(key, []).append(index)

    def hide_one_more(relation: Relation) -> bool:
        candidate = _complement(relation, hidden, cells)
        if candidate is None:
            return False
        hidden.add(candidate)
        states[candidate] = State.HIDDEN
        pending.extend(by_cell.get(candidate, ()))
        return True

    pending = [i for key in hidden for i in by_cell.get(key, ())]
    while True:
        while pending:
            relation = relations[pending.pop()]
            members = (relation.total, *relation.parts)
            if sum(1 for m in members if m in hidden) == 1:
                hide_one_more(relation)
        determined = _determined(hidden, relations, by_cell)
        if not determined:
            break
        progressed = False
        for key in determined:
            # The relation of this cell that hides the fewest cells gets one more hidden.
            options = sorted(by_cell.get(key, ()), key=lambda i: _hidden_count(relations[i], hidden))
            if any(hide_one_more(relations[i]) for i in options):
                progressed = True
                break
        if not progressed:  # every cell around is hidden already: nothing more can be done
            break
    return {
        key: Shown(states[key], cells[key].value if states[key] == State.SHOWN else None, k) for key in cells
    }


def _hidden_count(relation: Relation, hidden: set) -> int:
    return sum(1 for m in (relation.total, *relation.parts) if m in hidden)


def _complement(relation: Relation, hidden: set, cells: dict[Hashable, Cell]) -> Hashable | None:
    """The cell to hide beside one already hidden: the smallest non-zero part still shown, else
    the smallest part, else the total (the network's totals are what people look for)."""
    parts = [p for p in relation.parts if p not in hidden]
    nonzero = [p for p in parts if cells[p].value > 0]
    for group in (nonzero, parts):
        if group:
            return min(group, key=lambda p: (cells[p].value, repr(p)))
    return relation.total if relation.total not in hidden else None


def _determined(hidden: set, relations: list[Relation], by_cell: dict) -> list[Hashable]:
    """Hidden cells whose value the shown figures determine, by exact elimination.

    Each relation touching a hidden cell is an equation ``sum(parts) - total = 0`` whose shown
    members are constants; a hidden cell is determined when its unit vector lies in the row space
    of the equations over the hidden cells (in reduced row echelon form: a row whose only
    non-zero entry is that cell's). Hidden cells that share no equation are independent, so each
    group of linked ones is solved on its own (small systems instead of one large one)."""
    touched = sorted({i for key in hidden for i in by_cell.get(key, ())})
    parent: dict[Hashable, Hashable] = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    equations: list[tuple[int, list[Hashable]]] = []
    for index in touched:
        relation = relations[index]
        members = [m for m in (relation.total, *relation.parts) if m in hidden]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
        equations.append((index, members))
    groups: dict[Hashable, list[int]] = {}
    for index, members in equations:
        groups.setdefault(find(members[0]), []).append(index)
    found: list[Hashable] = []
    for indexes in groups.values():
        found += _solve([relations[i] for i in indexes], hidden)
    return found


def _solve(group: list[Relation], hidden: set) -> list[Hashable]:
    columns: dict[Hashable, int] = {}
    rows: list[dict[int, Fraction]] = []
    for relation in group:
        row: dict[int, Fraction] = {}
        for key, sign in ((relation.total, -1), *((p, 1) for p in relation.parts)):
            if key in hidden:
                column = columns.setdefault(key, len(columns))
                row[column] = row.get(column, Fraction(0)) + sign
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    # Gauss-Jordan elimination on sparse rows.
    pivots: list[tuple[int, dict[int, Fraction]]] = []
    for row in rows:
        for column, pivot_row in pivots:
            factor = row.get(column)
            if factor:
                for c, v in pivot_row.items():
                    value = row.get(c, Fraction(0)) - factor * v
                    if value:
                        row[c] = value
                    else:
                        row.pop(c, None)
        if not row:
            continue
        column = min(row)
        lead = row[column]
        row = {c: v / lead for c, v in row.items()}
        for _c, other in pivots:
            factor = other.get(column)
            if factor:
                for c, v in row.items():
                    value = other.get(c, Fraction(0)) - factor * v
                    if value:
                        other[c] = value
                    else:
                        other.pop(c, None)
        pivots.append((column, row))
    keys = {column: key for key, column in columns.items()}
    return [keys[column] for column, row in pivots if len(row) == 1]
