"""Sentences of news text, and whether one can stand alone as a summary bullet.

Pure module. Splitting is pysbd's (rule-based sentence boundary detection: "U.S.", "Oct. 7",
"Mr." and quotations are handled), after paragraphs are split on line breaks. The rest decides
what a reader would reject as a bullet: datelines and agency tags are stripped from the lead
("DUBAI, Feb 17 (Reuters) - "), and a sentence is refused with a reason when it is a question,
a teaser, a byline, a photo caption, a promotion or other boilerplate, a fragment, starts with a
pronoun or conjunction whose referent is in the sentence before, speaks in the first person or
to the reader, or is cut short. A sentence too long for a bullet gives its main clause when
what it adds after a comma only trails it (``main_clause``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pysbd
import regex
from pysbd.utils import TextSpan

from stories.text import STOP_WORDS, normalise

MIN_SENTENCE_CHARS = 40
MIN_SENTENCE_WORDS = 6
# Longer sentences make unreadable bullets (the story page shows up to five of them).
MAX_SENTENCE_CHARS = 240
# pysbd's cost grows with paragraph length; real paragraphs are under 2 KB, and a paragraph
# longer than this is a page without line breaks, whose tail is not the news anyway.
MAX_PARAGRAPH_CHARS = 6000


def _spans(text: str, sentence: str) -> Iterator[tuple[int, int]]:
    r"""Where ``sentence`` and the white space after it occur in ``text``, left to right and
    without overlap: what ``re.finditer(re.escape(sentence) + r"\s*", text)`` finds."""
    if not sentence:
        yield from (match.span() for match in re.finditer(r"\s*", text))
        return
    start = text.find(sentence)
    while start != -1:
        end = start + len(sentence)
        while end < len(text) and text[end].isspace():
            end += 1
        yield start, end
        start = text.find(sentence, end)


class _Segmenter(pysbd.Segmenter):
    r"""pysbd's segmenter, finding its sentences back in the paragraph by plain search.

    pysbd locates each sentence it returns in the original text with a regular expression
    made of that sentence, compiled anew every time: a third of the time splitting took.
    ``_spans`` finds the same spans (``str.isspace`` is the ``\s`` of a ``str`` pattern), so
    the sentences are the same.
    """

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        spans = []
        prior_end = 0
        for sentence in sentences:
            for start, end in _spans(self.original_text, sentence):
                if end > prior_end:
                    spans.append(TextSpan(self.original_text[start:end], start, end))
                    prior_end = end
                    break
        return spans


_SEGMENTER = _Segmenter(language="en", clean=False)

# Wire datelines anywhere near the start: "DUBAI, Feb 17 (Reuters) - ", glued to a byline as
# in "By Laila Bassam and Tala RamadanDUBAI, Feb 17 (Reuters) - ", or a bare "(AP) — ".
_AGENCY_DATELINE = re.compile(
    r"(?:[A-Z][A-Z.'/-]+(?: [A-Z][A-Z.'/-]+)*,?(?: [A-Z][a-z]{2,9}\.?,? \d{1,2},?)? )?"
    r"\((?:Reuters|AP|AFP|Bloomberg|dpa|UPI|Xinhua|IANS|PTI|ANI|CNN|AAP|Yonhap|Kyodo|EFE)\)"
    r"\s*[-:]\s*"
)
# Datelines without an agency: "PORT HALLORAN, Kestrel Islands - ", "NEW DELHI: ".
_PLAIN_DATELINE = re.compile(
    r"^[A-Z][A-Z.'-]{2,}(?:[ /][A-Z][A-Z.'-]+)*(?:, [A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})?"
    r"(?: \([A-Za-z. ]{2,15}\))?\s*(?: - |: )"
)
# An aggregator's tag naming the outlet whose report it carries, then that outlet's dateline:
# "[Capital FM] Nairobi -- ", "[Premium Times] " (AllAfrica's feed opens every entry so). The
# news must start right after it: "[The company] will appeal" is an editor's bracket, not a tag.
_OUTLET_TAG = re.compile(
    r"^\[[^\]\n]{2,60}\]\s*(?:[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3} --? )?(?=[\"'A-Z0-9])"
)
# A byline line: "By Laila Bassam and Tala Ramadan", "By Matt Spetalnick, Olivia Le Poidevin".
_BYLINE = re.compile(r"^By [A-Z][\w.'-]*(?:[ ,]+(?:and )?[A-Z][\w.'-]*)*\s*[,|]?")
# "p.m." and month abbreviations end a sentence for pysbd when a capitalised word follows
# ("around 9 p.m. Monday as evacuation orders spread …"): those pieces are glued back.
_CONTINUES_AFTER = re.compile(
    r"(?:\b[ap]\.m\.|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)\s*$", re.I
)
_CONTINUATION_START = re.compile(
    r"^(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|local\b|[a-z0-9])"
)

# No sentence ends on these: "Israel says 91 hostages abducted on Oct." was cut mid-date.
_ABBREVIATION_END = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Gov|Sen|Rep|Lt|"
    r"Col|Capt|Sgt|St|No|vs|Prof|Rev|Hon)\.$"
)
_DAYS_AND_MONTHS = (
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    "May|June|July|August|September|October|November|December"
)
# Words that cannot open a sentence that stands alone: a conjunction or adverb tying it to the
# sentence before, or a pronoun whose referent is there.
DANGLING_OPENERS = frozenset(
    [
        "and",
        "but",
        "or",
        "nor",
        "so",
        "yet",
        "because",
        "although",
        "though",
        "whereas",
        "which",
        "whom",
        "whose",
        "also",
        "plus",
        "then",
        "still",
        "however",
        "meanwhile",
        "instead",
        "otherwise",
        "moreover",
        "furthermore",
        "nevertheless",
        "nonetheless",
        "besides",
        "hence",
        "thus",
        "therefore",
        "likewise",
        "similarly",
        "additionally",
        "accordingly",
        "consequently",
        "he",
        "she",
        "it",
        "they",
        "this",
        "these",
        "those",
        "that",
        "his",
        "her",
        "its",
        "their",
        "him",
        "them",
        "such",
        "there",
    ]
)
# A weekday or month followed by a conjunction or preposition: the tail of a sentence cut at
# an abbreviation ("Monday as evacuation orders spread …").
_TAIL_FRAGMENT = re.compile(
    rf"^(?:{_DAYS_AND_MONTHS})\s+(?:as|after|when|while|and|but|in|at|to|following|before|"
    r"amid|with|from|for|by|on|night|morning|afternoon|evening)\b"
)
_TEASERS = re.compile(
    r"^(?:an? (?:ongoing |running |full |complete |brief )?(?:record|list|guide|timeline|"
    r"roundup|collection|overview|archive|selection) of |"
    r"a (?:look|peek|glimpse)(?: back)? (?:at|inside)|here(?:'s| is| are) |what (?:we know|to "
    r"know|you need)|everything (?:you|we)|find out|learn (?:how|why|what)|discover |see (?:how|"
    r"why|what)|watch |listen |meet the |inside the |the latest |catch up|take a look|get the "
    r"latest|in this (?:episode|edition|newsletter|week)|this week(?:'s)? (?:on|in)|our (?:guide|"
    r"pick)|the week in|in pictures|in photos|explained\b|opinion\b|analysis\b|editorial\b)",
    re.I,
)
_BOILERPLATE = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        r"\bappeared first on\b",
        r"\bsign(?:ing)? up\b",
        r"\bsubscri(?:be|ption)\b",
        r"\bnewsletter",
        r"\b(?:click|tap) here\b",
        r"\bread (?:more|the full)\b|\bcontinue reading\b|\bkeep reading\b",
        r"\bfollow (?:us|me)\b|\bnotify me\b",
        r"\ball rights reserved\b|\bcopyright\b|\(c\)|©",
        r"\b(?:getty images|shutterstock|associated press photo|ap photo|afp photo|reuters/)",
        r"^\s*(?:updated|published|posted)\b.{0,40}\d",
        r"\bcookies? (?:policy|settings)\b|\bwe use cookies\b",
        r"\badvertisement\b|\badvertise with us\b|\bsponsored\b|\bpartner content\b",
        r"\bterms of (?:use|service)\b|\bprivacy policy\b",
        r"\b(?:share|tweet) (?:this|on)\b",
        r"\bemail us\b|@\w+\.\w+|https?://|www\.",
        r"\bthis (?:article|story) (?:was|has been|is being) (?:updated|amended|corrected|"
        r"developing)|\bthis is a developing story\b|\bthis story (?:first|originally)\b",
        r"\bwatch:|\blisten:|\bread:|\bsee also:|\brelated:",
        r"\byour browser\b|\bbrowser version\b|\benable javascript\b|\biframe\b",
        r"\bjoin (?:thousands|millions|our)\b|\bpersonal data\b|\bthis field\b",
        r"\boriginally (?:appeared|published) (?:on|in)\b|\bleave a comment\b",
        r"\bcomments? (?:section|below|are closed)\b",
        r"\bdownload (?:the|our) app\b|\bsupport (?:our|independent) journalism\b|\bdonate\b",
        r"\bpodcast\b|\blive updates?\b|\blive blog\b|\bfollow (?:live|our live)\b",
        r"\b(?:editor|editors)'s note\b|\bcorrection:",
    )
)
# Photo captions: "(AP Photo/…)", "pictured", "in this file photo", "poses for a photo".
_CAPTION = re.compile(
    r"\((?:AP|AFP|Reuters|Getty|EPA)[^)]*(?:photo|images?)[^)]*\)|\bphoto(?:graph)?(?:ed)? by\b|"
    r"\bpictured\b|\bin this (?:file )?(?:photo|picture|image|handout|still)\b|\bfile photo\b|"
    r"\b(?:photo|image|picture)s?(?: credit)?\s*:|\bposes for (?:a )?(?:photo|picture)|"
    r"\b(?:gestures|looks on|waves) (?:as|during|while|at)\b",
    re.I,
)
# First person and the reader addressed, outside quotations: a writer's view, not a report.
_FIRST_PERSON = re.compile(
    r"\bI(?:'m|'ve|'d|'ll)?\b|(?i:\b(?:me|my|mine|we|we're|we've|we'll|our|ours|ourselves)\b)"
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you'll|yours)\b", re.I)
# Words that mark a judgement rather than a report, when nobody is quoted as saying it.
_OPINION_MARKERS = re.compile(
    r"\b(?:should|ought to|must|shameful|disgrace(?:ful)?|outrageous|absurd|ridiculous|"
    r"frenzy|fiasco|betrayal|obviously|clearly|of course|needless to say|arguably|"
    r"it is time|it's time|congratulations|kudos|bravo|thankfully|sadly|as far as it goes)\b",
    re.I,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|according to|warned|warns|argued|argues|added|stated|"
    r"announced|claimed|claims|believes|wrote|writes)\b",
    re.I,
)
_QUOTED = re.compile(r'"[^"]*"')
_WORD_CHARACTER = re.compile(r"\w")
# A single quoted word is a writer's distance from it ('says the water is "safe."'), not a
# quotation: scare quotes.
_SCARE_QUOTES = re.compile(r'"[\w-]+[.,!]?"')
# A whole clause has a verb; without a tagger, these forms are the evidence looked for in a
# sentence that lacks a final full stop (The Week's and The Economist's one-line standfirsts).
_VERB_HINT = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|can|could|may|might|shall|"
    r"should|must|does|did|do|says|said)\b|\b[a-z]{3,}(?:ed|es|s)\b"
)


@lru_cache(maxsize=8192)
def _segment(paragraph: str) -> tuple[str, ...]:
    # Cached: a story is re-summarised every time an article joins it, over the same texts.
    pieces: list[str] = []
    for piece in _SEGMENTER.segment(paragraph[:MAX_PARAGRAPH_CHARS]):
        piece = piece.strip()
        if not piece:
            continue
        if pieces and _CONTINUES_AFTER.search(pieces[-1]) and _CONTINUATION_START.match(piece):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return tuple(pieces)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order; a line break always ends a sentence."""
    sentences: list[str] = []
    for paragraph in text.splitlines():
        paragraph = normalise(paragraph)
        if paragraph:
            sentences.extend(_segment(paragraph))
    return sentences


