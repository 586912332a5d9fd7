"""How operations run: the pure step machine and the sync and async drivers over it (DESIGN §5)."""
