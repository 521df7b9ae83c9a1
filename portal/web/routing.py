"""URL rules that write their URL-building code when first used.

Werkzeug compiles two builder functions (Python source, through ``ast`` and
``compile``) for every rule as it is added: about 375 rules here, most of
them Flask-Admin's, and three quarters of :func:`portal.create_app`'s time
(0.55 s of 0.7 s measured), paid by every process start and by every test,
which makes its own app. A page
builds a handful of URLs; the rest are never built. The rule compiles its
builders the first time it builds a URL, then keeps them.

Only the builders are deferred; matching is compiled as before. Should
Werkzeug stop calling ``_compile_builder``, the override is simply unused
and rules compile eagerly again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuildRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_real = super()._compile_builder
        built: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            if not built:
                built.append(compile_real(append_unknown).__get__(rule, None))
            return built[0](*args, **kwargs)

        return build