def strip_lead(sentence: str) -> str:
    """The sentence without a leading byline, dateline or agency tag.

    "By Laila Bassam and Tala RamadanDUBAI, Feb 17 (Reuters) - Armed group Hezbollah …",
    "PORT HALLORAN, Kestrel Islands - A magnitude 6.8 …" and "[Capital FM] Nairobi -- Aviation
    workers …" all start at the news.
    """
    sentence = _OUTLET_TAG.sub("", sentence, count=1)
    match = _AGENCY_DATELINE.search(sentence[:200])
    sentence = sentence[match.end() :] if match else _PLAIN_DATELINE.sub("", sentence, count=1)
    return sentence.strip()


# A pronoun subject after an opening phrase with no name in it: "Despite hosting a global
# summit, it is a bystander …" — who "it" is was said in the sentence before.
_LATE_PRONOUN_SUBJECT = re.compile(r"^[^,]{0,80}, (?:he|she|it|they|this)\b")


# A pronoun object or "doing so" whose referent is in the sentence before: "… fined it $95
# million for doing so", "Inspector General Marguerite Lindahl found this out." Verbs of saying
# and thinking are left out: in "Iran says it closed the strait", "it" is Iran.
_ANAPHORA = re.compile(
    r"\b(?!(?:says|said|told|thinks|thought|believes|believed|argued|argues|warned|warns|added|"
    r"claimed|claims|announced|hopes|hoped|expects|expected|insists|insisted|denied|denies|"
    r"stated|admitted|admits|made|makes|called|calls)\b)(?:[a-z]{3,}(?:ed|s)|found|took|gave|put|"
    r"set|hit|cut|left|kept|held|brought|sent|sold|bought|won|lost|beat|caught|saw|knew|got)"
    r"\s+(?:it|them)\b(?!\s+(?:is|was|would|will|to|that|has|had|were|are)\b)|"
    r"\b(?:this|these|those)(?=\s*[.,;]|\s+(?:out|up|down|over|off|away|back)\b)|"
    r"\b(?:doing|did|do) so\b|\bsays? (?:no|yes)\b"
)
# An opening phrase pointing at what the sentence before said: "With these words, Luciana
# Duvall announced …", "Under this plan, …". "This week", "that day" point at time instead.
_BACK_REFERENCE_OPENING = re.compile(
    r"^(?:With|In|At|After|Under|By|For|From|Despite|Following|Given|Against|On|Through|Amid|"
    r"Before|Since|Beyond|Like|Unlike)\s+(?:these|those|this|that|such)\s+"
    r"(?!(?:week|weekend|year|month|morning|afternoon|evening|night|day|season|time|summer|"
    r"winter|spring|autumn|fall)\b)[^,]{1,40},"
)
# A person's pronoun before any name in the sentence: "On Saturday her tactical switch …".
_PERSONAL_PRONOUN = re.compile(r"\b(?:he|she|his|her|him)\b")
_NAME = regex.compile(rf"\b(?!(?:{_DAYS_AND_MONTHS})\b)\p{{Lu}}\p{{Ll}}+")


