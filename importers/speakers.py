"""Speaker labels: which labelling convention a transcript uses, and who is speaking.

Each convention is a regular expression matched at the start of a paragraph, with a
``name`` group and optionally a ``time`` group. The convention used by a file is the one
that labels the most paragraphs; users can add their own patterns (same groups).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.errors import CharterError

# A name: up to five words starting with a letter, optionally followed by a qualifier in
# brackets ("Participant 2 (male, 40s)", "Dr Smith [GP]").
_NAME = (r"(?P<name>[^\W\d_][\w.'’\-]*(?:[ \t]+[\w.'’\-]+){0,4}?"
         r"(?:[ \t]*[(\[][^()\[\]\n:]{1,30}[)\]])?)")
_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)"
# A colon (or the full-width colon of CJK text) not followed by "//" (a URL) or a digit
# (a time such as "At 10:30").
_COLON = r"[ \t]*[:：](?!//|\d)[ \t]*"


@dataclass(frozen=True)
class Convention:
    name: str
    pattern: re.Pattern[str]
    label_only_line: bool = False  # the label stands alone; the words follow on the next line
    needs_colon: bool = True  # every built-in label has a colon (after a name or in a time)


def _convention(name: str, regex: str, label_only_line: bool = False) -> Convention:
    return Convention(name, re.compile(regex), label_only_line)


BUILT_IN_CONVENTIONS = [
    _convention("timestamp-name-colon", rf"^[\[(]{_TIME}[\])]\s*{_NAME}{_COLON}"),
    _convention("name-timestamp", rf"^{_NAME}\s*[\[(]{_TIME}[\])]\s*[:：]?\s*"),
    _convention("timestamp-name-line", rf"^{_TIME}\s+{_NAME}\s*$", label_only_line=True),
    _convention("name-timestamp-line", rf"^{_NAME}\s+{_TIME}\s*$", label_only_line=True),
    _convention("name-colon", rf"^{_NAME}{_COLON}"),
]

_QUALIFIER = r"(?:\s*(?:\d+|[a-z]|[(\[][^)\]]*[)\]]))?"
INTERVIEWER_LABEL = re.compile(
    rf"^(?:interviewer|int|i|q|moderator|mod|facilitator|researcher|chair)\.?{_QUALIFIER}$",
    re.IGNORECASE,
)
GENERIC_LABEL = re.compile(
    rf"^(?:r|a|resp|respondent|interviewee|participant|speaker|unknown(?: speaker)?|voice|"
    rf"p|m|f|male|female|man|woman|resident|officer)\.?{_QUALIFIER}$",
    re.IGNORECASE,
)
# Words that look like "Label:" at the start of a paragraph but name no speaker.
NOT_SPEAKERS = {
    "note", "notes", "date", "time", "location", "venue", "place", "duration", "length",
    "transcript", "transcription", "interview", "site", "project", "study", "title",
    "subject", "re", "tel", "email", "e-mail", "example", "e.g", "eg", "ie", "i.e",
    "key", "question", "answer", "summary", "topic", "theme", "section", "part", "page",
    "recording", "file", "audio", "present", "attendees", "in attendance", "apologies",
    "start", "end", "ends", "begins", "comment", "comments", "nb", "ps", "source",
    "method", "area", "group", "focus group", "meeting", "agenda", "action", "actions",
    "warning", "caution", "update", "http", "https", "www", "interviewee details",
    "well", "so", "yes", "no", "ok", "okay", "anyway", "also", "and", "but", "then", "now",
    "right", "sure", "oh", "um", "er", "erm", "basically", "actually", "honestly", "like",
    "obviously", "because", "yeah", "yep", "hmm", "however", "therefore", "firstly",
    "secondly", "finally", "result", "results", "reason", "problem", "point", "thing",
    # Transcript header fields (a line "Transcriber: J. Smith" is not a turn).
    "transcriber", "transcribed by", "interviewer name", "interviewee name", "participant name",
    "participant id", "respondent id", "pseudonym", "date of interview", "interview date",
    "interview number", "interview no", "time of interview", "recorded", "recorded by",
    "length of interview", "duration of interview", "setting", "ward", "wave", "session",
}
# A header field named by one of these and an identifier ("Site A:", "Group 2:",
# "Session 3b:") labels the part of the study a transcript belongs to, not a speaker.
NUMBERED_HEADERS = {
    "site", "group", "focus group", "interview", "area", "ward", "wave", "session", "round",
    "part", "section", "tape", "file", "recording", "case study", "transcript", "phase",
}
IDENTIFIER = re.compile(r"(?:[A-Za-z]|[A-Za-z]?\d+[A-Za-z]?|[IVX]+)$")
# A label of several words starting with one of these is the start of a sentence
# ("He said:", "The problem was:", "What happened was:"), not a name.
SENTENCE_OPENERS = {
    "i", "he", "she", "they", "we", "you", "it", "my", "our", "their", "his", "her", "its",
    "the", "this", "that", "these", "those", "what", "which", "who", "when", "where", "why",
    "how", "there", "here", "one", "some", "all", "so", "well", "and", "but", "then", "now",
    "a", "an", "if", "because", "as", "in", "on", "at", "to", "for", "with", "from", "by",
    "about", "after", "before", "just", "yes", "no", "ok", "okay", "anyway", "also",
}


def is_interviewer_label(label: str) -> bool:
    return bool(INTERVIEWER_LABEL.match(label.strip()))


def is_generic_label(label: str) -> bool:
    """Labels like "R" or "Speaker 2" name a role, not a person: each source has its own."""
    return bool(GENERIC_LABEL.match(label.strip())) or is_interviewer_label(label)


def clean_label(raw: str) -> str:
    return " ".join(raw.replace("*", " ").split()).strip().rstrip(":：").strip()


NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "del",
                  "bin", "al", "el", "of", "and", "&"}


def plausible_speaker(label: str) -> bool:
    """Could this be a speaker? Short, not a heading or discourse word ("Note", "Well",
    "Interview 3"), not the start of a sentence ("He said"), and name-like: it starts
    with a capital (or a letter of a script without case), and a long label (four or
    five words) is capitalised throughout ("Police Community Support Officer"), while a
    short one may continue in lower case ("Café owner")."""
    words = label.split()
    if not words or len(label) > 60 or len(words) > 7:
        return False
    bare = re.sub(r"\s*[(\[].*$", "", label).rstrip(".").strip()
    core = re.sub(r"\s*\d+$", "", bare).lower()
    if core in NOT_SPEAKERS:
        return False
    head, _space, last = bare.rpartition(" ")
    if head and head.lower() in NUMBERED_HEADERS and IDENTIFIER.match(last):
        return False
    if is_generic_label(label):
        return True
    words = bare.split()
    if not words or len(words) > 5:
        return False
    if len(words) > 1 and words[0].lower() in SENTENCE_OPENERS:
        return False
    if not _name_like(words[0]) or words[0].lower() in NAME_PARTICLES:
        return False
    return len(words) <= 3 or all(_name_like(word) for word in words)


def _name_like(word: str) -> bool:
    first = word.lstrip("(\"'‘“")[:1]
    return (not first or first.isupper() or first.isdigit() or not first.islower()
            or word.lower() in NAME_PARTICLES)


def parse_timestamp(value: str) -> float | None:
    """Seconds from "1:02:03", "01:02", "00:01:02.500" or "00:01:02,500"; else None."""
    match = re.fullmatch(r"\s*[\[(]?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,3}))?[\])]?\s*", value)
    if not match:
        return None
    first, second, third, fraction = match.groups()
    hours, minutes, seconds = (0, int(first), int(second)) if third is None else (
        int(first), int(second), int(third)
    )
    if minutes >= 60 or seconds >= 60:
        return None
    millis = int((fraction or "0").ljust(3, "0"))
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


class SpeakerPatternError(CharterError):
    """A user's speaker pattern cannot be used; the message names the pattern."""


