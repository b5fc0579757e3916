"""Reading transcripts into Charter: one module per file format, each producing a
parsed document (canonical text, paragraphs, speaker turns, metadata), plus speaker-label
detection, attribute sheets and the batch import service. Nothing here knows about Qt."""
