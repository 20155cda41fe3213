"""Editors grant, extend and revoke premium here; every change goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from infra.auth import signed_in_user
from members import emails, services
from members.models import (
    GrantOrigin,
    Membership,
    MembershipEvent,
    PremiumRequest,
    PremiumRequestStatus,
    Tier,
)

ADMIN_EXTEND_DAYS = 30


class AccountChangeForm(UserChangeForm):
    """Django's form; an address another account has is a form error, whatever its case (the
    database would refuse it with a server error)."""

    def clean_email(self) -> str:
        address = emails.email_normalize(self.cleaned_data.get("email") or "")
        if address and emails.email_in_use(address=address, exclude=self.instance):
            raise ValidationError("Another account already has this e-mail address.")
        return address


class AccountAdmin(UserAdmin):
    form = AccountChangeForm


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)


class MembershipAdminForm(forms.ModelForm):
    reason = forms.CharField(
        max_length=500,
        help_text="Why this change is made (kept in the membership history).",
    )

    class Meta:
        model = Membership
        fields = ("user", "tier", "valid_until", "reason")
        help_texts = {
            "valid_until": "Premium ends at this instant (UTC). Leave empty for no end date.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new reason for every change, never the previous one resubmitted by accident.
        self.initial["reason"] = ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None and cleaned.get("tier") == Tier.FREE:
            raise forms.ValidationError("Readers without a membership are already Free.")
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ("user", "tier", "valid_from", "valid_until", "origin", "granted_by")
    list_filter = ("tier", "origin")
    search_fields = ("user__username", "user__email", "external_reference")
    list_select_related = ("user", "granted_by")
    raw_id_fields = ("user",)
    readonly_fields = ("valid_from", "granted_by", "origin", "external_reference", "history")
    actions = ("extend_premium", "revoke_premium")

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj else fields

    @admin.display(description="History")
    def history(self, obj: Membership) -> str:
        events = MembershipEvent.objects.filter(user_id=obj.user_id).select_related("actor")
        return format_html_join(
            "",
            "<p>{} · {} {} until {} by {}: {}</p>",
            (
                (
                    e.created_at.strftime("%Y-%m-%d %H:%M"),
                    e.get_action_display(),
                    e.get_tier_display(),
                    e.valid_until.strftime("%Y-%m-%d %H:%M") if e.valid_until else "no end",
                    e.actor or e.get_origin_display(),
                    e.reason,
                )
                for e in events
            ),
        )

    def save_model(
        self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool
    ) -> None:
        user = obj.user
        reason = form.cleaned_data["reason"]
        saved: Membership | None
        if form.cleaned_data["tier"] == Tier.PREMIUM:
            saved = services.membership_grant_premium(
                user=user,
                valid_until=form.cleaned_data["valid_until"],
                actor=signed_in_user(request),
                reason=reason,
                origin=GrantOrigin.ADMIN,
            )
        else:
            saved = services.membership_revoke_premium(
                user=user, actor=signed_in_user(request), reason=reason, origin=GrantOrigin.ADMIN
            )
        if saved is None:  # nothing to revoke
            return
        # The services wrote the row (and its history); the admin goes on with that row.
        obj.pk = saved.pk
        obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        # Deleting would lose the current terms' provenance; revoke instead.
        return False

    @admin.action(description=f"Extend premium by {ADMIN_EXTEND_DAYS} days", permissions=["change"])
    def extend_premium(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user"):
            try:
                services.membership_extend_premium(
                    user=membership.user,
                    days=ADMIN_EXTEND_DAYS,
                    actor=signed_in_user(request),
                    reason=f"Extended {ADMIN_EXTEND_DAYS} days from the admin list",
                    origin=GrantOrigin.ADMIN,
                )
            except ValueError as error:
                self.message_user(request, f"{membership.user}: {error}", messages.WARNING)

    @admin.action(description="Revoke premium now", permissions=["change"])
    def revoke_premium(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user"):
            services.membership_revoke_premium(
                user=membership.user,
                actor=signed_in_user(request),
                reason="Revoked from the admin list",
                origin=GrantOrigin.ADMIN,
            )


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "action", "tier", "valid_until", "actor", "reason")
    list_filter = ("action", "tier", "origin")
    search_fields = ("user__username", "reason", "external_reference")
    list_select_related = ("user", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: MembershipEvent | None = None):
        return False

    def has_delete_permission(self, request: HttpRequest, obj: MembershipEvent | None = None):
        return False


# How much of a message the list of requests shows; the request's page shows all of it.
PREMIUM_REQUEST_LIST_CHARS = 80


@admin.register(PremiumRequest)
class PremiumRequestAdmin(admin.ModelAdmin):
    """Readers' requests for Premium from the Premium page. Everything the reader typed is
    read-only and shown escaped; editors set the status (opening a new request marks it read)
    and grant Premium from the link beside the account."""

    list_display = ("created_at", "status", "name", "email", "message_start", "account_link")
    list_filter = ("status",)
    search_fields = ("name", "email", "message", "user__username", "user__email")
    list_select_related = ("user",)
    fields = (
        "status",
        "created_at",
        "name",
        "email",
        "account",
        "message_text",
        "handled_at",
        "handled_by",
    )
    readonly_fields = (
        "created_at",
        "name",
        "email",
        "account",
        "message_text",
        "handled_at",
        "handled_by",
    )
    actions = ("mark_read", "mark_handled")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Message")
    def message_start(self, obj: PremiumRequest) -> str:
        return Truncator(obj.message).chars(PREMIUM_REQUEST_LIST_CHARS)

    @admin.display(description="Message")
    def message_text(self, obj: PremiumRequest) -> str:
        # Escaped, with the reader's line breaks kept.
        return linebreaksbr(obj.message, autoescape=True)

    @admin.display(description="Account", ordering="user__username")
    def account_link(self, obj: PremiumRequest) -> str:
        if obj.user is None:
            return "not signed in"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:auth_user_change", args=[obj.user.pk]),
            obj.user.get_username(),
        )

    @admin.display(description="Account")
    def account(self, obj: PremiumRequest) -> str:
        if obj.user is None:
            return "not signed in"
        grant = reverse("admin:members_membership_add") + f"?user={obj.user.pk}"
        return format_html(
            '<a href="{}">{}</a>{} · <a href="{}">grant Premium</a>',
            reverse("admin:auth_user_change", args=[obj.user.pk]),
            obj.user.get_username(),
            f" ({obj.user.email})" if obj.user.email else "",
            grant,
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET" and self.has_change_permission(request):
            PremiumRequest.objects.filter(pk=object_id, status=PremiumRequestStatus.NEW).update(
                status=PremiumRequestStatus.READ
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(
        self, request: HttpRequest, obj: PremiumRequest, form: forms.ModelForm, change: bool
    ) -> None:
        services.premium_request_set_status(
            request=obj, status=obj.status, actor=signed_in_user(request)
        )

    @admin.action(description="Mark as read", permissions=["change"])
    def mark_read(self, request: HttpRequest, queryset: QuerySet[PremiumRequest]) -> None:
        for row in queryset:
            services.premium_request_set_status(
                request=row, status=PremiumRequestStatus.READ, actor=signed_in_user(request)
            )

    @admin.action(description="Mark as handled", permissions=["change"])
    def mark_handled(self, request: HttpRequest, queryset: QuerySet[PremiumRequest]) -> None:
        for row in queryset:
            services.premium_request_set_status(
                request=row, status=PremiumRequestStatus.HANDLED, actor=signed_in_user(request)
            )