def _pronoun_without_referent(sentence: str) -> bool:
    own_words = without_quotations(sentence)
    if _BACK_REFERENCE_OPENING.match(sentence) or _ANAPHORA.search(own_words):
        return True
    pronoun = _PERSONAL_PRONOUN.search(own_words)
    if pronoun:
        names = [
            match.group(0)
            for match in _NAME.finditer(own_words[: pronoun.start()])
            if match.start() or match.group(0).lower() not in STOP_WORDS
        ]
        if not names:
            return True
    match = _LATE_PRONOUN_SUBJECT.match(sentence)
    if match is None:
        return False
    opening = match.group(0).split()[1:-1]
    return not any(word[:1].isupper() for word in opening)


def without_quotations(sentence: str) -> str:
    """The sentence with its double-quoted passages removed (what the writer says)."""
    return _QUOTED.sub(" ", sentence)


def is_boilerplate(sentence: str) -> bool:
    return any(pattern.search(sentence) for pattern in _BOILERPLATE)


def looks_like_clause(sentence: str) -> bool:
    """True when an unpunctuated line reads as a whole sentence, not a title or label."""
    tokens = sentence.split()
    if len(tokens) < MIN_SENTENCE_WORDS:
        return False
    capitalised = sum(1 for token in tokens[1:] if token[:1].isupper())
    if capitalised > 0.6 * (len(tokens) - 1):  # Title Case: a headline, not a sentence
        return False
    return bool(_VERB_HINT.search(" ".join(tokens[1:])))


