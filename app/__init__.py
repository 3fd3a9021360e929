"""The application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from app import config as config_module
from app.extensions import babel, bootstrap, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py, then the environment."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.from_environment())
    if test_config:
        app.config.update(test_config)
    _finish_config(app)

    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.jinja_env.add_extension("jinja2.ext.do")
    from app.core.web import register_input_rules

    register_input_rules(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_hooks(app)
    return app


def _finish_config(app: Flask) -> None:
    env = app.config["APP_ENV"]
    if env not in {"development", "testing"} and app.config["SECRET_KEY"] in (
        config_module.DEFAULT_SECRET_KEY,
        "",
        None,
    ):
        raise RuntimeError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or put it in "
            "instance/config.py); only APP_ENV=development or testing may run without one."
        )
    if env == "testing":
        app.testing = True
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "hoa.sqlite3"
        )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # Copies: the defaults' dicts are shared by every app made in this process (a
        # PostgreSQL app made after a SQLite one must not inherit SQLite's "timeout").
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("MAIL_BACKEND"):
        app.config["MAIL_BACKEND"] = {"development": "log", "testing": "memory"}.get(env, "smtp")


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the app."""
    from app import models  # noqa: F401 - every model known to metadata
    from app.core import integrity  # noqa: F401 - text checked before every flush

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    bootstrap.init_app(app)
    from app.core import catalogs, i18n

    babel.init_app(app, locale_selector=i18n.select_locale)
    if app.config.get("LANGUAGES") is None:
        # English and every compiled catalog (make setup compiles the complete ones).
        app.config["LANGUAGES"] = catalogs.compiled_languages(
            app.extensions["babel"].translation_directories
        )

    from app.core.sqlite import enable_sqlite_foreign_keys

    with app.app_context():
        enable_sqlite_foreign_keys(db.engine)

    @login_manager.user_loader
    def load_user(user_id: str):
        from app.auth.views import user_for_session

        return user_for_session(user_id)

    @login_manager.request_loader
    def load_remembered(request):
        from app.auth.views import user_for_remember_cookie

        return user_for_remember_cookie(request)

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to see this page.")


def register_blueprints(app: Flask) -> None:
    """Attach the pages and the JSON API."""
    from app.api import init_api
    from app.approvals.views import bp as approvals_bp
    from app.arc import home as _arc_home  # noqa: F401
    from app.arc.views import bp as arc_bp
    from app.associations.views import bp as associations_bp
    from app.associations.views.home import bp as home_bp
    from app.auth.views import bp as auth_bp

    # Each feature's part of the owner's home registers itself on import.
    from app.budgets import home as _budgets_home  # noqa: F401
    from app.budgets.views import bp as budgets_bp
    from app.compliance import home as _compliance_home  # noqa: F401
    from app.compliance.portal import bp as portal_bp
    from app.compliance.views import bp as compliance_bp
    from app.core.views import bp as core_bp
    from app.delivery.views import bp as delivery_bp
    from app.documents import home as _documents_home  # noqa: F401
    from app.documents.views import bp as documents_bp
    from app.home.views import bp as owner_home_bp
    from app.mail.views import bp as outbox_bp
    from app.meetings import home as _meetings_home  # noqa: F401
    from app.meetings import paper_views as _meeting_papers  # noqa: F401 - its routes
    from app.meetings import proceeding_views as _meeting_proceedings  # noqa: F401 - routes
    from app.meetings.emergency import bp as emergency_bp
    from app.meetings.feeds import bp as meeting_feeds_bp
    from app.meetings.views import bp as meetings_bp
    from app.notices import communication_views as _notice_communications  # noqa: F401 - routes
    from app.notices import delivery_views as _notice_deliveries  # noqa: F401 - its routes
    from app.notices import home as _notices_home  # noqa: F401
    from app.notices import views as _notice_views  # noqa: F401 - its routes
    from app.notices.blueprint import bp as notices_bp
    from app.vendors.views import bp as vendors_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(associations_bp)
    app.register_blueprint(approvals_bp)
    app.register_blueprint(budgets_bp)
    app.register_blueprint(compliance_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(vendors_bp)
    app.register_blueprint(delivery_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(emergency_bp)
    app.register_blueprint(meeting_feeds_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(arc_bp)
    app.register_blueprint(owner_home_bp)
    init_api(app)
    register_shell(app)


def register_shell(app: Flask) -> None:
    """Let each feature register its navigation links, badges, audit actions in words,
    record links and dashboard counters with the packages below it."""
    from app.approvals import shell as approvals_shell
    from app.arc import shell as arc_shell
    from app.associations import shell as associations_shell
    from app.auth import shell as auth_shell
    from app.budgets import shell as budgets_shell
    from app.compliance import shell as compliance_shell
    from app.mail import shell as mail_shell
    from app.meetings import shell as meetings_shell
    from app.notices import shell as notices_shell
    from app.vendors import shell as vendors_shell

    for shell in (
        auth_shell,
        associations_shell,
        approvals_shell,
        budgets_shell,
        compliance_shell,
        vendors_shell,
        mail_shell,
        notices_shell,
        meetings_shell,
        arc_shell,
    ):
        shell.register(app)


def register_errorhandlers(app: Flask) -> None:
    """Render errors in the site layout, or as problem+json under /api/."""
    from app.core.web import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    """Add the CLI commands."""
    from app.cli import register

    register(app)


def register_hooks(app: Flask) -> None:
    """Security headers, template helpers, and the job sweeper of the embedded runner."""
    from app.core import jobs
    from app.core.web import register_request_hooks

    register_request_hooks(app)
    if jobs.mode(app) == "thread":

        @app.before_request
        def _sweep_jobs():
            jobs.start_sweeper(app)  # once per process: due retries, abandoned jobs
