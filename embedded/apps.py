from django.apps import AppConfig


class EmbeddedConfig(AppConfig):
    """The site on one machine without services: the first run (demo corpus or live feeds),
    replay of recorded feeds, and the in-process ``ingest`` and ``serve`` commands.

    It wires every other app together, so nothing else imports it.
    """

    name = "embedded"
    verbose_name = "Embedded mode: first run, demo and replay"