def bullet_defect(sentence: str, *, unpunctuated_ok: bool = False) -> str | None:
    """Why ``sentence`` (already lead-stripped) cannot be a bullet, or None when it can.

    ``unpunctuated_ok``: the sentence is a whole text of its own (a one-line description), so
    a missing full stop does not make it a fragment when it reads as a clause.
    """
    words = sentence.split()
    if len(sentence) < MIN_SENTENCE_CHARS or len(words) < MIN_SENTENCE_WORDS:
        return "too short"
    if len(sentence) > MAX_SENTENCE_CHARS:
        return "too long"
    if "?" in sentence:
        return "question"
    if sentence.endswith(("...", "\u2026")):
        return "cut short"
    if _ABBREVIATION_END.search(sentence):
        return "cut at an abbreviation"
    if sentence.count('"') % 2:
        return "broken quotation"
    ending = sentence.rstrip("\"')]")
    if not ending.endswith("."):
        if ending.endswith("!"):
            return "exclamation"
        if not (unpunctuated_ok and ending[-1:].isalnum() and looks_like_clause(sentence)):
            return "not a whole sentence"
    first = words[0].strip("\"'(").lower()
    if not sentence[0].isupper() and not (sentence[0] in "\"'" and sentence[1:2].isupper()):
        return "fragment"
    if first in DANGLING_OPENERS or _pronoun_without_referent(sentence):
        return "needs the sentence before"
    if _TAIL_FRAGMENT.match(sentence):
        return "fragment"
    if _BYLINE.fullmatch(sentence.rstrip(".")):
        return "byline"
    if _TEASERS.match(sentence):
        return "teaser"
    if is_boilerplate(sentence):
        return "boilerplate"
    if _CAPTION.search(sentence):
        return "photo caption"
    own_words = without_quotations(sentence)
    if not _WORD_CHARACTER.search(own_words):
        # Someone's words with no one saying them ("\"Nobody can find a place to live.\""):
        # the reader cannot tell whose they are, and they read as ours.
        return "unattributed quotation"
    if _FIRST_PERSON.search(own_words):
        return "first person"
    if _SECOND_PERSON.search(own_words):
        return "addresses the reader"
    if _OPINION_MARKERS.search(own_words) and not _ATTRIBUTION.search(sentence):
        return "opinion"
    if _SCARE_QUOTES.search(sentence):
        return "opinion"
    return None


