"""Charter's user-facing layer: the PySide6 desktop app and the ``charter`` command line."""
