"""Qt item models over framework results: they hold ids and fetch rows on demand."""
