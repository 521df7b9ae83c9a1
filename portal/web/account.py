from __future__ import annotations

import json
import time

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..base import audit, jobs
from ..base.extensions import CONTENT_SECURITY_POLICY, limiter, login_manager, talisman
from ..db import database
from ..i18n import local_tz, show_datetime
from ..identity import captcha, external, reset, sessions, throttle
from ..identity.forms import (
    DeleteAccountForm,
    ExternalLinkForm,
    ExternalNewForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResetCodeForm,
)
from ..identity.passwords import hash_password, verify_password
from ..models import User
from ..requests import privacy
from ..thai import local_today, mask_national_id, normalise_national_id, utcnow

bp = Blueprint("identity", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return sessions.load(user_id)


def _slowed_down(seconds: int) -> str:
    return _("Many wrong passwords have been tried for this national ID. Please wait "
             "%(seconds)d seconds and try again.", seconds=seconds)


# One budget per address for both kinds: switching kind does not buy more.
_issue_limit = limiter.shared_limit(lambda: current_app.config["CAPTCHA_RATE_LIMIT"],
                                    scope="robot-check")


@bp.get("/captcha.png")
@_issue_limit
def captcha_image() -> Response:
    response = Response(captcha.new_challenge_png(), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/robot-check/challenge")
@_issue_limit
def robot_challenge() -> Response:
    response = jsonify(captcha.new_pow_challenge())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/captcha/frame")
@talisman(frame_options="SAMEORIGIN",
          content_security_policy={**CONTENT_SECURITY_POLICY, "frame-ancestors": "'self'"})
def captcha_frame() -> Response:
    """The picture for a browser without JavaScript, in a frame of the form:
    its "other numbers" link reloads the frame alone, so what the person has
    typed into the form (passwords and chosen files too) stays."""
    response = make_response(render_template("identity/captcha_frame.html"))
    response.headers["Cache-Control"] = "no-store"
    return response


def _registering_id() -> str:
    return "register:" + normalise_national_id(request.form.get("national_id", ""))[:13]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["REGISTER_ID_RATE_LIMIT"], methods=["POST"],
               key_func=_registering_id)
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(sessions.home_for(current_user))
    form = RegisterForm()
    # The robot check before the lookup: "already registered" tells whether an
    # ID has an account, which a bot must not learn by the thousand.
    if form.validate_on_submit() and captcha.passed(form):
        if User.get_or_none(User.national_id == form.national_id.data):
            form.national_id.errors = [
                _("This national ID is already registered. Please log in instead.")]
        else:
            with database.atomic():
                user = User.create(
                    national_id=form.national_id.data, title=form.title.data,
                    first_name=form.first_name.data.strip(),
                    last_name=form.last_name.data.strip(),
                    phone=form.phone.data, email=(form.email.data or "").strip(),
                    password_hash=hash_password(form.password.data),
                    pdpa_consent_at=utcnow(),
                )
                audit.record("register", f"user:{user.id}", actor=user)
            sessions.start(user)
            flash(_("Welcome. Your account is ready."), "success")
            return redirect(url_for("requester.my_requests"))
    return render_template("identity/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(sessions.next_page(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        national_id = normalise_national_id(form.national_id.data)
        source = request.remote_addr or ""
        locked = throttle.locked_until(national_id, source)
        wait = throttle.wait_seconds(national_id)
        if locked:
            error = _("Too many wrong passwords. Please try again after %(time)s.",
                      time=show_datetime(locked))
        elif wait:
            error = _slowed_down(wait)
        elif captcha.passed(form):
            user = User.get_or_none(User.national_id == national_id)
            if verify_password(user.password_hash if user else None, form.password.data) \
                    and user.is_active:
                throttle.clear(national_id, source)
                sessions.start(user)
                audit.record("login", f"user:{user.id}", actor=user)
                return redirect(sessions.next_page(request.args.get("next"), user))
            throttle.record_failure(national_id, source)
            audit.record("login_failed", f"nid:{national_id[:4]}…")
            # Same words whether the ID exists or not.
            error = _("The national ID or password is wrong.")
    return render_template("identity/login.html", form=form, error=error,
                           sign_in_options=external.sign_in_options())


@bp.post("/logout")
@login_required
def logout() -> Response:
    audit.record("logout", f"user:{current_user.id}")
    sessions.end(current_user._get_current_object())
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    user = User.get_by_id(current_user.id)
    form = PasswordChangeForm()
    if not user.password_hash:
        # Made through ThaID or Digital ID: there is no current password to
        # type; that sign-in already proved who this is.
        del form.current
    if form.validate_on_submit():
        if user.password_hash and not verify_password(user.password_hash, form.current.data):
            form.current.errors = [_("The current password is wrong.")]
        else:
            user.login_key = current_user.login_key
            with database.atomic():
                ended = reset.set_password(user, form.password.data)
            audit.record("password_changed", f"user:{user.id}",
                         detail=f"other sessions ended: {ended}", actor=user)
            flash(_("Your password has been changed."), "success")
            return redirect(sessions.home_for(user))
    return render_template("identity/password.html", form=form, has_password=bool(
        user.password_hash))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    user = User.get_by_id(current_user.id)
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        form.populate_obj(user)
        user.save()
        audit.record("profile_changed", f"user:{user.id}", actor=user)
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("identity.profile"))
    return render_template("identity/profile.html", form=form, user=user,
                           linked=external.linked_providers(user),
                           sign_in_options=external.sign_in_options())


@bp.route("/signin/new", methods=["GET", "POST"])
def external_new() -> str | Response:
    """First sign-in through ThaID or Digital ID: confirm the verified name,
    give a phone number and consent; the account has no password."""
    person = external.pending()
    if person is None or current_user.is_authenticated:
        return redirect(url_for("identity.login"))
    if User.get_or_none(User.national_id == person.national_id) is not None:
        return redirect(url_for("identity.external_link"))
    form = ExternalNewForm()
    if not form.is_submitted() and person.title in dict(form.title.choices):
        form.title.data = person.title
    if not form.is_submitted():
        form.email.data = person.email
    if form.validate_on_submit():
        with database.atomic():
            user = external.create_account(person, form.phone.data,
                                           (form.email.data or "").strip(), form.title.data)
            audit.record("register", f"user:{user.id}", detail=person.provider, actor=user)
        flash(_("Welcome. Your account is ready."), "success")
        return external.finish(person, user)
    return render_template("identity/external_new.html", form=form, person=person,
                           provider=external.provider_label(person.provider))


@bp.route("/signin/link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def external_link() -> str | Response:
    """The national ID the provider verified already has an account: its
    password, once, proves the person owns it before the two are linked."""
    person = external.pending()
    if person is None or current_user.is_authenticated:
        return redirect(url_for("identity.login"))
    user = User.get_or_none(User.national_id == person.national_id)
    if user is None:
        return redirect(url_for("identity.external_new"))
    form = ExternalLinkForm()
    error = None
    if not user.password_hash:
        error = _("This account has no password. Sign in with the provider it was made with.")
    elif form.validate_on_submit():
        source = request.remote_addr or ""
        locked = throttle.locked_until(person.national_id, source)
        wait = throttle.wait_seconds(person.national_id)
        if locked:
            error = _("Too many wrong passwords. Please try again after %(time)s.",
                      time=show_datetime(locked))
        elif wait:
            error = _slowed_down(wait)
        elif verify_password(user.password_hash, form.password.data) and user.is_active:
            throttle.clear(person.national_id, source)
            return external.finish(person, user)
        else:
            throttle.record_failure(person.national_id, source)
            audit.record("login_failed", f"user:{user.id}", detail=f"link {person.provider}")
            error = _("The password is wrong.")
    return render_template("identity/external_link.html", form=form, person=person, error=error,
                           provider=external.provider_label(person.provider))


@bp.post("/profile/unlink/<provider>")
@login_required
def external_unlink(provider: str) -> Response:
    flash(external.unlink(User.get_by_id(current_user.id), provider[:40]), "info")
    return redirect(url_for("identity.profile"))


@bp.get("/account/data.json")
@login_required
def my_data() -> Response:
    """PDPA section 30: a person's copy of their data, readable by machine."""
    user = User.get_by_id(current_user.id)
    body = json.dumps(privacy.personal_data(user), ensure_ascii=False, indent=1)
    audit.record("personal_data_exported", f"user:{user.id}", actor=user)
    response = Response(body, mimetype="application/json")
    stamp = local_today(local_tz()).strftime("%Y%m%d")
    response.headers["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account() -> str | Response:
    """PDPA section 33: erase the account; the agency keeps only counts."""
    user = User.get_by_id(current_user.id)
    form = DeleteAccountForm()
    if not user.password_hash:
        # No password to confirm with: the national ID, typed, instead.
        form.password.label.text = _("Your national ID number")
        form.password.render_kw = {"autocomplete": "off", "inputmode": "numeric"}
    blockers = privacy.deletion_blockers(user)
    if not blockers and form.validate_on_submit():
        confirmed = (verify_password(user.password_hash, form.password.data)
                     if user.password_hash else
                     normalise_national_id(form.password.data) == user.national_id)
        if not confirmed:
            form.password.errors = [_("The password is wrong.") if user.password_hash
                                    else _("This is not your national ID number.")]
        else:
            try:
                privacy.anonymise(user)
            except privacy.PrivacyError as exc:
                blockers = [str(exc)]
            else:
                logout_user()
                flash(_("Your account has been deleted. Thank you for using our services."),
                      "info")
                return redirect(url_for("public.home"))
    return render_template("identity/delete_account.html", form=form, blockers=blockers)


# ------------------------------------------------------ forgot password ---

RESET_SESSION = "password_reset"


def _forgot_id() -> str:
    return "forgot:" + normalise_national_id(request.form.get("national_id", ""))[:13]


def _code_id() -> str:
    return "reset-code:" + normalise_national_id(request.form.get("national_id", ""))[:13]


def _answer_no_sooner(started: float) -> None:
    """Known and unknown IDs take as long: the known one writes rows and
    renders messages, so both wait until the same moment."""
    floor = current_app.config["PASSWORD_RESET_ANSWER_MS"] / 1000
    time.sleep(max(0.0, floor - (time.monotonic() - started)))


def _private(response: Response) -> Response:
    """A page that holds or follows a reset secret: not kept by the browser
    or a proxy. (The secret leaves the address bar at once, so no Referer
    ever carries it.)"""
    response.headers["Cache-Control"] = "no-store"
    return response


def _link_refused() -> Response:
    session.pop(RESET_SESSION, None)
    return _private(make_response(render_template("identity/reset_invalid.html"), 410))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_ID_RATE_LIMIT"], methods=["POST"],
               key_func=_forgot_id)
def forgot_password() -> str | Response:
    """ลืมรหัสผ่าน: the same answer, after the same time, whether or not the
    ID has an account, and whether or not that account has anywhere to
    send a link (a bot must not learn which IDs are registered)."""
    started = time.monotonic()
    form = ForgotPasswordForm()
    if form.validate_on_submit() and captcha.passed(form):
        user = User.get_or_none(User.national_id == form.national_id.data)
        if reset.may_reset(user):
            with database.atomic():
                sent = reset.send_link(user, reset.SELF_SERVICE)
                # Whoever asked is not known to be the account's owner: no actor.
                audit.record("password_reset_asked", f"user:{user.id}",
                             detail=",".join(sent) or "nowhere to send")
        response = make_response(render_template(
            "identity/forgot_sent.html", minutes=current_app.config["PASSWORD_RESET_MINUTES"]))
        # Delivery after the answer has gone: an SMTP round trip must not
        # tell the waiting browser that there was someone to write to.
        response.call_on_close(jobs.kick)
        _answer_no_sooner(started)
        return response
    return render_template("identity/forgot_password.html", form=form)


@bp.get("/password/reset/<token>")
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_TOKEN_RATE_LIMIT"])
def reset_link(token: str) -> Response:
    """The link from the message. Opening it spends nothing (mail scanners
    open links too); it moves the secret from the address bar into the
    session, and the new-password page spends it."""
    row = reset.find_link(token)
    if row is None:
        return _link_refused()
    session[RESET_SESSION] = row.id
    return _private(redirect(url_for("identity.reset_password")))


@bp.route("/password/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_TOKEN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_ID_RATE_LIMIT"], methods=["POST"],
               key_func=_code_id)
def reset_code() -> str | Response:
    """The code counter staff gave a person without e-mail, with their ID."""
    form = ResetCodeForm()
    if form.validate_on_submit():
        code = "".join(ch for ch in form.code.data if ch.isdigit())
        row = reset.find_code(form.national_id.data, code)
        if row is not None:
            session[RESET_SESSION] = row.id
            return _private(redirect(url_for("identity.reset_password")))
        audit.record("password_reset_code_failed", f"nid:{form.national_id.data[:4]}…")
        form.code.errors = [_("This code does not work with this national ID, or it has been "
                              "used or has expired. Ask the counter staff for a new code.")]
    return _private(make_response(render_template("identity/reset_code.html", form=form)))


@bp.route("/password/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_TOKEN_RATE_LIMIT"], methods=["POST"])
def reset_password() -> Response:
    """New password, twice, for the reset this browser opened."""
    reset_id = session.get(RESET_SESSION)
    row = reset.still_open(reset_id) if isinstance(reset_id, int) else None
    if row is None:
        return _link_refused()
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = reset.complete(row.id, form.password.data)
        if user is None:
            return _link_refused()
        session.pop(RESET_SESSION, None)
        if current_user.is_authenticated and current_user.id == user.id:
            logout_user()  # its sign-in row has ended with the others
        flash(_("Your new password is set, and every other sign-in of your account has "
                "ended. Please log in with the new password."), "success")
        response = redirect(url_for("identity.login"))
        response.call_on_close(jobs.kick)
        return _private(response)
    user = User.get_by_id(row.user_id)
    return _private(make_response(render_template(
        "identity/reset_password.html", form=form, first_name=user.first_name,
        masked_id=mask_national_id(user.national_id))))
