from django.contrib.auth import views as auth_views
from django.urls import path

from members import personal, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="home"), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/email/confirm/<str:claim>/", views.email_confirm, name="email_confirm"),
    path(
        "accounts/password/change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/account_password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/tokens/", views.api_token_create, name="api_token_create"),
    path(
        "accounts/tokens/<int:token_id>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("upgrade/", views.upgrade, name="upgrade"),
    path("upgrade/sent/", views.premium_request_sent, name="premium_request_sent"),
    path("go/<int:article_id>/", views.outbound, name="outbound"),
    path("me/history/", views.history, name="reading_history"),
    path("me/history/delete/", views.history_delete, name="reading_history_delete_all"),
    path(
        "me/history/<int:event_id>/delete/",
        views.history_delete,
        name="reading_history_delete",
    ),
    path("me/bias/", views.my_news_bias, name="my_news_bias"),
]

urlpatterns += [
    path("for-you/", personal.for_you, name="for_you"),
    path("me/following/", personal.following, name="following"),
    path("me/saved/", personal.saved, name="saved_stories"),
    path("me/saved/feed.rss", personal.SavedStoriesFeed(), name="feed_saved_rss"),
    path("topics/<slug:slug>/follow/", personal.topic_follow, name="topic_follow"),
    path("sources/<slug:slug>/follow/", personal.source_follow, name="source_follow"),
    path("sources/<slug:slug>/mute/", personal.source_mute, name="source_mute"),
    path("stories/<slug:slug>/save/", personal.story_save, name="story_save"),
    path("editions/", personal.edition_home, name="editions"),
    path("editions/choose/", personal.edition_choose, name="edition_choose"),
]
