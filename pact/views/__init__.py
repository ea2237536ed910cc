"""HTTP views, one blueprint per audience."""
from flask import Flask


def register_views(app: Flask) -> None:
    from pact.views.public import public_bp

    app.register_blueprint(public_bp)
