"""The ``decentwork`` sub-commands of each area, kept apart from the areas' packages so that
the program starts without importing them: every command imports what it needs when it
runs."""
