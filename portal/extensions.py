"""Flask extensions, created once and bound in ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
talisman = Talisman()
# Limits are declared per route (login, status check); none by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
