"""What the templates need to draw a form the GOV.UK way (templates/_macros.html
``field``, ``staff_field`` and ``error_summary``): the kind of each field,
the element a link to it reaches, the page's order of fields, and whether
the page shows errors (its title then starts "ข้อผิดพลาด: ")."""

from __future__ import annotations

from typing import Any

import jinja2
from flask import Flask
from wtforms import Form

from . import html
from .fields import ASKING_VERBS, field_kind, first_input_id, in_page_order, month_names


def form_has_errors(form: Any) -> bool:
    """Any field of ``form`` refused: errors added after validation (a taken
    room, an expired form) count too."""
    return isinstance(form, Form) and any(field.errors for field in form)


def summary_text(field: Any) -> str:
    """The line of the error summary for ``field``: its message, which says
    what to do ("เลือกคำนำหน้าชื่อ"); a message that neither names the field
    nor asks for something ("ตัวเลขไม่ถูกต้อง") gets the label in front. A
    box to tick is a sentence of its own: its message stands alone."""
    message = " ".join(str(e) for e in field.errors)
    label = str(field.label.text)
    if (field_kind(field) == "checkbox" or label in message
            or message.startswith(ASKING_VERBS)):
        return message
    return f"{label}: {message}"


@jinja2.pass_context
def page_has_errors(context: jinja2.runtime.Context) -> bool:
    """The page being drawn shows a refusal: a form in its context with
    errors, or the ``error`` message a sign-in page gives. One rule for every
    layout, whatever the view named its form."""
    if context.get("error"):
        return True
    return any(form_has_errors(value) for value in context.get_all().values())


def register_form_helpers(app: Flask) -> None:
    html.install()  # WTForms' widgets write attributes the cheaper way
    app.add_template_global(page_has_errors)
    app.add_template_global(form_has_errors)
    app.add_template_global(field_kind)
    app.add_template_global(first_input_id)
    app.add_template_global(in_page_order)
    app.add_template_global(summary_text)
    app.add_template_global(month_names)
