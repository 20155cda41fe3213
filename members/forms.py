"""Account forms: Django's own, with sign-in and old-password attempts rate-limited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm
from django.core.exceptions import ValidationError

from members.models import (
    PREMIUM_REQUEST_MESSAGE_MAX_CHARS,
    PREMIUM_REQUEST_NAME_MAX_CHARS,
    ApiToken,
)
from members.ratelimit import (
    client_ip,
    lockout_minutes,
    login_failure_record,
    login_is_locked,
    login_success_record,
    password_check_failure_record,
    password_check_is_locked,
)

TOO_MANY_ATTEMPTS = "too_many_attempts"


class RateLimitedLoginMixin:
    """Refuse sign-in while the client, the username at this client or the username everywhere
    is locked out (``members.ratelimit``); count failures."""

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
        login_success_record(ip=ip, username=username)
        return cleaned


class LoginForm(RateLimitedLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(RateLimitedLoginMixin, AdminAuthenticationForm):
    pass


class OldPasswordBudgetMixin:
    """A budget of wrong old passwords per account (``members.ratelimit``), checked before the
    password is: whoever holds a signed-in session cannot guess the password through it."""

    user: Any

    def clean_old_password(self) -> str:
        if password_check_is_locked(user_id=self.user.pk):
            raise ValidationError(
                "Too many wrong passwords. Please wait %(minutes)d minutes and try again, or "
                "sign out and reset your password.",
                code=TOO_MANY_ATTEMPTS,
                params={"minutes": lockout_minutes()},
            )
        try:
            return super().clean_old_password()  # type: ignore[misc]
        except ValidationError:
            password_check_failure_record(user_id=self.user.pk)
            raise


class AccountPasswordChangeForm(OldPasswordBudgetMixin, PasswordChangeForm):
    """Django's form, with the budget of wrong old passwords and the offer to sign out
    everywhere, API tokens included."""

    sign_out_everywhere = forms.BooleanField(
        required=False,
        initial=True,
        label="Sign out everywhere",
        help_text=(
            "Other browsers are signed out whenever your password changes; this also revokes "
            "your API tokens, so apps and feed readers using them stop working."
        ),
    )


class AdminAccountPasswordChangeForm(OldPasswordBudgetMixin, AdminPasswordChangeForm):
    """The admin's password change, with the same budget as the site's."""


class SignupForm(UserCreationForm):
    """Django's form plus an address, which is not stored: the view mails it a confirmation
    link (``members.emails``), so the form never says whether an address has an account."""

    email = forms.EmailField(
        required=True,
        help_text="We mail it a link to confirm it. Used only to reset your password if you "
        "forget it.",
    )

    # The address right after the name, before the passwords, as sign-up forms usually ask.
    field_order = ("username", "email", "password1", "password2")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)


class ProfileForm(forms.ModelForm):
    """Names are saved as typed; a new address is only mailed a confirmation link (the view
    does that), and an empty one clears the address."""

    email = forms.EmailField(
        required=False,
        label="Email address",
        help_text="A new address takes effect once you open the link we mail to it.",
    )

    class Meta:
        model = get_user_model()
        fields = ("first_name", "last_name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.email


class ApiTokenForm(forms.Form):
    """The name a reader gives a new API token (optional; the service names it otherwise)."""

    name = forms.CharField(required=False, max_length=ApiToken._meta.get_field("name").max_length)


# A message shorter than this says nothing an editor could act on ("hi", "premium pls").
PREMIUM_REQUEST_MESSAGE_MIN_CHARS = 10


def _one_line(value: str) -> str:
    """Line breaks and tabs become spaces: a name is one line wherever it is shown or mailed."""
    return " ".join(value.split())


class PremiumRequestForm(forms.Form):
    """A reader's message to the editors asking for Premium. Plain text only: it is stored as
    typed and shown escaped. ``website`` is a field people never see (a honeypot): scripts
    that fill every field give themselves away."""

    name = forms.CharField(
        label="Your name",
        max_length=PREMIUM_REQUEST_NAME_MAX_CHARS,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Your e-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="The editors answer here. We use it for nothing else.",
    )
    message = forms.CharField(
        label="Your message",
        min_length=PREMIUM_REQUEST_MESSAGE_MIN_CHARS,
        max_length=PREMIUM_REQUEST_MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            f"Who you are and why you would like Premium (at most "
            f"{PREMIUM_REQUEST_MESSAGE_MAX_CHARS:,} characters, plain text)."
        ),
    )
    website = forms.CharField(required=False, label="Leave this field empty")

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])

    @property
    def is_from_a_script(self) -> bool:
        """True when the hidden field was filled in (call after ``is_valid``)."""
        return bool(self.cleaned_data.get("website"))
