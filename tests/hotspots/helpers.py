"""Small incident files for the hot spot tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Inside demo town GM9001 (RD New); see wijkregie.demo.geography.town_centre(0).
CENTRE = (110_000.0, 400_000.0)


def clustered_rows(seed: int = 3, months: int = 12) -> list[tuple[float, float, str, str]]:
    """A cluster that grows month by month plus scattered background, RD New x/y."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(months):
        day = f"2023-{m + 1:02d}-15" if months <= 12 else f"{2022 + m // 12}-{m % 12 + 1:02d}-15"
        for _ in range(2 + m):
            rows.append((CENTRE[0] + rng.normal(0, 60), CENTRE[1] + rng.normal(0, 60), day,
                         "woninginbraak"))
        for _ in range(6):
            rows.append((CENTRE[0] + rng.uniform(-2500, 2500),
                         CENTRE[1] + rng.uniform(-2500, 2500), day, "vernieling"))
    return rows


def write_csv(path: Path, rows: list[tuple], header: str = "x,y,date,type") -> Path:
    lines = [header] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
