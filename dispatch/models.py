"""Responsibility rules and two-level dispatch (lifecycle issue)."""
