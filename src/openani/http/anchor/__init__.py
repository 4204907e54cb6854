"""The anchor's current API (its official SDKs' paths, names and envelopes) over openani's
services: thin adapters, no rule of their own."""
