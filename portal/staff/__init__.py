"""Staff pages in Flask-Admin: request list and processing, dashboard, settings."""