def as_bullet(sentence: str) -> str:
    """A usable sentence as shown: a full stop added to an unpunctuated whole sentence."""
    return sentence if sentence.rstrip("\"')]").endswith((".", "!")) else f"{sentence}."


def usable_sentences(text: str) -> list[tuple[str, str]]:
    """(sentence as read, sentence as a bullet) for every sentence of ``text`` that can stand
    alone as a bullet, in order, leads stripped of datelines and bylines."""
    return list(_usable_sentences(text))


@lru_cache(maxsize=8192)
def _usable_sentences(text: str) -> tuple[tuple[str, str], ...]:
    # Cached like _segment: every refresh of a story reads each of its texts again, and the
    # checks below cost more than the segmentation (a 500-article story: seconds per refresh).
    # A text of one paragraph is a description: its last sentence may lack a full stop.
    single_paragraph = "\n" not in text.strip()
    sentences = split_sentences(text)
    usable = []
    for index, raw in enumerate(sentences):
        sentence = strip_lead(raw)
        last = index == len(sentences) - 1
        if bullet_defect(sentence, unpunctuated_ok=single_paragraph and last) is None:
            usable.append((sentence, as_bullet(sentence)))
        elif (rest := without_back_reference(sentence)) and bullet_defect(rest) is None:
            usable.append((sentence, as_bullet(rest)))
        elif (head := main_clause(sentence)) and bullet_defect(head) is None:
            usable.append((sentence, head))
    return tuple(usable)


