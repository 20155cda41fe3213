"""Account, membership and reading-history pages. Views parse, make one call, render."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from infra.auth import signed_in_user
from infra.demo import demo_mode_on
from members import emails, ratelimit, selectors, services
from members.access import user_has_premium
from members.bias import WINDOW_DAYS, summarize_reading, window_days
from members.forms import (
    TOO_MANY_ATTEMPTS,
    AccountPasswordChangeForm,
    ApiTokenForm,
    LoginForm,
    PremiumRequestForm,
    ProfileForm,
    SignupForm,
)
from members.middleware import QUERY_TOKEN_PARAMETER
from sources.domains import is_reserved_example_host, is_web_url
from stories.models import Article

logger = logging.getLogger(__name__)

HISTORY_PAGE_SIZE = 100

# The Premium page's picture: a screenshot of a demo story's factuality panel as a Premium
# reader sees it, made by tests/members/test_premium_sample.py (see its docstring).
PREMIUM_SAMPLE_IMAGE = "img/premium-factuality-sample.png"
PREMIUM_REQUESTS_LIMITED = (
    "You have sent the editors several messages today. They will answer those; please try "
    "again tomorrow if you need to."
)


def _member(request: HttpRequest) -> User:
    """The signed-in reader of a ``login_required`` view."""
    user = signed_in_user(request)
    if user is None:
        raise PermissionDenied
    return user


TOKEN_FEEDS = (
    ("Top stories (RSS)", "feed_top_rss"),
    ("Top stories (Atom)", "feed_top_atom"),
    ("Blindspots (RSS)", "feed_blindspot_rss"),
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, mailing no more than ``ratelimit`` allows (the page looks the same,
    so it does not tell whether an address has an account or was limited)."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if ratelimit.account_mail_allowed(ip=ratelimit.client_ip(self.request), email=email):
            return super().form_valid(form)
        logger.warning("password reset mail not sent: hourly limit reached")
        return HttpResponseRedirect(self.get_success_url())


def _too_many_attempts(response: HttpResponse, form: Form, field: str) -> HttpResponse:
    """A form refused for too many attempts answers 429, so clients and scripts can tell."""
    if form.has_error(field, TOO_MANY_ATTEMPTS):
        response.status_code = 429
    return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's form; a reset also revokes the reader's API tokens (the page says so), since
    whoever knew the old password may have made some."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        services.api_token_revoke_all(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = AccountPasswordChangeForm
    # Own template names: the admin's password change keeps the admin's templates.
    template_name = "registration/account_password_change_form.html"

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data["sign_out_everywhere"]:
            revoked = services.api_token_revoke_all(user=form.user)
            messages.success(
                self.request,
                "1 API token was revoked."
                if revoked == 1
                else f"{revoked} API tokens were revoked.",
            )
        return response

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        return _too_many_attempts(super().form_invalid(form), form, "old_password")


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        return _too_many_attempts(super().form_invalid(form), form, "__all__")


def _address_claim(request: HttpRequest, *, user: User, address: str) -> None:
    """Mail ``address`` a confirmation link for ``user`` (or its owner a notice, if another
    account has it) within the mail budget; the reader is told the same either way."""
    address = emails.email_normalize(address)
    if ratelimit.account_mail_allowed(ip=ratelimit.client_ip(request), email=address):
        emails.email_change_request(
            user=user,
            address=address,
            confirm_url=lambda claim: request.build_absolute_uri(
                reverse("email_confirm", args=[claim])
            ),
            password_reset_url=request.build_absolute_uri(reverse("password_reset")),
        )
    else:
        logger.warning("address confirmation mail not sent: hourly limit reached")
    messages.success(
        request,
        f"We sent a confirmation link to {address}. Your e-mail address changes when you open it.",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("profile")
    form = SignupForm(request.POST or None)
    ip = ratelimit.client_ip(request)
    if request.method == "POST" and not ratelimit.signup_attempt_allowed(ip=ip):
        # Checked before the form, so a script learns nothing (not even "name taken").
        context = {"form": SignupForm(), "limited": True}
        return render(request, "registration/signup.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        ratelimit.signup_record(ip=ip)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Newsdesk. Your account is ready.")
        _address_claim(request, user=user, address=form.cleaned_data["email"])
        return redirect("profile")
    return render(request, "registration/signup.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = ProfileForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email"]
        if not address:
            member.email = ""
        form.save()
        messages.success(request, "Your profile was saved.")
        if address and address != member.email:
            _address_claim(request, user=member, address=address)
        return redirect("profile")
    context = {
        "form": form,
        "membership": selectors.membership_for_user(user=member),
        "has_premium": user_has_premium(request.user),
        "tokens": selectors.api_token_list(user=member),
    }
    return render(request, "members/profile.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, claim: str) -> HttpResponse:
    # GET only shows a button: mail scanners that open links must not confirm addresses.
    if request.method == "GET":
        return render(request, "registration/email_confirm.html")
    try:
        user = emails.email_change_confirm(claim=claim)
    except emails.EmailLinkInvalid:
        return render(request, "registration/email_confirm.html", {"invalid": True}, status=400)
    return render(request, "registration/email_confirm.html", {"confirmed": user})


@never_cache
@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(request, "members/token_refused.html", {"form": form}, status=400)
    # Rendered, not redirected: the token is shown this once and stored nowhere in clear.
    row, token = services.api_token_create(user=_member(request), name=form.cleaned_data["name"])
    # Feed readers cannot send headers: the feed addresses with the token, to paste as they are.
    query = urlencode({QUERY_TOKEN_PARAMETER: token})
    feed_urls = [
        (label, request.build_absolute_uri(f"{reverse(name)}?{query}"))
        for label, name in TOKEN_FEEDS
    ]
    return render(
        request,
        "members/token_created.html",
        {
            "row": row,
            "token": token,
            "feed_urls": feed_urls,
            "has_premium": user_has_premium(request.user),
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if services.api_token_revoke(user=_member(request), token_id=token_id):
        messages.success(request, "The API token was revoked.")
    return redirect("profile")


def _premium_request_form(request: HttpRequest) -> PremiumRequestForm:
    """The form to the editors, with a signed-in reader's name and address filled in."""
    reader = signed_in_user(request)
    initial = {}
    if reader is not None:
        initial = {"name": reader.get_full_name() or reader.get_username(), "email": reader.email}
    return PremiumRequestForm(request.POST or None, initial=initial)


