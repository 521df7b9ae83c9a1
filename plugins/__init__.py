"""Built-in service plugins. Each package is registered through the
``portal.plugins`` entry points in setup.cfg, exactly like a third-party one."""
