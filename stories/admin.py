"""Editors' admin for stories and articles: merge, split, move; decisions stick.

* Merging selected stories folds them into the one with most articles and marks it
  ``merge_locked``; absorbed stories keep ``merged_into`` and are never candidates again.
* Moving an article (editing its story) or splitting articles into a new story marks them
  ``story_locked`` and both stories ``merge_locked``, so neither streaming clustering nor the
  merge pass undoes the editor's decision.
* Editing a headline locks it against automatic headlines.
* Topics: an editor's name, hiding, pinning and merging (the change form's "merged into" or the
  action) rewrite the topic links of the stories concerned and change their version.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from stories import services
from stories.models import Article, Story, Topic
from stories.services import topics as topic_services


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


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Rename (display name), hide, pin and merge topics; their stories' pages follow."""

    list_display = ("label", "kind", "slug", "story_total", "hidden", "pinned", "merged_into")
    list_filter = ("kind", "hidden", "pinned")
    # The surname key finds every spelling of a person an editor may want to merge.
    search_fields = ("name", "display_name", "slug", "surname_key")
    readonly_fields = ("kind", "slug", "name", "country", "surname_key", "created_at")
    fields = (
        "kind",
        "slug",
        "name",
        "display_name",
        "hidden",
        "pinned",
        "merged_into",
        "country",
        "surname_key",
    )
    raw_id_fields = ("merged_into",)
    actions = ("hide_selected", "show_selected", "pin_selected", "unpin_selected", "merge_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return (
            super()
            .get_queryset(request)
            .select_related("merged_into")
            .annotate(story_total=Count("story_rows"))
        )

    @admin.display(description="Stories", ordering="story_total")
    def story_total(self, topic: Topic) -> int:
        return int(getattr(topic, "story_total", 0))

    def save_model(self, request: HttpRequest, obj: Topic, form, change: bool) -> None:
        into = obj.merged_into if "merged_into" in form.changed_data else None
        if into is not None:
            obj.merged_into = None  # set by the merge below, with the stories moved
        super().save_model(request, obj, form, change)
        if into is not None:
            topic_services.topics_merge(absorbed=obj, into=into)
        elif change:
            topic_services.topic_update(topic=obj)

    def _set(self, request: HttpRequest, queryset: QuerySet[Topic], **values: bool) -> None:
        for topic in queryset:
            for field, value in values.items():
                setattr(topic, field, value)
            topic.save(update_fields=list(values))
            topic_services.topic_update(topic=topic)
        self.message_user(request, f"Updated {len(queryset)} topics.")

    @admin.action(description="Hide selected topics from readers", permissions=["change"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._set(request, queryset, hidden=True)

    @admin.action(description="Show selected topics to readers", permissions=["change"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._set(request, queryset, hidden=False)

    @admin.action(description="Pin selected topics", permissions=["change"])
    def pin_selected(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._set(request, queryset, pinned=True)

    @admin.action(description="Unpin selected topics", permissions=["change"])
    def unpin_selected(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        self._set(request, queryset, pinned=False)

    @admin.action(
        description="Merge selected topics into the one with most stories", permissions=["change"]
    )
    def merge_selected(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        live = queryset.filter(merged_into=None).annotate(stories=Count("story_rows"))
        chosen = list(live.order_by("-stories", "id"))
        if len(chosen) < 2:
            self.message_user(request, "Select at least two live topics.", messages.WARNING)
            return
        for topic in chosen[1:]:
            topic_services.topics_merge(absorbed=topic, into=chosen[0])
        self.message_user(request, f"Merged {len(chosen) - 1} topics into “{chosen[0].label}”.")
