"""Charter's data model and project files.

Import tables from here (``from models import Source, Coding``) and open projects with
``open_project`` / ``create_project``. Nothing in this package knows about Qt.
"""

from models import audit as _audit  # noqa: F401  (installs the audit hook)
from models.attributes import (
    ENTITY_KINDS,
    VALUE_TYPES,
    AttributeDefinition,
    ParticipantAttributeValue,
    SiteAttributeValue,
    SourceAttributeValue,
)
from models.base import Base
from models.canonical import NotCanonicalError, canonical_text, count_words
from models.cases import Participant, Site
from models.charting import (
    SUMMARY_STATUSES,
    Comment,
    ReviewEvent,
    Summary,
    SummaryCitation,
    SummaryRevision,
)
from models.project_meta import AuditEntry, Coder, ProjectInfo
from models.sources import METHODS, Source, Turn
from models.themes import Coding, CodingSegment, Theme

__all__ = [
    "ENTITY_KINDS",
    "METHODS",
    "SUMMARY_STATUSES",
    "VALUE_TYPES",
    "AttributeDefinition",
    "AuditEntry",
    "Base",
    "Coder",
    "Coding",
    "CodingSegment",
    "Comment",
    "NotCanonicalError",
    "Participant",
    "ParticipantAttributeValue",
    "ProjectInfo",
    "ReviewEvent",
    "Site",
    "SiteAttributeValue",
    "Source",
    "SourceAttributeValue",
    "Summary",
    "SummaryCitation",
    "SummaryRevision",
    "Theme",
    "Turn",
    "canonical_text",
    "count_words",
]
