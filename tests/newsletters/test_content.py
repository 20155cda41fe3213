"""What an issue picks: the day's top stories, the week's blindspots per side, and each
member's stories from what they follow."""

from datetime import UTC, date, datetime, timedelta

from newsletters.content import (
    DAILY_STORIES,
    FOLLOWING_STORIES,
    FollowCandidate,
    FollowingPool,
    IssueContent,
    MemberFollows,
    StoryItem,
    StoryLinks,
    blindspot_report,
    daily_briefing,
)
from newsletters.templatetags.newsletter_tags import bar_text

NOW = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)
TODAY = date(2026, 12, 4)


def item(slug, *, sources=5, hours_ago=1.0, blindspot="", reason="", **fields) -> StoryItem:
    return StoryItem(
        slug=slug,
        headline=f"Headline {slug}",
        bullets=("One.", "Two."),
        source_count=sources,
        origin_count=sources - 1,
        left_count=fields.get("left", 2),
        center_count=fields.get("center", 2),
        right_count=fields.get("right", 1),
        unrated_count=0,
        last_updated_at=NOW - timedelta(hours=hours_ago),
        blindspot=blindspot,
        blindspot_reason=reason,
        factuality={"high": 3},
    )


def test_the_briefing_leaves_out_stories_not_updated_in_the_last_day():
    content = daily_briefing([item("old", hours_ago=30), item("new")], edition_date=TODAY, now=NOW)
    assert [story.slug for story in content.stories] == ["new"]


def test_the_briefing_puts_wider_coverage_first_at_equal_age():
    stories = [item("narrow", sources=3), item("wide", sources=20)]
    content = daily_briefing(stories, edition_date=TODAY, now=NOW)
    assert [story.slug for story in content.stories] == ["wide", "narrow"]


def test_the_briefing_holds_a_breakfast_sized_number_of_stories():
    stories = [item(f"s{n}") for n in range(DAILY_STORIES + 5)]
    assert len(daily_briefing(stories, edition_date=TODAY, now=NOW).stories) == DAILY_STORIES


def test_the_blindspot_report_sorts_each_sides_blindspots_under_it():
    stories = [
        item("l", blindspot="left", reason="1 of 9 rated sources lean left"),
        item("r", blindspot="right"),
        item("none"),
        item("old-left", blindspot="left", hours_ago=24 * 8),
    ]
    content = blindspot_report(stories, edition_date=TODAY, now=NOW)
    assert [s.slug for s in content.left_blindspots] == ["l"]
    assert [s.slug for s in content.right_blindspots] == ["r"]
    assert content.left_blindspots[0].blindspot_reason == "1 of 9 rated sources lean left"


def test_the_bar_in_mail_leaves_out_sides_with_no_source():
    story = item("x", left=0, center=3, right=1)
    assert [(s.side, s.share) for s in story.segments] == [("center", 75), ("right", 25)]


def test_the_bar_in_words_names_a_side_with_no_source_too():
    assert bar_text(item("x", left=3, center=1, right=0)) == "Left 75% | Center 25% | Right 0%"


def test_an_issue_survives_its_trip_through_json():
    content = daily_briefing([item("a"), item("b")], edition_date=TODAY, now=NOW)
    assert IssueContent.from_dict(content.as_dict()) == content


def test_the_subject_names_the_day_and_the_top_story():
    content = daily_briefing([item("a")], edition_date=TODAY, now=NOW)
    assert content.subject == "Daily briefing, Friday 4 December 2026: Headline a"


def test_premium_readers_get_the_sources_per_factuality_level_highest_first():
    story = StoryItem.from_dict({**item("x").as_dict(), "factuality": {"mixed": 1, "high": 3}})
    assert story.factuality_breakdown == "3 High, 1 Mixed"


def candidate(slug, *, topics=(), sources=(1,)) -> FollowCandidate:
    return FollowCandidate(story=item(slug), links=StoryLinks(topic_ids=topics, source_ids=sources))


def test_the_briefings_other_stories_of_the_day_are_the_pool_in_rank_order():
    stories = [item(f"s{n}", sources=30 - n) for n in range(DAILY_STORIES + 2)]
    links = {"s9": StoryLinks(topic_ids=(7,), source_ids=(3,))}

    content = daily_briefing(stories, edition_date=TODAY, now=NOW, links=links)

    assert [c.story.slug for c in content.following_pool] == ["s8", "s9"]
    assert content.following_pool[1].links == StoryLinks(topic_ids=(7,), source_ids=(3,))
    assert IssueContent.from_dict(content.as_dict()) == content


def test_a_member_gets_the_pools_stories_of_what_they_follow_in_its_order():
    pool = FollowingPool(
        [candidate("a", topics=(1,)), candidate("b"), candidate("c", sources=(5, 6))]
    )
    follows = MemberFollows(topics={1: "Peru"}, sources={6: "Andes Daily"})

    picked = pool.pick(follows)

    assert [(p.story.slug, p.because_text) for p in picked] == [
        ("a", "Peru"),
        ("c", "Andes Daily"),
    ]


def test_a_story_brought_in_twice_shows_once_naming_both():
    pool = FollowingPool([candidate("a", topics=(1,), sources=(6,))])
    follows = MemberFollows(topics={1: "Peru"}, sources={6: "Andes Daily"})
    assert [p.because for p in pool.pick(follows)] == [("Peru", "Andes Daily")]


def test_the_section_holds_a_few_stories_at_most():
    pool = FollowingPool([candidate(f"s{n}", topics=(1,)) for n in range(20)])
    assert len(pool.pick(MemberFollows(topics={1: "Peru"}))) == FOLLOWING_STORIES


def test_a_story_only_muted_outlets_cover_is_left_out_of_the_section():
    pool = FollowingPool(
        [
            candidate("muted-only", topics=(1,), sources=(9,)),
            candidate("both", topics=(1,), sources=(9, 4)),
        ]
    )
    follows = MemberFollows(topics={1: "Peru"}, muted=frozenset({9}))
    assert [p.story.slug for p in pool.pick(follows)] == ["both"]


def test_a_followed_outlet_the_member_also_muted_brings_nothing_in():
    pool = FollowingPool([candidate("a", sources=(9, 4))])
    follows = MemberFollows(sources={9: "Loud Wire"}, muted=frozenset({9}))
    assert pool.pick(follows) == ()
