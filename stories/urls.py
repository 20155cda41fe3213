from django.urls import path

from stories import api, syndication, views

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story_detail, name="story_detail"),
    # Demo articles only: their fictional outlets' pages do not exist on the web.
    path("articles/<int:article_id>/", views.article_reader, name="article_reader"),
    path("blindspot/", views.blindspot, name="blindspot"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("search", views.search_page, name="search"),
    # Readers (and browsers' search-engine entries) type it both ways.
    path("search/", views.search_page, name="search_slash"),
    path("methodology/", views.methodology, name="methodology"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    # Open outputs
    path("feeds/top.rss", syndication.TopStoriesFeed(), name="feed_top_rss"),
    path("feeds/top.atom", syndication.TopStoriesAtomFeed(), name="feed_top_atom"),
    path("feeds/blindspot.rss", syndication.BlindspotFeed(), name="feed_blindspot_rss"),
    path("feeds/blindspot.atom", syndication.BlindspotAtomFeed(), name="feed_blindspot_atom"),
    path("sources/<slug:slug>/feed.rss", syndication.SourceFeed(), name="feed_source_rss"),
    path("sources/<slug:slug>/feed.atom", syndication.SourceAtomFeed(), name="feed_source_atom"),
    path("api/stories/", api.story_list, name="api_story_list"),
    path("api/stories/<slug:slug>/", api.story_detail, name="api_story_detail"),
    path("api/sources/", api.source_list, name="api_source_list"),
    path("api/sources/<slug:slug>/", api.source_detail, name="api_source_detail"),
]
urlpatterns += [
    path("topics/<slug:slug>/feed.rss", syndication.TopicFeed(), name="feed_topic_rss"),
    path("topics/<slug:slug>/feed.atom", syndication.TopicAtomFeed(), name="feed_topic_atom"),
    path("api/topics/<slug:slug>/", api.topic_detail, name="api_topic_detail"),
]
urlpatterns += [
    path("editions/<slug:code>/", views.edition_detail, name="edition_detail"),
    path("editions/<slug:code>/feed.rss", syndication.EditionFeed(), name="feed_edition_rss"),
    path("editions/<slug:code>/feed.atom", syndication.EditionAtomFeed(), name="feed_edition_atom"),
]
