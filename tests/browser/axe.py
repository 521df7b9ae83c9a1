"""axe-core in a Playwright page: the serious and critical WCAG faults it finds.

axe-core is vendored (``vendor/axe.min.js``, see ``vendor/README.md``): the
test machines have no internet. It is put into a page through Playwright's
own channel (an init script, or ``evaluate``), which the portal's
Content-Security-Policy does not govern, so the page is checked with its
real policy in force.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# What fails a page. "moderate" and "minor" are axe's best-practice advice
# (a region without a landmark name, say) and are not WCAG AA failures.
FAILING = ("critical", "serious")

# axe's default rule set: WCAG 2.0/2.1/2.2 A and AA plus its best practices
# (those fail a page only when axe rates them serious or critical).
_RUN = """async () => {
  const found = await axe.run(document, {resultTypes: ['violations'], reporter: 'no-passes',
                                         iframes: false});
  return found.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                              impact: n.impact, summary: n.failureSummary}))}));
}"""


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def prepare(context: Any) -> None:
    """Load axe into every document of a browser context before its own
    scripts: cheaper than :func:`inject` per page on a long walk."""
    context.add_init_script(path=str(AXE_JS))


def inject(page: Any) -> None:
    """Put axe into ``page`` unless it is there (a navigation forgets it)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_axe_source()}\n;window.axe = axe; }}")


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """The critical and serious violations axe finds in ``page`` as it is now,
    each with the nodes that have it (only those nodes rated so)."""
    inject(page)
    found = []
    for violation in page.evaluate(_RUN):
        nodes = [n for n in violation["nodes"] if (n["impact"] or violation["impact"]) in FAILING]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


def describe(violations: list[dict[str, Any]], context: str) -> str:
    """One readable block per violation: id, impact, help and each target."""
    lines = []
    for v in violations:
        lines.append(f"{context}: {v['id']} ({v['impact']}) {v['help']} — {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}  {node['html']}")
    return "\n".join(lines)


def assert_no_serious(page: Any, context: str) -> None:
    """Fail when axe finds a critical or serious violation in ``page``; print
    each violation's id, impact, targets and help first."""
    violations = serious_violations(page)
    if violations:
        report = describe(violations, context)
        print(report)
        raise AssertionError(f"{len(violations)} serious accessibility fault(s):\n{report}")
