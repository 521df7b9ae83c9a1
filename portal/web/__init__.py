"""What a browser reaches outside the staff pages: the app's wiring of
extensions, templates, blueprints and the staff admin (wiring), the public
pages (public), the requester's pages (requester) and the account pages:
register, sign in, profile, passwords (account).

The top layer with portal.staff and portal.ops: it may import any of the
core; nothing in the core imports it but ``portal.create_app``."""
