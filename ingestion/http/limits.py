"""The client's fixed limits and identity. The timeouts and the politeness pause are settings
(``INGESTION_*_TIMEOUT_SECONDS``, ``INGESTION_HOST_DELAY_SECONDS``, declared in
``newsdesk.settings`` and checked by ``ingestion.checks``)."""

USER_AGENT = "NewsdeskBot/0.1 (+https://github.com/newsdesk; news coverage aggregator)"
ROBOTS_USER_AGENT = "NewsdeskBot"
MAX_BODY_BYTES = 15 * 1024 * 1024
MAX_REDIRECTS = 5
READ_CHUNK_BYTES = 64 * 1024
MAX_CONCURRENT_REQUESTS_PER_HOST = 2
ROBOTS_CACHE_SECONDS = 3600
ROBOTS_MAX_BYTES = 512 * 1024
