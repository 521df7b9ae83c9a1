"""How staff see lists: the Flask-Admin views of requests (list, process,
forward, record on someone's behalf), people and agencies, settings, the
audit log and the dashboard, on ``base.PortalModelView``, which scopes
every list, detail, edit, export and bulk action to what the signed-in
person may see.

A top layer beside portal.ops: it may import requests, identity, files,
forms, base, plugins and the bottom modules; only portal.web imports it."""
