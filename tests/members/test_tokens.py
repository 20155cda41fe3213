import pytest

from members.tokens import bearer_token, new_token, token_digest


def test_new_tokens_are_prefixed_and_unique():
    tokens = {new_token() for _ in range(50)}

    assert len(tokens) == 50 and all(t.startswith("nd_") for t in tokens)


def test_the_digest_is_stable_and_hides_the_token():
    token = new_token()

    assert token_digest(token) == token_digest(token)
    assert token not in token_digest(token)


@pytest.mark.parametrize("header", ["Bearer abc", "bearer abc", "  Bearer   abc  "])
def test_a_bearer_header_gives_its_token(header):
    assert bearer_token(header) == "abc"


@pytest.mark.parametrize("header", ["", "Bearer", "Basic abc", "Bearer a b", "Token abc"])
def test_other_headers_give_no_token(header):
    assert bearer_token(header) is None
