"""Reader pages. Views parse the request, call one selector and render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from sources.models import Source
from stories.models import Story


def home(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.filter(merged_into=None).order_by("-last_updated_at")[:30]
    return render(request, "stories/home.html", {"stories": stories})


def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug, merged_into=None)
    articles = story.articles.select_related("source").order_by("-published_at")
    return render(request, "stories/story_detail.html", {"story": story, "articles": articles})


def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    return render(request, "sources/source_detail.html", {"source": source})
