"""How a company's RBC risks are weighed and shown in its risk analysis (art. 25-28).

Pure Python, no Django import. Severity follows the UN Guiding Principles: it is judged on
scale (how grave), scope (how many people or how wide) and irremediability (how hard to
put right). Each is rated 1-5; the severity of a risk is the average of the three, rounded
up, so one dimension rated high cannot be averaged away by two rated low. The matrix puts
severity against likelihood; a risk's place in the suggested order is severity first and
likelihood second, since the Guiding Principles let severity outweigh likelihood.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

RATINGS: Final = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class RiskRating:
    key: int
    scale: int
    scope: int
    irremediability: int
    likelihood: int
    prioritised: bool = False


def severity(scale: int, scope: int, irremediability: int) -> int:
    """The average of the three, rounded up: 1-5."""
    for value in (scale, scope, irremediability):
        if value not in RATINGS:
            raise ValueError(f"a rating runs from 1 to 5, not {value!r}")
    total = scale + scope + irremediability
    return -(-total // 3)


def band(severity_value: int, likelihood: int) -> str:
    """ "high", "medium" or "low", from severity times likelihood (1-25): 15 and above is
    high, 8 and above medium. A risk of the highest severity is never low."""
    product = severity_value * likelihood
    if product >= 15:
        return "high"
    if product >= 8 or severity_value == 5:
        return "medium"
    return "low"


@dataclass(frozen=True, slots=True)
class MatrixCell:
    severity: int
    likelihood: int
    band: str
    keys: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RiskMatrix:
    """Rows from severity 5 down to 1 (the way the matrix is read), columns likelihood
    1 to 5."""

    rows: tuple[tuple[MatrixCell, ...], ...]

    @property
    def total(self) -> int:
        return sum(len(cell.keys) for row in self.rows for cell in row)


def risk_matrix(risks: Iterable[RiskRating]) -> RiskMatrix:
    placed: dict[tuple[int, int], list[int]] = {}
    for risk in risks:
        position = (
            severity(risk.scale, risk.scope, risk.irremediability),
            risk.likelihood,
        )
        placed.setdefault(position, []).append(risk.key)
    rows = tuple(
        tuple(
            MatrixCell(
                severity=s,
                likelihood=likelihood,
                band=band(s, likelihood),
                keys=tuple(sorted(placed.get((s, likelihood), ()))),
            )
            for likelihood in RATINGS
        )
        for s in reversed(RATINGS)
    )
    return RiskMatrix(rows=rows)


def suggested_order(risks: Sequence[RiskRating]) -> list[int]:
    """Keys from the most to the least severe, then the most likely; ties keep the
    given order."""
    return [
        risk.key
        for risk in sorted(
            risks,
            key=lambda r: (
                -severity(r.scale, r.scope, r.irremediability),
                -r.likelihood,
            ),
        )
    ]


def unexplained_priorities(risks: Sequence[RiskRating]) -> list[int]:
    """Risks not prioritised although a risk the company did prioritise is less severe
    and less likely: the analysis should explain why (art. 26)."""
    prioritised = [r for r in risks if r.prioritised]
    result = []
    for risk in risks:
        if risk.prioritised:
            continue
        s = severity(risk.scale, risk.scope, risk.irremediability)
        if any(
            severity(p.scale, p.scope, p.irremediability) < s
            and p.likelihood <= risk.likelihood
            for p in prioritised
        ):
            result.append(risk.key)
    return result
