"""``manage.py first_run --demo`` as a newcomer runs it: the accounts it prints, and the demo
premium reader's reading history."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from members.access import user_has_premium


@pytest.mark.django_db(transaction=True)
def test_the_embedded_first_run_prints_an_admin_and_two_demo_readers(tmp_path):
    output = StringIO()
    with override_settings(EMBEDDED=True, VAR_DIR=tmp_path, DEMO_MODE_MARKER=tmp_path / "demo"):
        call_command("first_run", "--demo", stdout=output)

    users = get_user_model().objects
    printed = output.getvalue()
    assert users.get(username="admin").is_superuser
    assert user_has_premium(users.get(username="premium-reader"))
    assert not user_has_premium(users.get(username="free-reader"))
    for name in ("admin", "premium-reader", "free-reader"):
        password = (tmp_path / f"{name}_password").read_text()
        assert f"user: {name}  password: {password}" in printed
        assert users.get(username=name).check_password(password)


@pytest.mark.django_db(transaction=True)
def test_the_demo_premium_reader_opens_my_news_bias_on_a_reading_history(client, tmp_path):
    """Readers found the demo premium reader's "My News Bias" empty, so it showed nothing."""
    with override_settings(EMBEDDED=True, VAR_DIR=tmp_path, DEMO_MODE_MARKER=tmp_path / "demo"):
        call_command("first_run", "--demo", stdout=StringIO())
        password = (tmp_path / "premium-reader_password").read_text()
        assert client.login(username="premium-reader", password=password)
        page = client.get("/me/bias/?days=7").text

    opened = re.search(r"you opened (\d+) articles? from (\d+) outlets?", page)
    assert opened, page[:2000]
    assert int(opened.group(1)) >= 10 and int(opened.group(2)) >= 5
    # A reader who leans one way: the left share is the largest.
    shares = dict(
        re.findall(
            r'side-(left|center|right)"><th scope="row">[^<]+</th><td>\d+</td><td>(\d+)%', page
        )
    )
    assert int(shares["left"]) > int(shares["center"]) > int(shares["right"]) > 0
