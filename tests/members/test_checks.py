import pytest

from members.checks import check_limits, check_token_middleware_order, check_trusted_proxy_count

AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
READER_AUTH = "members.middleware.ReaderAuthenticationMiddleware"
TOKEN = "members.middleware.ApiTokenMiddleware"


def test_the_token_middleware_before_authentication_is_an_error(settings):
    settings.MIDDLEWARE = [TOKEN, AUTH]

    assert [e.id for e in check_token_middleware_order()] == ["members.E002"]


def test_the_token_middleware_after_authentication_is_fine(settings):
    settings.MIDDLEWARE = [AUTH, TOKEN]

    assert check_token_middleware_order() == []


def test_the_token_middleware_before_the_cached_reader_authentication_is_an_error(settings):
    settings.MIDDLEWARE = [TOKEN, READER_AUTH]

    assert [e.id for e in check_token_middleware_order()] == ["members.E002"]


def test_the_token_middleware_after_the_cached_reader_authentication_is_fine(settings):
    settings.MIDDLEWARE = [READER_AUTH, TOKEN]

    assert check_token_middleware_order() == []


@pytest.mark.parametrize("count", [-1, "1", 1.5, True])
def test_a_trusted_proxy_count_that_is_not_a_whole_number_from_zero_is_an_error(settings, count):
    settings.NEWSDESK_TRUSTED_PROXY_COUNT = count

    assert [e.id for e in check_trusted_proxy_count()] == ["members.E003"]


@pytest.mark.parametrize("count", [0, 2])
def test_a_trusted_proxy_count_of_zero_or_more_is_fine(settings, count):
    settings.NEWSDESK_TRUSTED_PROXY_COUNT = count

    assert check_trusted_proxy_count() == []


def test_a_sign_in_limit_of_zero_is_an_error(settings):
    settings.MEMBERS_LOGIN_FAILURES_PER_IP = 0

    assert [e.id for e in check_limits()] == ["members.E004"]


def test_the_declared_limits_pass():
    assert check_limits() == []
