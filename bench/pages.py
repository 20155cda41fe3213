"""Reader page throughput: gunicorn (2 workers, services mode) driven by wrk on loopback.

    .venv/bin/python bench/pages.py [--duration 5] [--rounds 3] [--connections 16] [--articles 150]

Uses its own PostgreSQL database (``BENCH_DATABASE_URL``, created if missing, emptied and
seeded on every run) and Redis (``BENCH_REDIS_URL``). Prints requests/s, p50 and p99 for the
story page, the home page, a topic page, a signed-in member's For You page and a bare "hello"
Django view measured in the same run, then the ratios targeted: story, home and topic pages
≥ 50% of the bare view's throughput, For You (rendered per member) ≥ 30%, p99 ≤ 5 x p50.

The bare view exists only here: gunicorn loads ``bench_application()``, which points
ROOT_URLCONF at this module (the site's URLs plus ``/bench/hello``). Production never
imports this file.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nd_pages_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
STORY_SLUG = "bench-story"
TOPIC_SLUG = "bench-topic"
BENCH_MEMBER = "bench-member"
BACKGROUND_STORIES = 40
PICTURE_KEY = "0123456789abcdef0123456789abcdef"
TARGET_THROUGHPUT_SHARE = 0.5
# For You is rendered for each member (their follows and mutes), never shared between them.
TARGET_FOR_YOU_SHARE = 0.3
TARGET_TAIL_RATIO = 5.0


# --- What gunicorn loads ------------------------------------------------------------------
def hello(request: Any) -> Any:
    from django.http import HttpResponse

    return HttpResponse("hello", content_type="text/plain")


def __getattr__(name: str) -> Any:
    # Built on first use, once Django is set up inside the gunicorn worker.
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/hello", hello), path("", include("newsdesk.urls"))]
    raise AttributeError(name)


def bench_application() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    settings.ROOT_URLCONF = "bench.pages"
    return application


# --- The driver ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def bench_environment(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "CACHE_KEY_PREFIX": "bench",
        "PYTHONPATH": str(REPO_ROOT),
    }


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def seed(article_count: int) -> str:
    """Empty the bench database and fill it: one big story plus background stories, a topic
    and a member following it. Returns the member's session cookie."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    cache.clear()
    from tests.factories import SourceFactory, story_with_articles

    sources = [SourceFactory(bias=bias) for bias in _biases()] * 3
    story_with_articles(
        article_count,
        sources=sources,
        slug=STORY_SLUG,
        headline="Benchmark story with many outlets",
        summary=["A first bullet of the summary.", "A second bullet of the summary."],
    )
    background = [story_with_articles(8, sources=sources) for _ in range(BACKGROUND_STORIES)]
    # Pictures as ingestion leaves them: a stored key on every story, article and outlet, so
    # the pages carry their <img> tags (wrk fetches the HTML only, never the files).
    from sources.models import Source
    from stories.models import Article, Story

    Story.objects.update(image=PICTURE_KEY)
    Article.objects.update(image=PICTURE_KEY)
    Source.objects.update(favicon=PICTURE_KEY)
    return _seed_topic_and_member(background)


