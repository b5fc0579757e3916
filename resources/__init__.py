"""Data files shipped with Charter: framework templates, and later the demo project,
the Word reference template and icons. Read them with ``importlib.resources``."""
