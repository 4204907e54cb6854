"""Signed webhooks: endpoints, the event outbox and its delivery with retries."""
