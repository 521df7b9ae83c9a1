"""The agency admin's page that issues and revokes Open311 API keys."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from portal.base import audit
from portal.staff.base import AgencyAdminAccess, PortalBaseView, managed_agencies

from .api import issue_key
from .models import ApiKey


class ApiKeyView(AgencyAdminAccess, PortalBaseView):
    """Keys for programs that post requests through Open311; shown once."""

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        agencies = managed_agencies()
        new_key = None
        if request.method == "POST":
            agency = next((a for a in agencies
                           if a.id == request.form.get("agency", type=int)), None)
            if agency is None:
                abort(404)
            new_key = issue_key(agency, request.form.get("name", ""), current_user.id)
            audit.record("api_key_issued", f"agency:{agency.id}", detail=new_key[-4:],
                         agency=agency)
        keys = list(ApiKey.select().where(ApiKey.agency.in_([a.id for a in agencies]))
                    .order_by(ApiKey.created_at.desc()))
        return self.render("open311/api_keys.html", agencies=agencies, keys=keys,
                           new_key=new_key)

    @expose("/revoke/<int:key_id>", methods=("POST",))
    def revoke(self, key_id: int) -> Any:
        ids = [a.id for a in managed_agencies()]
        key = ApiKey.get_or_none((ApiKey.id == key_id) & ApiKey.agency.in_(ids)) or abort(404)
        key.revoked = True
        key.save()
        audit.record("api_key_revoked", f"agency:{key.agency_id}", detail=key.hint,
                     agency=key.agency_id)
        flash(_("Saved."), "success")
        return redirect(url_for(".index"))
