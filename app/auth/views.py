"""Sign-in, sign-out, password resets, one's own account and (admins) all people."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.auth import policies, services
from app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    PreferencesForm,
    ResetPasswordForm,
    UserForm,
)
from app.auth.models import Membership, User
from app.core.errors import DomainError, NotFound, TooManyAttempts, ValidationError
from app.core.forms import apply_errors
from app.core.listing import paginate
from app.core.mail import send_mail
from app.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; five failures in a row lock the account and the address for a while."""
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data, address=request.remote_addr or ""
            )
        except TooManyAttempts as error:
            db.session.commit()  # keep the failure count and the lock
            flash(error.message, "danger")
            status = 429
        except ValidationError as error:
            db.session.commit()
            form.password.errors.append(error.message)
            status = 200
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("core.index"))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def send_reset_link(user: User, *, welcome: bool = False) -> None:
    """Mail the person a link to choose a password."""
    token = services.make_reset_token(user)
    link = url_for("auth.reset_password", token=token, _external=True)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    if welcome:
        subject = _("Your HOA Manager account")
        intro = _("An account has been created for you. Choose your password here:")
    else:
        subject = _("Reset your HOA Manager password")
        intro = _(
            "Someone asked to reset the password of this account. If it was you, "
            "choose a new password here:"
        )
    body = "\n\n".join(
        [
            _("Hello %(name)s,", name=user.name),
            intro,
            link,
            _(
                "The link works once and expires in %(hours)d hours. If you did not ask for it, "
                "ignore this message.",
                hours=hours,
            ),
        ]
    )
    send_mail(user.email, subject, body)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.active:
            send_reset_link(user)
        flash(
            _(
                "If an account uses that address, a reset link is on its way. "
                "It expires in %(hours)d hours.",
                hours=current_app.config["PASSWORD_RESET_HOURS"],
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through an e-mailed link."""
    try:
        user = services.user_for_reset_token(token)
    except NotFound as error:
        flash(error.message, "danger")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """See one's roles and change one's password."""
    form = ChangePasswordForm()
    preferences = PreferencesForm(prefix="pref", obj=current_user._get_current_object())
    if preferences.save.data and preferences.validate_on_submit():
        services.set_preferences(
            current_user._get_current_object(), email_letters=preferences.email_letters.data
        )
        db.session.commit()
        flash(_("Preferences saved."), "success")
        return redirect(url_for("auth.account"))
    if form.submit.data and form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(),
                form.current_password.data,
                form.new_password.data,
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == current_user.id)
    ).all()
    return render_template(
        "auth/account.html", form=form, memberships=memberships, preferences=preferences
    )


# --- all people (administrators) ----------------------------------------------------------


def _require_admin() -> User:
    user = current_user._get_current_object()
    if not policies.can_manage_users(user):
        abort(403)
    return user


@bp.route("/people")
@login_required
def users():
    """List every account, with search, sorting and pagination."""
    _require_admin()
    page = paginate(
        select(User),
        page=request.args.get("page", 1),
        per_page=request.args.get("per_page"),
        q=request.args.get("q"),
        search=[User.name, User.email],
        sort=request.args.get("sort"),
        direction=request.args.get("dir"),
        sortable={"name": User.name, "email": User.email, "created": User.created_at},
        default_sort="name",
        tiebreak=User.id,
    )
    return render_template("people/users.html", page=page)


@bp.route("/people/new", methods=["GET", "POST"])
@login_required
def new_user():
    """Create an account; the person gets a link to choose a password."""
    actor = _require_admin()
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data,
                name=form.name.data,
                password=None,
                actor=actor,
                language=form.language.data,
                is_admin=form.is_admin.data,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {409: "email"})
        else:
            db.session.commit()
            send_reset_link(user, welcome=True)
            flash(
                _(
                    "%(name)s can now sign in; a link to choose a password was mailed to "
                    "%(email)s.",
                    name=user.name,
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("auth.users"))
    return render_template("people/user_form.html", form=form, user=None)


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    """Change a person's name, address, admin flag or access."""
    actor = _require_admin()
    user = services.get_user(user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                name=form.name.data,
                email=form.email.data,
                is_admin=form.is_admin.data,
                active=form.active.data,
                actor=actor,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=user.name), "success")
            return redirect(url_for("auth.users"))
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    return render_template("people/user_form.html", form=form, user=user, memberships=memberships)


@bp.route("/people/<int:user_id>/send-reset", methods=["POST"])
@login_required
def send_user_reset(user_id: int):
    """Mail a person a fresh link to choose a password."""
    _require_admin()
    user = services.get_user(user_id)
    send_reset_link(user)
    flash(_("A reset link was mailed to %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))
