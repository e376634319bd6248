"""adapters/console."""
