"""Delay letters (being moved here from portal/letters.py, issue 23)."""
