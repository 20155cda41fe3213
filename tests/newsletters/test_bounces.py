"""What a refusal by the SMTP server means for the address."""

from newsletters.bounces import COMPLAINT, HARD, SOFT, classify, suspends


def test_an_unknown_mailbox_is_a_hard_bounce_that_stops_mail():
    assert classify(550, "5.1.1 <x@example.org>: Recipient address rejected: User unknown") == HARD
    assert suspends(HARD)


def test_a_full_mailbox_is_a_soft_bounce_that_does_not():
    assert classify(452, "4.2.2 Mailbox full") == SOFT
    assert not suspends(SOFT)


def test_a_policy_refusal_is_a_complaint():
    assert classify(550, "5.7.1 Message refused by recipient policy") == COMPLAINT


def test_a_refusal_calling_the_mail_spam_is_a_complaint():
    assert classify(554, "Rejected: the recipient reported this sender as spam") == COMPLAINT
    assert suspends(COMPLAINT)