@never_cache
@require_http_methods(["GET", "POST"])
def upgrade(request: HttpRequest) -> HttpResponse:
    """What Premium shows and how to get it: a message to the editors, who grant it."""
    has_premium = user_has_premium(request.user)
    form = _premium_request_form(request)
    status = 200
    if request.method == "POST" and not has_premium and form.is_valid():
        reader = signed_in_user(request)
        allowed = ratelimit.premium_request_allowed(
            ip=ratelimit.client_ip(request),
            email=form.cleaned_data["email"],
            user_id=reader.pk if reader is not None else None,
        )
        if not allowed:
            form.add_error(None, PREMIUM_REQUESTS_LIMITED)
            status = 429
        elif form.is_from_a_script:
            # Answered like a real message, so the script learns nothing; nothing is kept.
            logger.info("request for Premium dropped: the hidden field was filled in")
            return redirect("premium_request_sent")
        else:
            services.premium_request_create(
                user=reader,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                admin_url=lambda row: request.build_absolute_uri(
                    reverse("admin:members_premiumrequest_change", args=[row.pk])
                ),
            )
            return redirect("premium_request_sent")
    context = {"has_premium": has_premium, "form": form, "sample": PREMIUM_SAMPLE_IMAGE}
    return render(request, "members/upgrade.html", context, status=status)


def premium_request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "members/premium_request_sent.html")


@never_cache
def outbound(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.only("id", "url", "canonical_url"), id=article_id)
    target = next((u for u in (article.url, article.canonical_url) if is_web_url(u)), None)
    if target is None:
        raise Http404("This article has no web address we can send you to.")
    reader = signed_in_user(request)
    if reader is not None:
        services.read_event_record(user=reader, article=article)
    if demo_mode_on() and is_reserved_example_host(target):
        # A demo outlet's page is not on the web: the site shows the text it stored instead.
        return redirect("article_reader", article_id=article.id)
    return HttpResponseRedirect(target)


@never_cache
@login_required
def history(request: HttpRequest) -> HttpResponse:
    events = selectors.read_event_list(user=_member(request))[:HISTORY_PAGE_SIZE]
    return render(
        request,
        "members/history.html",
        {"events": events, "page_size": HISTORY_PAGE_SIZE},
    )


@login_required
@require_POST
def history_delete(request: HttpRequest, event_id: int | None = None) -> HttpResponse:
    deleted = services.read_history_delete(user=_member(request), read_event_id=event_id)
    if event_id is None:
        messages.success(request, f"Your reading history was deleted ({deleted} entries).")
    elif deleted:
        messages.success(request, "The entry was deleted.")
    return redirect("reading_history")


@never_cache
@login_required
def my_news_bias(request: HttpRequest) -> HttpResponse:
    if not user_has_premium(request.user):
        return render(request, "members/bias.html", {"has_premium": False})
    days = window_days(request.GET.get("days"))
    now = timezone.now()
    records = selectors.read_records_since(
        user=_member(request), since=selectors.read_window_start(now=now, days=days)
    )
    summary = summarize_reading(records, now=now, days=days)
    context = {
        "has_premium": True,
        "summary": summary,
        "chart_data": summary.chart_data(),
        "windows": WINDOW_DAYS,
    }
    return render(request, "members/bias.html", context)
