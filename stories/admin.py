"""Editors' admin for stories and articles: merge, split, move; decisions stick.

* Merging selected stories folds them into the one with most articles and marks it
  ``merge_locked``; absorbed stories keep ``merged_into`` and are never candidates again.
* Moving an article (editing its story) or splitting articles into a new story marks them
  ``story_locked`` and both stories ``merge_locked``, so neither streaming clustering nor the
  merge pass undoes the editor's decision.
* Editing a headline locks it against automatic headlines.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from stories import services
from stories.models import Article, Story


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = (
        "headline",
        "article_count",
        "source_count",
        "left_count",
        "center_count",
        "right_count",
        "blindspot",
        "last_updated_at",
        "merge_locked",
        "merged_into",
    )
    list_filter = ("blindspot", "merge_locked", "headline_locked")
    search_fields = ("headline", "slug")
    date_hierarchy = "last_updated_at"
    raw_id_fields = ("merged_into",)
    readonly_fields = (
        "figures",
        "article_count",
        "source_count",
        "origin_count",
        "left_count",
        "center_count",
        "right_count",
        "unrated_count",
        "blindspot",
        "first_seen_at",
        "last_updated_at",
        "version",
        "merged_into",
        "created_at",
    )
    exclude = ("cluster_state",)
    actions = ("merge_selected", "refresh_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Story]:
        return super().get_queryset(request).select_related("merged_into").defer("cluster_state")

    def save_model(self, request: HttpRequest, obj: Story, form, change: bool) -> None:
        if change and "headline" in form.changed_data:
            obj.headline_locked = True
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge selected stories into the largest one", permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        stories = list(queryset.filter(merged_into__isnull=True).order_by("-article_count", "id"))
        if len(stories) < 2:
            self.message_user(request, "Select at least two live stories.", messages.WARNING)
            return
        into = services.stories_merge(into=stories[0], others=stories[1:], by_editor=True)
        self.message_user(request, f"Merged {len(stories) - 1} stories into “{into.headline}”.")

    @admin.action(description="Recompute figures, headline and summary", permissions=["change"])
    def refresh_selected(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        for story_id in queryset.values_list("id", flat=True):
            services.story_refresh(story_id=story_id)
        self.message_user(request, "Recomputed.")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "story", "story_locked", "status", "published_at")
    list_filter = ("status", "story_locked")
    search_fields = ("title", "canonical_url")
    raw_id_fields = ("story", "wire_origin", "feed")
    list_select_related = ("source", "story")
    actions = ("split_into_new_story",)

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        moved = change and "story" in form.changed_data
        new_story = obj.story
        if moved:
            # The move goes through the service (locks, cluster state, refreshes).
            obj.story_id = form.initial.get("story")
        super().save_model(request, obj, form, change)
        if moved:
            services.article_move(article=obj, to_story=new_story)

    @admin.action(description="Split selected articles into a new story", permissions=["change"])
    def split_into_new_story(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        articles = list(queryset.order_by("published_at", "id"))
        if not articles:
            return
        story = services.article_move(article=articles[0], to_story=None)
        for article in articles[1:]:
            services.article_move(article=article, to_story=story)
        self.message_user(request, f"Moved {len(articles)} articles to a new story.")
