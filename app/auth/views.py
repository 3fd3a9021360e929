"""Sign-in, sign-out, password resets, one's own account and (admins) all people."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.auth import policies, services, sessions
from app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    UserForm,
)
from app.auth.messages import send_reset_link
from app.auth.models import Membership, User
from app.core import jobs
from app.core.errors import DomainError, NotFound, TooManyAttempts, ValidationError
from app.core.forms import ConfirmForm, apply_errors
from app.core.links import base_url, local_path
from app.core.listing import paginate
from app.extensions import db

bp = Blueprint("auth", __name__)


# --- browser sessions (auth.sessions) ------------------------------------------------------

SESSION_KEY = "sid"
REMEMBER_COOKIE = "remember_token"


def start_browser_session(user: User, *, remember: bool, response) -> None:
    """Open a server-side session for this browser; with remember-me, set its cookie."""
    secret, token = sessions.start(
        user,
        remember=remember,
        address=request.remote_addr or "",
        user_agent=request.user_agent.string,
    )
    db.session.commit()
    flask_session.clear()  # nothing from before sign-in carries over
    flask_session[SESSION_KEY] = secret
    if token:
        config = current_app.config
        response.set_cookie(
            REMEMBER_COOKIE,
            token,
            max_age=config["REMEMBER_DAYS"] * 86400,
            httponly=True,
            secure=config["SESSION_COOKIE_SECURE"],
            samesite=config["SESSION_COOKIE_SAMESITE"],
        )


def current_browser_session():
    """Return this browser's live session row, if any."""
    return sessions.find(flask_session.get(SESSION_KEY))


def user_for_session(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of this browser's live session, if any."""
    row = current_browser_session()
    if row is None or str(row.user_id) != user_id or not row.user.active:
        return None
    sessions.touch(row)
    return row.user


def user_for_remember_cookie(incoming) -> User | None:
    """Flask-Login's request loader: open a new session for a remembered device."""
    if incoming.path.startswith("/api/") or incoming.path.startswith("/static/"):
        return None
    device = sessions.device_for(incoming.cookies.get(REMEMBER_COOKIE))
    if device is None:
        return None
    user = db.session.get(User, device.user_id)
    if user is None or not user.active:
        return None
    flask_session[SESSION_KEY] = sessions.open_from_device(
        device, address=incoming.remote_addr or "", user_agent=incoming.user_agent.string
    )
    login_user(user, fresh=False)
    return user


def _forget_remember_cookie(response) -> None:
    response.delete_cookie(
        REMEMBER_COOKIE,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite=current_app.config["SESSION_COOKIE_SAMESITE"],
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; repeated failures slow this account down from this address (auth.throttle)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
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
            response = redirect(local_path(request.args.get("next")) or url_for("home.index"))
            start_browser_session(user, remember=form.remember.data, response=response)
            login_user(user)
            return response
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: this browser's session and remember-me token end on the server."""
    row = current_browser_session()
    if row is not None:
        sessions.end(row, "signed out")
    device = sessions.device_for(request.cookies.get(REMEMBER_COOKIE))
    if device is not None:
        sessions.forget_device(device, "signed out")
    db.session.commit()
    logout_user()
    flask_session.clear()
    flash(_("You are signed out."), "info")
    response = redirect(url_for("auth.login"))
    _forget_remember_cookie(response)
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link. The request does the same work whether or not the address is
    known, and whether or not mail works: the lookup and the mail happen in a job."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        jobs.enqueue("auth.send_reset_link", services.normalize_email(form.email.data), base_url())
        db.session.commit()
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
            logout_user()
            flask_session.clear()
            flash(
                _("Your password is set, and every other sign-in has ended. Sign in with it now."),
                "success",
            )
            response = redirect(url_for("auth.login"))
            _forget_remember_cookie(response)
            return response
    return render_template("auth/reset.html", form=form, user=user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """See one's roles and change one's password."""
    form = ChangePasswordForm()
    if form.submit.data and form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(),
                form.current_password.data,
                form.new_password.data,
                keep=current_browser_session(),
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Your password has been changed. Every other browser and every API token "
                    "is signed out."
                ),
                "success",
            )
            response = redirect(url_for("auth.account"))
            _forget_remember_cookie(response)
            return response
    user = current_user._get_current_object()
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    here = current_browser_session()
    return render_template(
        "auth/account.html",
        form=form,
        memberships=memberships,
        browser_sessions=sessions.live_sessions(user),
        here=here.id if here else None,
        tokens=sessions.live_tokens(user),
        end_form=ConfirmForm(),
        device_label=sessions.device_label,
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    """Sign out one of one's browsers."""
    user = current_user._get_current_object()
    form = ConfirmForm()
    if form.validate_on_submit():
        here = current_browser_session()
        sessions.end_session_of(user, session_id)
        db.session.commit()
        if here is not None and here.id == session_id:
            logout_user()
            flask_session.clear()
            response = redirect(url_for("auth.login"))
            _forget_remember_cookie(response)
            return response
        flash(_("That browser is signed out."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    """Sign out every browser but this one."""
    user = current_user._get_current_object()
    form = ConfirmForm()
    if form.validate_on_submit():
        count = sessions.end_all(
            user, reason="ended from the account page", keep=current_browser_session()
        )
        db.session.commit()
        flash(_("Signed out %(n)d other browser(s).", n=count), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of one's API tokens."""
    form = ConfirmForm()
    if form.validate_on_submit():
        sessions.revoke_token_of(current_user._get_current_object(), token_id)
        db.session.commit()
        flash(_("The API token is revoked."), "success")
    return redirect(url_for("auth.account"))


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
            send_reset_link(user, welcome=True)
            db.session.commit()
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
    db.session.commit()
    flash(_("A reset link is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))
