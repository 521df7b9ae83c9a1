"""Flask extensions, created once and bound in ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

# No inline script anywhere (ours or Flask-Admin's, see templates/admin/):
# a script the page did not load from this site does not run. Styles may be
# inline because Flask-Admin's widgets (select2, date pickers) set them; the
# robot-check widget needs no such allowance (its stylesheet is a file and it
# styles itself through the CSSOM, which CSP does not govern).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
talisman = Talisman()
# Limits are declared per route (login, status check); none by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
