"""Indicator snapshots, score formulas and bulletins (evaluation issue)."""
