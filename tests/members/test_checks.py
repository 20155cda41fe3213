from members.checks import check_token_middleware_order

AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
TOKEN = "members.middleware.ApiTokenMiddleware"


def test_the_token_middleware_before_authentication_is_an_error(settings):
    settings.MIDDLEWARE = [TOKEN, AUTH]

    assert [e.id for e in check_token_middleware_order()] == ["members.E002"]


def test_the_token_middleware_after_authentication_is_fine(settings):
    settings.MIDDLEWARE = [AUTH, TOKEN]

    assert check_token_middleware_order() == []
