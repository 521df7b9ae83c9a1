"""The services of the install, from code and from data, as every process
of it agrees they are.

Two kinds of plugin hand the core services, and both come through here:

* code-defined ones, from :func:`~portal.plugins.hookspecs.register_services`,
  read once when the app is built (a class in a plugin does not change while
  the portal runs);
* data-defined ones, from :func:`~portal.plugins.hookspecs.load_services`
  (the service builder's published versions), which appear, change and go
  while the portal runs.

A plugin that changes its data-defined services calls
:func:`services_changed` inside the transaction that changes them; it bumps
one counter row (``service_generation``). Each process reads that counter
once per app context (one HTTP request, one job, one command) and reloads
the data-defined services when it moved, so several gunicorn workers and the
job workers agree by the next request after the commit, without a message
bus. Earlier versions a request was filled against ("code@3") come from
:func:`~portal.plugins.hookspecs.find_service` and are cached per generation.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace
from typing import Any

import peewee as pw
import pluggy
from flask import g, has_app_context

from ..db import database
from ..models import ServiceGeneration
from .services import Service

log = logging.getLogger(__name__)
_OLD_VERSIONS_KEPT = 256  # earlier versions held in memory per process


def services_changed() -> None:
    """Tell every process the data-defined services changed. Call inside the
    transaction that changes them: a rollback undoes the signal too."""
    updated = (ServiceGeneration.update(generation=ServiceGeneration.generation + 1)
               .where(ServiceGeneration.name == "services").execute())
    if not updated:
        ServiceGeneration.insert(name="services", generation=1).on_conflict(
            conflict_target=[ServiceGeneration.name],
            update={ServiceGeneration.generation: ServiceGeneration.generation + 1}).execute()
    if has_app_context():
        g.pop("_service_generation", None)  # this process sees it at once


def _generation() -> int:
    try:
        # In a savepoint: a failure must not spoil the caller's transaction.
        with database.atomic():
            row = (ServiceGeneration.select(ServiceGeneration.generation)
                   .where(ServiceGeneration.name == "services").tuples().first())
    except pw.DatabaseError:  # not migrated yet (``flask db upgrade`` itself)
        return -1
    return row[0] if row else 0


class ServiceRegistry:
    """Every service by code, code-defined first; see the module's text."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.static = collect_code_services(pm)
        self.dynamic = bool(pm.hook.load_services.get_hookimpls())
        self._services: dict[str, Service] = dict(self.static)
        self._generation: int | None = None if self.dynamic else 0
        self._old: OrderedDict[str, Service | None] = OrderedDict()

    def services(self) -> dict[str, Service]:
        if self.dynamic:
            self._refresh_if_changed()
        return self._services

    def find(self, code: str) -> Service | None:
        """A current service, or an earlier version of one (``code@N``)."""
        found = self.services().get(code)
        if found is not None or "@" not in code or not self.dynamic:
            return found
        if code in self._old:
            self._old.move_to_end(code)
            return self._old[code]
        service = self.pm.hook.find_service(code=code)
        self._old[code] = service
        while len(self._old) > _OLD_VERSIONS_KEPT:
            self._old.popitem(last=False)
        return service

    def _refresh_if_changed(self) -> None:
        if has_app_context():
            seen = g.get("_service_generation")
            if seen is not None and seen == self._generation:
                return
        generation = _generation()
        if has_app_context():
            g._service_generation = generation
        if generation == self._generation or generation < 0:
            return
        services = dict(self.static)
        complete = True
        for impl in self.pm.hook.load_services.get_hookimpls():
            try:
                with database.atomic():  # a savepoint, as in _generation
                    loaded = list(impl.function() or ())
            except pw.DatabaseError:
                # Its tables are not migrated yet: try again next time.
                log.warning("load_services of %s failed", impl.plugin_name, exc_info=True)
                complete = False
                continue
            for service in loaded:
                if service.code in services:
                    # A data-defined service never takes a code-defined one's
                    # place, nor another's: skip it, loudly.
                    log.error("service code %r from %s already taken; left out",
                              service.code, impl.plugin_name)
                    continue
                services[service.code] = replace(service, plugin=impl.plugin_name)
        self._services = services
        self._old.clear()
        self._generation = generation if complete else None


def collect_code_services(pm: pluggy.PluginManager) -> dict[str, Service]:
    """The code-defined services of every plugin; a code twice stops start."""
    services: dict[str, Service] = {}
    for impl in pm.hook.register_services.get_hookimpls():
        for service in impl.function() or ():
            if service.code in services:
                raise RuntimeError(
                    f"service code {service.code!r} registered twice "
                    f"({services[service.code].plugin} and {impl.plugin_name})"
                )
            services[service.code] = replace(service, plugin=impl.plugin_name)
    return services


def offered_in(services: dict[str, Service], agency: Any) -> dict[str, Service]:
    """The services ``agency`` may switch on: every shared one and its own
    built ones (a built service belongs to the agency that built it)."""
    code = getattr(agency, "code", agency)
    return {c: s for c, s in services.items() if s.agency_code in (None, code)}
