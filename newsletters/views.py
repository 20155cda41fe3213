"""Newsletter pages: preferences, confirmation, one-click unsubscribe, issues on the web.

Views parse, make one call, render.
"""

from __future__ import annotations

import logging
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from infra.auth import signed_in_user
from members import ratelimit
from newsletters import selectors, services
from newsletters.content import IssueContent
from newsletters.forms import NewsletterChoiceForm
from newsletters.models import NewsletterKind, SubscriptionStatus
from stories import access

logger = logging.getLogger(__name__)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    member = signed_in_user(request)
    if member is None:
        raise Http404
    newsletters = selectors.newsletter_list()
    current = selectors.subscription_list_for_member(user=member)
    forms = []
    for newsletter in newsletters:
        subscription = current.get(newsletter.kind)
        initial = {}
        if subscription is not None:
            initial = {
                "subscribed": subscription.status
                in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PENDING),
                "send_time": subscription.send_time,
                "time_zone": subscription.time_zone,
            }
        form = NewsletterChoiceForm(
            request.POST if request.method == "POST" else None,
            prefix=newsletter.kind,
            initial=initial,
        )
        forms.append((newsletter, subscription, form))
    if request.method == "POST" and member.email and all(f.is_valid() for _, _, f in forms):
        now = timezone.now()
        for newsletter, _, form in forms:
            pending = services.subscription_save(
                user=member,
                newsletter=newsletter,
                wanted=form.cleaned_data["subscribed"],
                timing=services.Timing(
                    send_time=form.cleaned_data["send_time"],
                    time_zone=form.cleaned_data["time_zone"],
                ),
                now=now,
            )
            if pending is None:
                continue
            if ratelimit.account_mail_allowed(ip=ratelimit.client_ip(request), email=member.email):
                token = services.subscription_confirmation_token(pending)
                services.subscription_confirmation_mail(
                    subscription=pending,
                    confirm_url=request.build_absolute_uri(
                        reverse("newsletter_confirm", kwargs={"token": token})
                    ),
                )
                messages.success(
                    request,
                    f"We sent a link to {member.email}: open it to confirm the "
                    f"{newsletter.name.lower()}.",
                )
            else:
                logger.warning("newsletter confirmation mail not sent: hourly limit reached")
                messages.error(request, "Too many mails to this address: try again in an hour.")
        messages.success(request, "Your newsletter choices were saved.")
        return redirect("newsletter_preferences")
    return render(request, "newsletters/preferences.html", {"forms": forms})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that open links must not subscribe anyone.
    if request.method == "GET":
        return render(request, "newsletters/confirm.html")
    try:
        subscription = services.subscription_confirm(token=token, now=timezone.now())
    except services.SubscriptionLinkInvalid:
        return render(request, "newsletters/confirm.html", {"invalid": True}, status=400)
    return render(request, "newsletters/confirm.html", {"confirmed": subscription})


@csrf_exempt  # RFC 8058: mail clients POST here without a session; the signed token is the check
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    # GET shows a one-button page (link scanners must not unsubscribe anyone); POST, from that
    # button or a mail client's "List-Unsubscribe=One-Click", unsubscribes.
    if request.method == "GET":
        return render(request, "newsletters/unsubscribe.html", {"token": token})
    try:
        subscription = services.subscription_unsubscribe(token=token, now=timezone.now())
    except services.SubscriptionLinkInvalid:
        return render(request, "newsletters/unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "newsletters/unsubscribe.html", {"unsubscribed": subscription})


def _issue_page(request: HttpRequest, *, kind: str, edition_date: date) -> HttpResponse:
    issue = selectors.issue_get(kind=kind, edition_date=edition_date)
    if issue is None:
        raise Http404("No issue of that date")
    context = {
        "issue": issue,
        "content": IssueContent.from_dict(issue.content),
        "premium": access.viewer_has_premium(request.user),
        "now": timezone.now(),
    }
    return render(request, "newsletters/issue_detail.html", context)


def briefing_detail(request: HttpRequest, edition_date: date) -> HttpResponse:
    return _issue_page(request, kind=NewsletterKind.DAILY_BRIEFING, edition_date=edition_date)


def blindspot_report_detail(request: HttpRequest, edition_date: date) -> HttpResponse:
    return _issue_page(request, kind=NewsletterKind.BLINDSPOT_REPORT, edition_date=edition_date)


def briefing_list(request: HttpRequest) -> HttpResponse:
    context = {
        "daily": list(selectors.issue_list_recent(kind=NewsletterKind.DAILY_BRIEFING)),
        "blindspot": list(selectors.issue_list_recent(kind=NewsletterKind.BLINDSPOT_REPORT)),
    }
    return render(request, "newsletters/issue_list.html", context)
