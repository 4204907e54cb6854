"""Feeding the pure learner (``selection.learner``) and burned-number test from the statistics."""
