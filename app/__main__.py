"""``python -m app`` opens the Charter desktop app."""

from app.gui import main

raise SystemExit(main())
