"""Is the site showing the fictional demo corpus? A setting and a file, never a query."""

from django.conf import settings


def demo_mode_on() -> bool:
    """The first run's demo replay writes the marker file; a services deployment that loads
    the demo sets ``NEWSDESK_DEMO=1``."""
    return bool(settings.DEMO_MODE) or settings.DEMO_MODE_MARKER.exists()
