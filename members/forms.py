"""Account forms: Django's own, with sign-in attempts rate-limited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from members.models import ApiToken
from members.ratelimit import (
    client_ip,
    lockout_minutes,
    login_failure_record,
    login_is_locked,
    login_success_record,
)

TOO_MANY_ATTEMPTS = "too_many_attempts"


class RateLimitedLoginMixin:
    """Refuse sign-in while the IP or the username is locked out; count failures."""

    request: Any
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        if login_is_locked(ip=ip, username=username):
            raise ValidationError(
                "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try "
                "again, or reset your password.",
                code=TOO_MANY_ATTEMPTS,
                params={"minutes": lockout_minutes()},
            )
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                login_failure_record(ip=ip, username=username)
            raise
        login_success_record(username=username)
        return cleaned


class LoginForm(RateLimitedLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(RateLimitedLoginMixin, AdminAuthenticationForm):
    pass


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=True, help_text="Used only to reset your password if you forget it."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError("An account with this email address already exists.")
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ("first_name", "last_name", "email")


class ApiTokenForm(forms.Form):
    """The name a reader gives a new API token (optional; the service names it otherwise)."""

    name = forms.CharField(required=False, max_length=ApiToken._meta.get_field("name").max_length)
