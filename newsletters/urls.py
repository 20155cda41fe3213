from datetime import date

from django.urls import path, register_converter

from newsletters import syndication, views


class IsoDateConverter:
    """``2026-12-04`` in a path, a ``date`` in the view (an impossible date is a 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError → no match → 404

    def to_url(self, value: date) -> str:
        return value.isoformat()


register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("newsletters/", views.preferences, name="newsletter_preferences"),
    path("newsletters/confirm/<str:token>/", views.confirm, name="newsletter_confirm"),
    path("newsletters/unsubscribe/<str:token>/", views.unsubscribe, name="newsletter_unsubscribe"),
    path("briefings/", views.briefing_list, name="briefing_list"),
    path("briefings/feed.rss", syndication.IssueFeed(), name="feed_briefings_rss"),
    path("briefings/feed.atom", syndication.IssueAtomFeed(), name="feed_briefings_atom"),
    path("briefings/<isodate:edition_date>/", views.briefing_detail, name="briefing_detail"),
    path(
        "briefings/blindspot/<isodate:edition_date>/",
        views.blindspot_report_detail,
        name="blindspot_report_detail",
    ),
]
