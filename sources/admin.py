"""Editors' admin for outlets, feeds and ratings.

Over 400 lines on purpose: the sources, feeds and ratings admins share the history and
re-rating plumbing below, and the rating-file import views use the same services.

Ratings and ownership are never saved by the admin's own ModelForm machinery: they go through
``sources.services`` so that admin edits are recorded in the history (with the editor as
``changed_by`` and the "reason" typed on the form) and send ``source_rating_changed``.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from infra.auth import signed_in_user
from sources.domains import is_reserved_example_host
from sources.importers import FORMATS, RATING_FIELDS, ImportFileError, parse_ratings_file
from sources.models import Feed, FeedStatus, Rating, Source, SourceChange, SourceDomain
from sources.ratings import RaterVerdict, read_bias, read_factuality
from sources.scales import (
    IMPORTABLE_RATERS,
    RATING_TEXT_MAX_LENGTHS,
    OwnershipCategory,
    Rater,
)
from sources.services import (
    source_delete_rating,
    source_import_ratings,
    source_set_ownership,
    source_upsert_rating,
)

# Django 6 will assume https for scheme-less URLs typed into forms; editors get that today.
_URL_FIELDS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}

# The uploaded file waits in the editor's session between the preview and the confirmation.
_PENDING_IMPORT_SESSION_KEY = "sources_pending_rating_import"
MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024


class RaterCoverageFilter(admin.SimpleListFilter):
    title = "rated by"
    parameter_name = "rated_by_rater"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [*Rater.choices, ("none", "No rater")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "none":
            return queryset.filter(ratings__isnull=True)
        if value in Rater.values:
            return queryset.filter(ratings__rater=value)
        return queryset


class SourceDomainInline(admin.TabularInline):
    model = SourceDomain
    extra = 0


class FeedInline(admin.TabularInline):
    model = Feed
    formfield_overrides = _URL_FIELDS
    extra = 0
    fields = (
        "url",
        "title",
        "is_active",
        "status",
        "last_success_at",
        "last_error_at",
        "last_error",
        "consecutive_failures",
    )
    readonly_fields = (
        "status",
        "last_success_at",
        "last_error_at",
        "last_error",
        "consecutive_failures",
    )


class RatingForm(forms.ModelForm):
    url = forms.URLField(
        max_length=RATING_TEXT_MAX_LENGTHS["url"], required=False, assume_scheme="https"
    )

    class Meta:
        model = Rating
        fields = ("rater", *RATING_FIELDS)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        rater = data.get("rater")
        if not rater:
            return data
        source = getattr(self.instance, "source", None)
        if rater == Rater.DEMO and not (source and is_reserved_example_host(source.domain)):
            self.add_error("rater", f"{Rater.DEMO.label} rates only demo (.example) outlets.")
            return data
        verdict = RaterVerdict.from_values(rater, data)
        # Only values the mapping table documents are accepted, so every stored rating is
        # traceable to a row of the methodology page.
        try:
            if read_bias(verdict) is None:
                self.add_error("bias_label", "Not a value this rater uses (see sources.ratings).")
            if read_factuality(verdict) is None:
                self.add_error(
                    "factuality_label", "Not a value this rater uses (see sources.ratings)."
                )
        except ValueError as error:
            raise ValidationError(str(error)) from error
        return data


class RatingInline(admin.TabularInline):
    model = Rating
    formfield_overrides = _URL_FIELDS
    form = RatingForm
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The tabular template prints each row's str(), which names the source.
        return super().get_queryset(request).select_related("source")


class SourceChangeInline(admin.TabularInline):
    model = SourceChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "field", "old_value", "new_value", "reason", "changed_by")
    readonly_fields = fields
    ordering = ("-changed_at", "-id")
    verbose_name = "change"
    verbose_name_plural = "history (ratings and ownership)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The tabular template prints each row's str(), which names the source.
        return super().get_queryset(request).select_related("source", "changed_by")

    def has_add_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        return False


class SourceForm(forms.ModelForm):
    homepage = forms.URLField(max_length=500, required=False, assume_scheme="https")
    change_reason = forms.CharField(
        required=False,
        max_length=500,
        help_text=(
            "Why ratings or ownership change; recorded in the history. Every reader sees it "
            "on the public source page, except for changes to ownership or to a factuality or "
            "reliability value: those reasons only Premium members see."
        ),
    )

    class Meta:
        model = Source
        fields = (
            "name",
            "slug",
            "homepage",
            "domain",
            "country",
            "language",
            "ownership_category",
            "owner_name",
            "is_active",
            "notes",
        )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    formfield_overrides = _URL_FIELDS
    list_display = (
        "name",
        "domain",
        "bias",
        "factuality",
        "raters_disagree",
        "rated_by",
        "ownership_category",
        "country",
        "is_active",
    )
    list_filter = (
        "bias",
        "factuality",
        "ownership_category",
        "country",
        RaterCoverageFilter,
        "raters_disagree",
        "is_active",
    )
    search_fields = ("name", "domain", "aliases__domain")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("activate", "deactivate", "export_csv")
    inlines = (SourceDomainInline, FeedInline, RatingInline, SourceChangeInline)
    readonly_fields = (
        "bias",
        "bias_value",
        "bias_spread",
        "factuality",
        "factuality_value",
        "factuality_spread",
        "raters_disagree",
        "rated_by",
    )
    fieldsets = (
        (None, {"fields": ("name", "slug", "homepage", "domain", "country", "language")}),
        ("Ownership", {"fields": ("ownership_category", "owner_name")}),
        ("Combined rating (derived from the ratings below)", {"fields": readonly_fields}),
        (None, {"fields": ("is_active", "notes", "change_reason")}),
    )

    # --- saving through the services ---------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Source, form: SourceForm, change: bool) -> None:
        category, owner = obj.ownership_category, obj.owner_name
        if change:
            # Everything but ownership is saved as usual; ownership goes through the service.
            stored = Source.objects.get(pk=obj.pk)
            obj.ownership_category, obj.owner_name = stored.ownership_category, stored.owner_name
        else:
            obj.ownership_category, obj.owner_name = OwnershipCategory.UNKNOWN, ""
        super().save_model(request, obj, form, change)
        source_set_ownership(
            source=obj,
            ownership_category=category,
            owner_name=owner,
            changed_by=signed_in_user(request),
            reason=form.cleaned_data.get("change_reason", ""),
        )

    def save_formset(
        self, request: HttpRequest, form: SourceForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Rating:
            if formset.model is Feed:
                _mark_paused_feeds(formset)
            super().save_formset(request, form, formset, change)
            return
        source: Source = form.instance
        reason = form.cleaned_data.get("change_reason", "")
        for rating_form in formset.forms:
            if not rating_form.has_changed() and not _is_deleted(formset, rating_form):
                continue
            # The instance already carries the posted values; the stored rater is the initial one.
            initial_rater = rating_form.initial.get("rater") if rating_form.instance.pk else None
            if _is_deleted(formset, rating_form):
                if initial_rater:
                    source_delete_rating(
                        source=source,
                        rater=initial_rater,
                        changed_by=signed_in_user(request),
                        reason=reason,
                    )
                continue
            data = rating_form.cleaned_data
            if initial_rater and initial_rater != data["rater"]:
                source_delete_rating(
                    source=source,
                    rater=initial_rater,
                    changed_by=signed_in_user(request),
                    reason=reason,
                )
            source_upsert_rating(
                source=source,
                rater=data["rater"],
                bias_label=data.get("bias_label") or "",
                factuality_label=data.get("factuality_label") or "",
                bias_score=data.get("bias_score"),
                reliability_score=data.get("reliability_score"),
                rated_on=data.get("rated_on"),
                url=data.get("url") or "",
                confidence=data.get("confidence") or "",
                changed_by=signed_in_user(request),
                reason=reason,
            )
        # The admin's change message reads these; the services did the saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # --- bulk actions ------------------------------------------------------------------

    @admin.action(description="Activate selected sources", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(is_active=True)
        self.message_user(request, f"{count} sources activated.", messages.SUCCESS)

    @admin.action(description="Deactivate selected sources", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(is_active=False)
        self.message_user(request, f"{count} sources deactivated.", messages.SUCCESS)

    @admin.action(description="Export selected sources to CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sources.csv"'
        columns = (
            "name",
            "domain",
            "country",
            "ownership_category",
            "owner_name",
            "bias",
            "bias_value",
            "bias_spread",
            "factuality",
            "factuality_value",
            "factuality_spread",
            "raters_disagree",
            "rated_by",
            "is_active",
        )
        writer = csv.writer(response)
        writer.writerow(columns)
        for source in queryset.order_by("name"):
            writer.writerow([_csv_safe(getattr(source, c)) for c in columns])
        return response

    # --- the import page ---------------------------------------------------------------

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.import_ratings_view)
        return [
            path("import-ratings/", view, name="sources_source_import_ratings"),
            *super().get_urls(),
        ]

    def _can_import_ratings(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request) and request.user.has_perm("sources.add_rating")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_import_ratings": self._can_import_ratings(request),
        }
        return super().changelist_view(request, extra_context)

    def import_ratings_view(self, request: HttpRequest) -> HttpResponse:
        """Upload → dry-run preview → confirm. Nothing is written before the confirmation."""
        if not self._can_import_ratings(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a ratings file",
        }
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirm(request, context)
        form = RatingImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["text"]
            try:
                parsed = parse_ratings_file(
                    text,
                    rater=form.cleaned_data["rater"],
                    format_name=form.cleaned_data["format"] or None,
                    rated_on=form.cleaned_data["rated_on"],
                )
            except ImportFileError as error:
                form.add_error("file", f"{error}. Nothing was imported.")
            else:
                report = source_import_ratings(parsed=parsed, dry_run=True)
                token = secrets.token_urlsafe(16)
                request.session[_PENDING_IMPORT_SESSION_KEY] = {
                    "token": token,
                    "name": form.cleaned_data["file"].name,
                    "text": text,
                    "rater": parsed.rater,
                    "format": parsed.format,
                    "rated_on": (
                        form.cleaned_data["rated_on"].isoformat()
                        if form.cleaned_data["rated_on"]
                        else ""
                    ),
                }
                context |= {"report": report, "token": token, "preview": True}
        context["form"] = form
        return TemplateResponse(request, "admin/sources/import_ratings.html", context)

    def _import_confirm(self, request: HttpRequest, context: dict) -> HttpResponse:
        pending = request.session.get(_PENDING_IMPORT_SESSION_KEY)
        if not pending or pending["token"] != request.POST.get("token"):
            messages.error(request, "That preview has expired; upload the file again.")
            return redirect("admin:sources_source_import_ratings")
        parsed = parse_ratings_file(
            pending["text"],
            rater=pending["rater"],
            format_name=pending["format"],
            rated_on=date.fromisoformat(pending["rated_on"]) if pending["rated_on"] else None,
        )
        report = source_import_ratings(
            parsed=parsed,
            changed_by=signed_in_user(request),
            reason=f"imported from {pending['name']} ({parsed.format}) in the admin",
        )
        del request.session[_PENDING_IMPORT_SESSION_KEY]
        messages.success(request, f"Imported {pending['name']}: {report.summary()}")
        context |= {"report": report, "form": RatingImportForm(), "done": True}
        return TemplateResponse(request, "admin/sources/import_ratings.html", context)


class RatingImportForm(forms.Form):
    file = forms.FileField()
    rater = forms.ChoiceField(choices=[c for c in Rater.choices if c[0] in IMPORTABLE_RATERS])
    format = forms.ChoiceField(
        choices=[("", "Detect from the header"), *((name, name) for name in FORMATS)],
        required=False,
    )
    rated_on = forms.DateField(required=False, help_text="YYYY-MM-DD; the files carry no dates")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_IMPORT_FILE_BYTES:
            raise ValidationError(f"The file is larger than {MAX_IMPORT_FILE_BYTES} bytes.")
        try:
            data["text"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError("The file is not UTF-8 text.") from error
        return data


def _is_deleted(formset: BaseInlineFormSet, form: forms.BaseForm) -> bool:
    return formset.can_delete and bool(form.cleaned_data.get(DELETION_FIELD_NAME, False))


def _mark_paused_feeds(formset: BaseInlineFormSet) -> None:
    """An editor unticking "active" pauses the feed; ticking it again lets ingestion retry."""
    for feed_form in formset.forms:
        feed = feed_form.instance
        if "is_active" not in getattr(feed_form, "changed_data", ()):
            continue
        if not feed.is_active:
            feed.status = FeedStatus.PAUSED
        elif feed.status == FeedStatus.PAUSED:
            feed.status = FeedStatus.NEVER_FETCHED


def _csv_safe(value: object) -> object:
    """Cells starting like a formula are prefixed so spreadsheets do not run them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    """Every feed's health in one list, so failing feeds can be found and paused."""

    formfield_overrides = _URL_FIELDS
    list_display = (
        "url",
        "source",
        "is_active",
        "status",
        "last_success_at",
        "last_error_at",
        "consecutive_failures",
    )
    list_filter = ("status", "is_active")
    search_fields = ("url", "source__name")
    list_select_related = ("source",)
    raw_id_fields = ("source",)
    readonly_fields = (
        "status",
        "etag",
        "last_modified",
        "last_fetched_at",
        "last_success_at",
        "last_changed_at",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "next_fetch_at",
    )
    actions = ("pause", "resume")

    @admin.action(description="Pause selected feeds", permissions=["change"])
    def pause(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(is_active=False, status=FeedStatus.PAUSED)
        self.message_user(request, f"{count} feeds paused.", messages.SUCCESS)

    @admin.action(description="Resume selected feeds", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet) -> None:
        queryset.filter(status=FeedStatus.PAUSED).update(status=FeedStatus.NEVER_FETCHED)
        count = queryset.update(is_active=True)
        self.message_user(request, f"{count} feeds resumed.", messages.SUCCESS)


@admin.register(SourceChange)
class SourceChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "source", "field", "old_value", "new_value", "changed_by")
    list_filter = ("field",)
    search_fields = ("source__name", "reason")
    list_select_related = ("source", "changed_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SourceChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SourceChange | None = None) -> bool:
        return False
