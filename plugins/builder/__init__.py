"""The service builder: an agency admin makes a new e-service in the staff
pages, without code, and it lives the whole request life a code-defined
service does (issue 24).

A built service is data: a definition (docs/service-definition.schema.json)
whose published versions are immutable; the core gets them through the
``load_services`` and ``find_service`` hooks (portal.plugins.registry).
"""
