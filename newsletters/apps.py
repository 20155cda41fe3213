from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    """The daily briefing and the blindspot report: subscriptions, issues, mail and its pages."""

    name = "newsletters"
