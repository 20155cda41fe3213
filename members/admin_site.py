"""The site's admin: Django's, with sign-in and old-password attempts counted like the site's
(``members.ratelimit``), so neither the admin's login nor its password change is a place to
guess passwords without limit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from members.forms import AdminAccountPasswordChangeForm, AdminLoginForm


class NewsdeskAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    # The stubs say TemplateResponse, but Django's own method redirects on success as well.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponseBase:
        # Django's AdminSite.password_change names its form class inline; this is the same
        # view with the rate-limited form.
        view = PasswordChangeView.as_view(
            form_class=AdminAccountPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
            **(
                {"template_name": self.password_change_template}
                if self.password_change_template is not None
                else {}
            ),
        )
        request.current_app = self.name
        return view(request)
