"""Open311 GeoReport v2 (being moved here from portal/open311.py, issue 23)."""
