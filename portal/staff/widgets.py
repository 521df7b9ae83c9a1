"""Form widgets for staff pages drawn by Flask-Admin's ``render_field``."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxList(ListWidget):
    """A multiple choice as a list of ticked boxes, each with its label.

    Flask-Admin's ``render_field`` gives every field ``form-control``: on a
    ``<ul>`` that is one input's height, so a long list spills out of its box
    and under the Save button that follows (a tap on the last choices pressed
    Save). The list keeps its own height here, and it is a named group (its
    ``<label for>`` names no input)."""

    def __init__(self) -> None:
        super().__init__(html_tag="ul", prefix_label=False)

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        given = str(kwargs.pop("class", "") or kwargs.pop("class_", "")).split()
        kwargs["class"] = " ".join(["checkbox-list", *(c for c in given if c != "form-control")])
        # The group is a wrapper: a role on the <ul> would unmake its list.
        return Markup('<div role="group" aria-label="{}">{}</div>').format(
            str(field.label.text), super().__call__(field, **kwargs))


def checkbox_options() -> dict[str, Any]:
    """The widget arguments of a ``SelectMultipleField`` shown as boxes."""
    return {"widget": CheckboxList(), "option_widget": CheckboxInput()}
