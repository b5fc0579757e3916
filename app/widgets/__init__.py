"""The panes, dialogs and views of the main window."""
