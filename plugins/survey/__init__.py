"""The satisfaction survey (being moved here from portal/survey.py, issue 23)."""