def custom_conventions(patterns: list[str]) -> list[Convention]:
    """User-supplied patterns; each must have a ``name`` group."""
    conventions = []
    for number, source in enumerate(patterns, start=1):
        try:
            pattern = re.compile(source if source.startswith("^") else "^" + source)
        except re.error as error:
            raise SpeakerPatternError(f"Speaker pattern {source!r} is not a valid regular expression: {error}.") from error
        if "name" not in pattern.groupindex:
            raise SpeakerPatternError(f"Speaker pattern {source!r} needs a (?P<name>…) group for the speaker.")
        conventions.append(Convention(f"custom-{number}", pattern, needs_colon=False))
    return conventions


@dataclass(frozen=True)
class LabelMatch:
    speaker: str
    label_end: int           # index in the paragraph where the spoken words start
    timestamp: float | None
    label_only: bool


def match_label(convention: Convention, paragraph: str) -> LabelMatch | None:
    if convention.needs_colon and ":" not in paragraph[:80] and "：" not in paragraph[:80]:
        return None  # cheap test first: most paragraphs of a transcript are not labels
    found = convention.pattern.match(paragraph)
    if not found:
        return None
    speaker = clean_label(found.group("name"))
    if not plausible_speaker(speaker):
        return None
    time = found.groupdict().get("time")
    end = found.end()
    while end < len(paragraph) and paragraph[end] in " \t\n":
        end += 1
    return LabelMatch(
        speaker,
        end,
        parse_timestamp(time) if time else None,
        convention.label_only_line or end >= len(paragraph),
    )


BOLD_NAME = Convention("bold-name", re.compile(r"^(?P<name>.+)$"))


def match_bold_label(paragraph: str, bold_prefix: int) -> LabelMatch | None:
    """A bold run at the start that ends in a colon (or is followed by one) is a label."""
    if bold_prefix <= 0:
        return None
    bold = paragraph[:bold_prefix]
    rest = paragraph[bold_prefix:]
    if bold.rstrip().endswith((":", "：")):
        end = bold_prefix
    elif rest.lstrip(" \t").startswith((":", "：")):
        end = bold_prefix + (len(rest) - len(rest.lstrip(" \t"))) + 1
    else:
        return None
    speaker = clean_label(bold)
    if not plausible_speaker(speaker):
        return None
    while end < len(paragraph) and paragraph[end] in " \t\n":
        end += 1
    return LabelMatch(speaker, end, None, end >= len(paragraph))
