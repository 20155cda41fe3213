"""Settings of the workers bench/scale.py starts: the site's, without the pause between two
requests to one host. The bench's pages sit on a loopback address the fetcher refuses, and
a second's politeness per request to that one host would measure the pause, not the pipeline.
"""

from newsdesk.settings import *  # noqa: F403

INGESTION_HOST_DELAY_SECONDS = 0
