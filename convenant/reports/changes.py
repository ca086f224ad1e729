"""What changed between two editions of a report: pure Python, no Django import."""

from __future__ import annotations


def figure_changes(old: dict[str, str], new: dict[str, str]) -> dict[str, list[dict]]:
    """The figures added, removed and changed from `old` to `new` (both as
    `ReportDocument.figures()` gives them), each list in key order."""
    return {
        "added": [{"key": key, "new": new[key]} for key in sorted(new.keys() - old)],
        "removed": [{"key": key, "old": old[key]} for key in sorted(old.keys() - new)],
        "changed": [
            {"key": key, "old": old[key], "new": new[key]}
            for key in sorted(old.keys() & new.keys())
            if old[key] != new[key]
        ],
    }
