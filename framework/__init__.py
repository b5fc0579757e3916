"""Charter's analytical core: every operation a user can perform, without any GUI.

Each operation is a function taking a SQLAlchemy session and plain values, doing one
unit of work inside the caller's transaction, and returning plain values. The CLI calls
them directly; the GUI wraps them in undo commands.
"""
