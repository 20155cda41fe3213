from django.conf import settings
from django.http import HttpRequest

from infra.demo import demo_mode_on


def demo_mode(request: HttpRequest) -> dict[str, bool]:
    """Every page says so when the site shows the fictional demo corpus, or when live
    ingestion keeps running beside the web server (``manage.py serve``).

    A file check and a setting, not a query: pages keep their exact query counts.
    """
    return {
        "demo_mode": demo_mode_on(),
        "ingestion_running": settings.INGESTION_RUNNING_IN_BACKGROUND,
    }
