"""HTTP views, one blueprint per audience."""
from flask import Flask


def register_views(app: Flask) -> None:
    """Register every blueprint: public pages, sign-in, staff, officer, inspector, admin, reports, subscriptions,
    health."""
    from pact.auth.passwords import passwords_bp
    from pact.views.admin import admin_bp
    from pact.views.corrections import corrections_bp
    from pact.views.evidence import evidence_bp
    from pact.views.health import health_bp
    from pact.views.inspector import inspector_bp
    from pact.views.officer import officer_bp
    from pact.views.places import places_bp
    from pact.views.public import public_bp
    from pact.views.referrals import referrals_bp
    from pact.views.reports import reports_bp
    from pact.views.sharing import sharing_bp
    from pact.views.staff import staff_bp
    from pact.views.subscriptions import subscriptions_bp
    from pact.views.unit_of_work import init_unit_of_work

    init_unit_of_work(app)
    from pact import localtime

    localtime.init_app(app)

    app.register_blueprint(health_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(places_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(officer_bp)
    app.register_blueprint(inspector_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(corrections_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(subscriptions_bp)
    app.register_blueprint(passwords_bp)
