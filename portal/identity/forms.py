from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from ..forms.fields import (
    ASK_NATIONAL_ID,
    NATIONAL_ID_HINT,
    PHONE_HINT,
    TITLE_CHOICES,
    DigitsField,
    NationalID,
    PortalForm,
    ReadableName,
    email_validator,
    phone_validator,
    required,
)

PASSWORD_MIN, PASSWORD_MAX = 8, 128
PASSWORD_RULE = Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                       message=_l("A password has at least 8 characters."))
PASSWORD_HINT = _l("At least 8 characters.")


def new_password_pair(label: object, again: object) -> tuple[PasswordField, PasswordField]:
    """A new password typed twice (register, change password)."""
    return (
        PasswordField(label, [required(), PASSWORD_RULE], description=PASSWORD_HINT,
                      render_kw={"autocomplete": "new-password"}),
        PasswordField(again, [required(), EqualTo(
            "password", message=_l("The two passwords differ."))],
            render_kw={"autocomplete": "new-password"}),
    )


class CaptchaMixin:
    """The robot check's two answers; :func:`portal.identity.captcha.passed`
    decides (neither is required alone: the widget fills one, a person
    without it types the other)."""

    # Filled by the widget's own hidden input: the template never renders it.
    altcha = HiddenField(_l("Check that you are not a robot"))
    captcha = DigitsField(_l("Type the numbers in the picture"),
                          render_kw={"inputmode": "numeric", "autocomplete": "off"})


class ProfileFields(PortalForm):
    title = SelectField(_l("Title"), [required()], choices=TITLE_CHOICES)
    first_name = StringField(_l("First name"), [required(), Length(max=100), ReadableName()],
                             render_kw={"autocomplete": "given-name"})
    last_name = StringField(_l("Last name"), [required(), Length(max=100), ReadableName()],
                            render_kw={"autocomplete": "family-name"})
    phone = DigitsField(_l("Phone number"), [required(), phone_validator()],
                        description=PHONE_HINT,
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = StringField(_l("E-mail"), [Optional(), email_validator(), Length(max=255)],
                        render_kw={"autocomplete": "email", "inputmode": "email"})


class RegisterForm(ProfileFields, CaptchaMixin):
    national_id = DigitsField(_l("National ID number"),
                              [required(ASK_NATIONAL_ID), NationalID()],
                              description=NATIONAL_ID_HINT,
                              render_kw={"inputmode": "numeric", "autocomplete": "username"})
    password, password_again = new_password_pair(_l("Password"), _l("Password again"))
    pdpa = BooleanField(
        _l("I consent to the office keeping and using my personal data to provide its "
           "services, as the privacy notice describes."),
        [InputRequired(message=_l("Consent is needed to register."))])

    # Identity first, as on the seed's registration page.
    field_order = ("national_id", "title", "first_name", "last_name", "phone", "email",
                   "password", "password_again", "pdpa")


class ExternalNewForm(PortalForm):
    """The rest of a registration whose identity an outside provider verified."""

    title = SelectField(_l("Title"), [required()], choices=TITLE_CHOICES)
    phone = ProfileFields.phone
    email = ProfileFields.email
    pdpa = RegisterForm.pdpa


class ExternalLinkForm(PortalForm):
    password = PasswordField(_l("Password of your portal account"), [required()],
                             render_kw={"autocomplete": "current-password"})


class LoginForm(PortalForm, CaptchaMixin):
    national_id = DigitsField(_l("National ID number"), [required(ASK_NATIONAL_ID)],
                              description=NATIONAL_ID_HINT,
                              render_kw={"inputmode": "numeric", "autocomplete": "username"})
    password = PasswordField(_l("Password"), [required()],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(PortalForm):
    current = PasswordField(_l("Current password"), [required()],
                            render_kw={"autocomplete": "current-password"})
    password, password_again = new_password_pair(_l("New password"), _l("New password again"))


class ForgotPasswordForm(PortalForm, CaptchaMixin):
    national_id = DigitsField(_l("National ID number"),
                              [required(ASK_NATIONAL_ID), NationalID()],
                              description=NATIONAL_ID_HINT,
                              render_kw={"inputmode": "numeric", "autocomplete": "username"})


class ResetCodeForm(PortalForm):
    national_id = ForgotPasswordForm.national_id
    code = DigitsField(_l("Code from the counter (8 digits)"), [required(), Length(max=20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class NewPasswordForm(PortalForm):
    password, password_again = new_password_pair(_l("New password"), _l("New password again"))


class ProfileForm(ProfileFields):
    pass


class DeleteAccountForm(PortalForm):
    password = PasswordField(_l("Your password"), [required()],
                             render_kw={"autocomplete": "current-password"})
    understood = BooleanField(
        _l("I understand that my account, my answers and my files will be erased and "
           "cannot be brought back; the agency keeps only counts without my name."),
        [InputRequired(message=_l("Tick the box to confirm."))])
