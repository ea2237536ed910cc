"""Extensions, created unbound; `create_app` binds them. (Flask-Migrate is bound there too, but
imported only where the `flask db` commands can be used: see `create_app`.)"""
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from pact.models.base import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
socketio = SocketIO()
