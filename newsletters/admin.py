"""Editors pause and resume newsletters, build the next edition early and preview any issue
exactly as it will be mailed (both parts, with and without premium)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from infra.auth import signed_in_user
from newsletters import services
from newsletters.models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    Issue,
    Newsletter,
    Subscription,
    SubscriptionStatus,
)
from newsletters.rendering import render_issue


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "weekday_name", "paused", "paused_at", "paused_by", "active")
    readonly_fields = ("kind", "paused", "paused_at", "paused_by")
    fields = ("kind", "name", "description", "weekday", "paused", "paused_at", "paused_by")
    actions = ("pause", "resume", "build_next_edition")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Newsletter]:
        return (
            super()
            .get_queryset(request)
            .select_related("paused_by")
            .annotate(
                active_count=Count(
                    "subscriptions", filter=Q(subscriptions__status=SubscriptionStatus.ACTIVE)
                )
            )
        )

    @admin.display(description="Active subscribers")
    def active(self, obj: Any) -> int:
        return int(obj.active_count)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the kinds are made by migration

    def has_delete_permission(self, request: HttpRequest, obj: Newsletter | None = None) -> bool:
        return False

    @admin.action(description="Pause: queue and send nothing until resumed", permissions=["change"])
    def pause(self, request: HttpRequest, queryset: QuerySet[Newsletter]) -> None:
        for newsletter in queryset:
            services.newsletter_set_paused(
                newsletter=newsletter,
                paused=True,
                actor=signed_in_user(request),
                now=timezone.now(),
            )
        self.message_user(request, f"Paused: {', '.join(n.name for n in queryset)}.")

    @admin.action(description="Resume sending", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[Newsletter]) -> None:
        for newsletter in queryset:
            services.newsletter_set_paused(
                newsletter=newsletter, paused=False, actor=None, now=timezone.now()
            )
        self.message_user(request, f"Resumed: {', '.join(n.name for n in queryset)}.")

    @admin.action(
        description="Build the next edition now, to preview it before it goes",
        permissions=["change"],
    )
    def build_next_edition(self, request: HttpRequest, queryset: QuerySet[Newsletter]) -> None:
        now = timezone.now()
        for newsletter in queryset:
            edition_date = services.issue_next_edition_date(newsletter=newsletter, today=now.date())
            issue = services.issue_get_or_build(
                newsletter=newsletter, edition_date=edition_date, now=now
            )
            self.message_user(
                request,
                format_html(
                    '{} of {}: <a href="{}">preview it</a>.',
                    newsletter.name,
                    edition_date.isoformat(),
                    reverse("admin:newsletters_issue_preview", args=[issue.pk]),
                ),
                messages.SUCCESS,
            )


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("edition_date", "newsletter", "subject", "built_at", "sent", "preview")
    list_filter = ("newsletter",)
    readonly_fields = ("newsletter", "edition_date", "subject", "built_at", "content")
    date_hierarchy = "edition_date"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Issue]:
        return (
            super()
            .get_queryset(request)
            .select_related("newsletter")
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT))
            )
        )

    @admin.display(description="Sent")
    def sent(self, obj: Any) -> int:
        return int(obj.sent_count)

    @admin.display(description="Preview")
    def preview(self, obj: Issue) -> str:
        return format_html(
            '<a href="{}">Preview</a>', reverse("admin:newsletters_issue_preview", args=[obj.pk])
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:issue_id>/preview/", preview, name="newsletters_issue_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """The issue as mailed: ``?part=html`` is the HTML part alone (``&premium=1`` for the
        premium variant); otherwise a page with the subject, the links and the text part."""
        issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=issue_id)
        premium = request.GET.get("premium") == "1"
        rendered = render_issue(issue, premium=premium)
        text, html = rendered.for_member("preview-token")
        if request.GET.get("part") == "html":
            return HttpResponse(html)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {issue.subject}",
            "issue": issue,
            "premium": premium,
            "text": text,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/newsletters/issue/preview.html", context)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "newsletter", "status", "send_time", "time_zone", "confirmed_at")
    list_filter = ("newsletter", "status")
    search_fields = ("user__username", "user__email", "address")
    raw_id_fields = ("user",)
    list_select_related = ("user", "newsletter")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("issue", "subscription", "status", "claimed_at", "sent_at", "error")
    list_filter = ("status", "issue__newsletter")
    list_select_related = ("issue__newsletter", "subscription__user", "subscription__newsletter")
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Bounce)
class BounceAdmin(admin.ModelAdmin):
    list_display = ("recorded_at", "address", "kind", "smtp_code", "smtp_message")
    list_filter = ("kind",)
    search_fields = ("address",)
    readonly_fields = [field.name for field in Bounce._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
