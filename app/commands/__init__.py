"""Undoable GUI actions: each wraps framework operations in a QUndoCommand.

Commands store ids and plain values, never ORM objects, and re-create rows with the
same ids on redo, so later commands on the stack still point at the right things.
"""
