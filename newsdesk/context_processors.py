from django.conf import settings
from django.http import HttpRequest


def demo_mode(request: HttpRequest) -> dict[str, bool]:
    """Every page says so when the site shows the fictional demo corpus.

    A file check, not a query: pages keep their exact query counts.
    """
    return {"demo_mode": settings.DEMO_MODE or settings.DEMO_MODE_MARKER.exists()}