def _seed_topic_and_member(stories: list[Any]) -> str:
    """A topic holding the background stories and a member following it (and muting an
    outlet); returns the member's session cookie for wrk."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from members.models import SourceMute, TopicFollow
    from stories.models import StoryTopic, Topic, TopicKind

    topic = Topic.objects.create(kind=TopicKind.PERSON, slug=TOPIC_SLUG, name="Bench Person")
    StoryTopic.objects.bulk_create(
        StoryTopic(story=story, topic=topic, last_updated_at=story.last_updated_at)
        for story in stories
    )
    member = get_user_model().objects.create_user(BENCH_MEMBER, password="bench-only-password")
    TopicFollow.objects.create(user=member, topic=topic)
    SourceMute.objects.create(user=member, source=stories[0].articles.first().source)
    # The site's own session store (rows read through Redis), as a browser's sign-in leaves it.
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["_auth_user_id"] = str(member.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = member.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _biases() -> list[str]:
    from tests.factories import ALL_BIASES

    return list(ALL_BIASES)


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(REPO_ROOT / ".venv" / "bin" / "gunicorn"),
            "bench.pages:bench_application()",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(REPO_ROOT),
        ],
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/hello", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(
    name: str,
    url: str,
    *,
    duration: int,
    connections: int,
    threads: int,
    headers: tuple[str, ...] = (),
) -> Result:
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            *(part for header in headers for part in ("-H", header)),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Result(name, rps, p50, p99, int(non_2xx.group(1)) if non_2xx else 0)


def median_result(name: str, results: list[Result]) -> Result:
    return Result(
        name,
        statistics.median(r.requests_per_second for r in results),
        statistics.median(r.p50_ms for r in results),
        statistics.median(r.p99_ms for r in results),
        sum(r.non_2xx for r in results),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--articles", type=int, default=150, help="articles in the story")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    env = bench_environment(database_url, redis_url)
    ensure_database(database_url)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    sys.path.insert(0, str(REPO_ROOT))
    cookie = seed(args.articles)

    server = start_gunicorn(env, args.port)
    base = f"http://127.0.0.1:{args.port}"
    pages = {
        "bare hello view": f"{base}/bench/hello",
        f"story page ({args.articles} articles)": f"{base}/stories/{STORY_SLUG}/",
        "home page": f"{base}/",
        "topic page (40 stories)": f"{base}/topics/{TOPIC_SLUG}/",
        "for you (signed in)": f"{base}/for-you/",
        # The same member on the home page: what any signed-in page costs (session, user).
        "home page (signed in)": f"{base}/",
    }
    headers = {name: (f"Cookie: {cookie}",) for name in pages if name.endswith("(signed in)")}
    # The signed-in home page is a reference (the cost of any per-member page), not a target.
    targets: dict[str, float | None] = {
        "for you (signed in)": TARGET_FOR_YOU_SHARE,
        "home page (signed in)": None,
    }
    rounds: dict[str, list[Result]] = {name: [] for name in pages}
    try:
        for name, url in pages.items():  # warm the workers, connections and fragment caches
            run_wrk(
                "warm-up",
                url,
                duration=2,
                connections=args.connections,
                threads=1,
                headers=headers.get(name, ()),
            )
        # Interleaved rounds, so load from other processes on the machine hits all pages alike.
        for _ in range(args.rounds):
            for name, url in pages.items():
                rounds[name].append(
                    run_wrk(
                        name,
                        url,
                        duration=args.duration,
                        connections=args.connections,
                        threads=args.threads,
                        headers=headers.get(name, ()),
                    )
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    results = [median_result(name, found) for name, found in rounds.items()]
    print(
        f"gunicorn 2 workers, wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
        f"{args.rounds} interleaved rounds (medians), {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'p99/p50':>8} {'non-2xx':>8}")
    for r in results:
        print(
            f"{r.name:32} {r.requests_per_second:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} "
            f"{r.p99_ms / r.p50_ms:8.2f} {r.non_2xx:8d}"
        )
    bare = results[0]
    ok = True
    for r in results[1:]:
        share = r.requests_per_second / bare.requests_per_second
        tail = r.p99_ms / r.p50_ms
        target = targets.get(r.name, TARGET_THROUGHPUT_SHARE)
        if target is None:
            print(f"{r.name}: {share:.0%} of the bare view's throughput (reference)")
            continue
        meets = share >= target and tail <= TARGET_TAIL_RATIO and not r.non_2xx
        ok &= meets
        print(
            f"{r.name}: {share:.0%} of the bare view's throughput "
            f"(target ≥ {target:.0%}), p99 = {tail:.1f} x p50 "
            f"(target ≤ {TARGET_TAIL_RATIO:.0f}x) → {'meets' if meets else 'MISSES'} the target"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
