"""openani: caller-ID (ANI) management for outbound call centres."""

__version__ = "0.1.0"