# Where a trailing free modifier starts: a participle phrase (", saying it would not accept
# …"), a non-restrictive relative clause (", which had reduced …", ", where the allies …") or
# an adverbial clause (", after the leaders traded warnings"). What follows adds circumstances
# to a main clause that already states the news. Not a participle that starts a list item
# ("food, clothing and shelter"), nor "including", which mostly opens an aside inside the
# sentence ("80 artists, including Tilda Swinton, signed …"), nor "according to": that is who
# says so, and without it the claim would be ours. "When" and "if" clauses are left alone:
# they limit what the main clause claims ("grew 2%, when adjusted for inflation").
_TRAILING_MODIFIER = re.compile(
    r", (?=(?:(?!(?:according|including)\b)[a-z]{3,}ing\b(?! (?:and|or|nor)\b)(?!,)|which|who|"
    r"whose|where|after|amid|while|despite|as(?! well\b))\b)"
)
# A comma then a verb: the sentence goes back to its main clause after an aside ("The minister,
# who resigned last week, said …"), so what came before that comma did not trail.
_BACK_TO_MAIN_CLAUSE = re.compile(
    r", (?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|do|does|"
    r"did|said|[a-z]{3,}(?:ed|s))\b"
)
# Who says so, at the end of the sentence (", PG&E officials said."): cut off with the modifier
# before it, the claim would be ours.
_ATTRIBUTION_AT_END = re.compile(r"\b(?:said|says|told|according to|reported)\b[^,]*$")
# An opening phrase that the main clause follows after a comma ("Out of 17 observations by the
# Keck Observatory, which …, the scientists found …"): without that comma in what is kept, the
# main clause was never reached.
_OPENING_PHRASE = re.compile(
    r"^(?:In|On|At|After|Before|While|Whilst|Out|During|With|Without|Although|Though|When|"
    r"Because|If|As|Since|Despite|Amid|Following|Under|For|From|Among|Across|By|Unlike|Like|"
    r"Once|Until|Unless|Whether|Having|Touching)\b"
)


def main_clause(sentence: str) -> str:
    """A sentence too long for a bullet, cut before its trailing modifiers, with a full stop
    ("" when it has none that trails it, outside quotations and brackets, and leaves a clause
    short enough).

    Wire leads run to 250-330 characters by adding a clause after the news ("Hezbollah rejected
    the government's decision …, saying it would not accept …"); the main clause alone is true
    and reads as a sentence. The first modifier is where the main clause ends: what comes after
    it belongs to the modifiers.
    """
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return ""
    for match in _TRAILING_MODIFIER.finditer(sentence):
        head = sentence[: match.start()].rstrip(" -")
        if head.count('"') % 2 or head.count("(") != head.count(")"):
            continue  # the comma is inside a quotation or brackets
        if _BACK_TO_MAIN_CLAUSE.search(sentence, match.end()):
            continue  # an aside inside the sentence, not a modifier after it
        if _ATTRIBUTION_AT_END.search(sentence, match.end()) or len(head) >= MAX_SENTENCE_CHARS:
            return ""
        main = head
        if _OPENING_PHRASE.match(head):
            if ", " not in head:
                return ""  # the opening phrase never reached its main clause
            main = head.split(", ", 1)[1]
        return f"{head}." if looks_like_clause(main) else ""
    return ""


def without_back_reference(sentence: str) -> str:
    """The sentence without an opening phrase that points at the sentence before, when it has
    one: "With these words, Luciana Duvall announced …" -> "Luciana Duvall announced …". The
    rest says the same thing on its own; "" when there is no such phrase."""
    match = _BACK_REFERENCE_OPENING.match(sentence)
    if match is None:
        return ""
    rest = sentence[match.end() :].lstrip()
    return rest[:1].upper() + rest[1:]


def lead_sentence(text: str) -> str:
    """The first sentence of ``text`` that stands alone ("" if none does)."""
    usable = usable_sentences(text[:3000])
    return usable[0][1] if usable else ""
